"""A province: cities side by side, at size.

    .venv/bin/python bench/province.py [cities] [districts] [targets]     (default 16 9 50)

Makes `cities` made-up cities (基准市N, bench data only, see bench/_province.py) of `districts`
districts, each with two plans (2016–2020, then 2021–2025 following it) of `targets` rate targets
sharing their indicator keys across cities, and an approved figure for every target, district and
year (10 years). Prints the median server time of 15 requests of the province page
(/province/?year=2025) and of one city's overview (/progress/?plan=…&year=2025), each against
the raw SQL aggregate the page needs (target: at most 2x), the page and the aggregate timed in
turn so that a load from elsewhere on a shared machine weighs on both alike; and, for scale, a
page of the same layout with nothing to show (/province/?year=2000: session, role, header). The
query counts are asserted in tests/plans/test_province.py. Asserts nothing. SQLite in a
temporary folder unless DATABASE_URL names an (empty) database.
"""

import statistics
import sys
import time

from _province import build
from _setup import django_with_plan

django_with_plan()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import Role  # noqa: E402
from targets.models import Figure  # noqa: E402

CITIES, DISTRICTS, TARGETS = (
    int(a) for a in (sys.argv[1:] + ["16", "9", "50"][len(sys.argv) - 1 :])[:3]
)


def medians_ms(runs, times: int = 15) -> list[float]:
    """The median of each run, timed in turn: run 1, run 2, …, run 1, run 2, …"""
    samples = [[] for _ in runs]
    for _ in range(times):
        for run, taken in zip(runs, samples, strict=True):
            start = time.perf_counter()
            run()
            taken.append((time.perf_counter() - start) * 1000)
    return [statistics.median(taken) for taken in samples]


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def main() -> None:
    started = time.perf_counter()
    plans = build(CITIES, DISTRICTS, TARGETS)
    took = time.perf_counter() - started
    print(f"{CITIES} cities × {DISTRICTS} districts × {TARGETS} targets × 2 plans, "
          f"{Figure.objects.count()} figures, built in {took:.0f} s")  # fmt: skip
    user = User.objects.create_user("bench-province")
    Role.objects.create(user=user, kind=Role.Kind.PROVINCE)
    client = Client()
    client.force_login(user)
    later = [p for p in plans if p.start_year == 2021]
    province_sql = (
        "SELECT f.target_id, f.year, SUM(f.numerator), SUM(f.denominator), COUNT(*) "
        "FROM targets_figure f JOIN targets_target t ON t.id = f.target_id "
        "JOIN plans_task k ON k.id = t.task_id JOIN plans_part p ON p.id = k.part_id "
        f"WHERE p.plan_id IN ({','.join('%s' for _ in later)}) AND f.state = 'approved' "
        "AND f.year BETWEEN 2020 AND 2025 GROUP BY f.target_id, f.year"
    )
    city = later[0]
    city_sql = province_sql.replace(f"IN ({','.join('%s' for _ in later)})", "IN (%s)")
    for label, url, sql, params in (
        ("province page", "/province/?year=2025", province_sql, [p.pk for p in later]),
        ("city overview", f"/progress/?plan={city.slug}&year=2025", city_sql, [city.pk]),
    ):
        assert client.get(url).status_code == 200
        page, aggregate, empty = medians_ms([
            lambda url=url: client.get(url),
            lambda sql=sql, params=params: raw(sql, params),
            lambda: client.get("/province/?year=2000"),
        ])  # fmt: skip
        print(
            f"{label}: {page:.1f} ms median, raw SQL aggregate {aggregate:.1f} ms, "
            f"ratio {page / aggregate:.1f}x (a page with nothing to show: {empty:.1f} ms)"
        )


if __name__ == "__main__":
    main()
