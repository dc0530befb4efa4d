"""Derived indicators at a province's size: 20,000 schools × 6 school years (120,000 statistics
rows), timed against the raw SQL aggregate they need.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/derived_indicators.py

(the database must exist and may be emptied). All the schools are put in the plan's city, the
worst case for one city's page. Target (issue 20): the indicator's derived values (the indicator
page's query) and /api/indicators/ at most 2x the raw aggregate. Prints; asserts nothing.
"""

import statistics
import time

from _setup import django_with_plan

django_with_plan()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import District, Role  # noqa: E402
from plans.models import Plan  # noqa: E402
from schools import indicators  # noqa: E402
from schools.models import School, SchoolYearStatistics  # noqa: E402
from tests.conftest import make_user  # noqa: E402

SCHOOLS, YEARS = 20_000, range(2020, 2026)
KINDS = ["public", "inclusive_private", "private"]


def fill(plan: Plan) -> None:
    districts = list(District.objects.filter(city=plan.city))
    schools = []
    for n in range(SCHOOLS):
        kindergarten = n % 2 == 0
        inclusiveness = KINDS[n % 3] if kindergarten else ""
        schools.append(
            School(
                code=f"{3700000000 + n}",
                name=f"基准学校{n}",
                district=districts[n % len(districts)],
                category="kindergarten" if kindergarten else "primary",
                ownership="public" if inclusiveness in ("public", "") else "private",
                inclusiveness=inclusiveness,
                locality="urban",
            )
        )
    School.objects.bulk_create(schools, batch_size=5000)
    rows = [
        SchoolYearStatistics(
            school=s,
            school_year=y,
            enrolled=100 + s.pk % 50,
            classes=4,
            teachers=10,
            teachers_above_standard=8,
            large_classes=s.pk % 2,
        )
        for s in School.objects.all()
        for y in YEARS
    ]
    SchoolYearStatistics.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


RAW = """
SELECT s.district_id, t.school_year,
       SUM(CASE WHEN s.category = 'kindergarten' AND s.inclusiveness = 'public'
                THEN t.enrolled END),
       SUM(CASE WHEN s.category = 'kindergarten' THEN t.enrolled END)
FROM schools_schoolyearstatistics t JOIN schools_school s ON s.id = t.school_id
JOIN departments_district d ON d.id = s.district_id
WHERE d.city_id = %s AND t.school_year IN (2020, 2021, 2022, 2023, 2024, 2025)
GROUP BY s.district_id, t.school_year
"""


def timed(action, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    plan = Plan.objects.get()
    fill(plan)
    share = indicators.get("kindergarten-public-share")

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [plan.city_id])
            cursor.fetchall()

    raw_time = timed(raw)
    derive_time = timed(lambda: indicators.derive(share, plan.city_id, list(YEARS)))
    client = Client()
    client.force_login(make_user("bench-admin", Role.Kind.CITY_ADMIN, city=plan.city))
    page = timed(lambda: client.get("/indicators/kindergarten-public-share/"), runs=3)
    api = timed(lambda: client.get("/api/indicators/?year=2024"), runs=3)
    count = len(indicators.indicators())
    print(f"{SCHOOLS} schools × {len(YEARS)} school years, {connection.vendor}")
    print(f"raw aggregate (one indicator, 6 years): {raw_time * 1000:.0f} ms")
    print(
        f"indicators.derive (the same):            {derive_time * 1000:.0f} ms "
        f"({derive_time / raw_time:.2f}x)"
    )
    print(
        f"indicator page (whole request):          {page * 1000:.0f} ms "
        f"({page / raw_time:.2f}x the raw aggregate)"
    )
    print(
        f"/api/indicators/ ({count} indicators, one year): {api * 1000:.0f} ms "
        f"({api / raw_time:.2f}x one raw aggregate)"
    )


if __name__ == "__main__":
    main()
