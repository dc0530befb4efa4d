"""Progress dashboards at province and national size, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/progress_dashboards.py [districts ...]

Generates 60 targets and, for each size (default 140 and 2800 districts), a figure for every
target, district and year 2020–2025 (the database named must exist and is emptied). Prints, for
the city overview and the heat map, the median server time of 11 requests and its ratio to the
single raw SQL aggregate the page needs (target: at most 2x), then how long a save's refresh of
the stored standings takes: one figure, and one district's figures of a year. Asserts nothing.
"""

import io
import statistics
import sys
import time

from _setup import django_with_plan

django_with_plan()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import District, Role  # noqa: E402
from plans.models import Plan  # noqa: E402
from targets import standings  # noqa: E402
from targets.models import Figure, Target  # noqa: E402

TARGETS = 60
YEARS = range(2020, 2026)
AS_OF = YEARS[-1]
AGGREGATE = """
    SELECT f.target_id, f.year, SUM(f.numerator), SUM(f.denominator), SUM(f.value),
           COUNT(f.numerator), COUNT(f.value), COUNT(*) FILTER (WHERE f.achieved)
    FROM targets_figure f JOIN targets_target t ON t.id = f.target_id
    WHERE f.state = 'approved' AND f.year <= %s
    GROUP BY f.target_id, f.year
"""


def make_targets(plan: Plan) -> list[Target]:
    targets = list(Target.objects.of_plan(plan))
    originals = [t for t in targets if t.reported_by == "districts"]
    n = 0
    while len(targets) < TARGETS:
        copy = Target.objects.get(pk=originals[n % len(originals)].pk)
        copy.pk, copy.code, copy.order = None, f"{copy.code}-b{n}", copy.order + 100 + n
        copy.save()
        targets.append(copy)
        n += 1
    return targets


def make_figures(plan: Plan, targets: list[Target], count: int) -> int:
    Figure.objects.all().delete()
    District.objects.filter(city=plan.city, slug__startswith="bench-").delete()
    existing = District.objects.filter(city=plan.city).count()
    District.objects.bulk_create(
        District(
            city=plan.city,
            name=f"基准区{n:05d}",
            slug=f"bench-{n:05d}",
            kind="district",
            order=100 + n,
        )
        for n in range(max(count - existing, 0))
    )
    districts = list(District.objects.filter(city=plan.city).values_list("pk", flat=True))[:count]
    buffer = io.StringIO()
    rows = 0
    for target in targets:
        units = districts if target.reported_by == "districts" else [None]
        for d, district in enumerate(units):
            for year in YEARS:
                numerator = denominator = value = achieved = r"\N"
                entry = target.entry
                if entry == Target.Entry.FRACTION:
                    numerator, denominator = str(400 + 20 * (year - 2020) + d % 50), "1000"
                elif entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
                    value = str(2 + (year - 2020) * 2 + d % 3)
                else:
                    achieved = "t" if (d + year) % 3 == 0 else "f"
                buffer.write("\t".join([
                    str(target.pk), r"\N" if district is None else str(district), str(year),
                    numerator, denominator, value, achieved, "", "", "approved", "", "1",
                    "2025-01-01 00:00:00+00",
                ]) + "\n")  # fmt: skip
                rows += 1
    buffer.seek(0)
    columns = ("target_id, district_id, year, numerator, denominator, value, achieved, note, "
               "source, state, return_reason, version, updated_at")  # fmt: skip
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY targets_figure ({columns}) FROM STDIN") as copy,
    ):
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    connection.cursor().execute("ANALYZE targets_figure")
    return rows


def median_ms(function, repeat: int = 11) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def raw_aggregate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(AGGREGATE, [AS_OF])
        cursor.fetchall()


def print_save_refresh() -> None:
    """A save refreshes the standings of its districts and the city: one figure, then one
    district's figures of a year (what its entry page submits)."""
    figure = Figure.objects.filter(district__isnull=False, year=AS_OF).first()
    district = list(Figure.objects.filter(district=figure.district_id, year=AS_OF))
    for figures, what in (([figure], "one figure"), (district, f"{len(district)} figures")):
        took = median_ms(lambda figures=figures: standings.refresh_figures(figures), repeat=3)
        print(f"  a save's refresh:   {took:8.1f} ms   {what} of one district")


def main(sizes: list[int]) -> None:
    if connection.vendor != "postgresql":
        sys.exit("run it on PostgreSQL: set DATABASE_URL")
    plan = Plan.objects.default()
    targets = make_targets(plan)
    admin = User.objects.create_user("bench-admin")
    Role.objects.create(user=admin, kind=Role.Kind.CITY_ADMIN)
    client = Client()
    client.force_login(admin)
    for size in sizes:
        start = time.perf_counter()
        rows = make_figures(plan, targets, size)
        print(f"\n{size} districts, {len(targets)} targets, {len(YEARS)} years: {rows} figures "
              f"(loaded in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        start = time.perf_counter()
        stored = standings.refresh_plan(plan)
        print(f"  standings refreshed: {stored} rows in {time.perf_counter() - start:.1f} s "
              "(once, after loading)")  # fmt: skip
        connection.cursor().execute("ANALYZE targets_standing")  # as autovacuum soon would
        sql = median_ms(raw_aggregate)
        print(f"  raw SQL aggregate:  {sql:8.1f} ms")
        for name, url in (
            ("city overview", f"/progress/?year={AS_OF}"),
            ("heat map", f"/progress/heatmap/?year={AS_OF}"),
        ):

            def get(url=url):
                assert client.get(url).status_code == 200

            page = median_ms(get)
            ratio = f"{page / sql:5.2f}x the aggregate (target: at most 2x)"
            print(f"  {name:<18}  {page:8.1f} ms   {ratio}")
        print_save_refresh()


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [140, 2800])
