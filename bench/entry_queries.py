"""The entry page's SQL queries and server time, with the plan's targets and with ten times as many.

    .venv/bin/python bench/entry_queries.py

Target: the query count is constant, whatever the number of targets. Prints the figures.
"""

import statistics
import time

from _setup import django_with_plan

django_with_plan()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import District, Role  # noqa: E402
from plans.models import Plan  # noqa: E402
from targets import demo  # noqa: E402
from targets.models import Target  # noqa: E402


def measure(client: Client, url: str) -> tuple[int, float, int]:
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200
    rows = response.content.count(b'<tr id="target-')
    return len(queries), statistics.median(times), rows


def multiply_targets(plan: Plan, factor: int) -> None:
    originals = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    copies = []
    for n in range(1, factor):
        for original in originals:
            copy = Target.objects.get(pk=original.pk)
            copy.pk, copy.code, copy.order = None, f"{original.code}-x{n}", original.order + 100 * n
            copies.append(copy)
    Target.objects.bulk_create(copies)


def main() -> None:
    from django.contrib.auth.models import User

    plan = Plan.objects.default()
    district = District.objects.get(city=plan.city, slug="zhangdian")
    user = User.objects.create_user("bench-staff")
    Role.objects.create(user=user, kind=Role.Kind.DISTRICT_STAFF, district=district)
    demo.seed(plan)
    client = Client()
    client.force_login(user)
    url = f"/entry/zhangdian/{2024}/"
    for label in ("the plan's targets", "ten times as many"):
        queries, seconds, rows = measure(client, url)
        timing = f"{seconds * 1000:6.0f} ms (median of 5)"
        print(f"{label:<20} {rows:4d} targets: {queries:3d} queries, {timing}")
        if label == "the plan's targets":
            multiply_targets(plan, 10)


if __name__ == "__main__":
    main()
