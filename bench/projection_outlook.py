"""The school-age population projection at a province's size: 140 counties, 20,000 schools ×
6 school years with students by grade (about 600,000 grade rows), births 2010–2025, timed
against the raw SQL aggregate it reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/projection_outlook.py

(the database must exist and may be emptied). Target (issue 21): the projection of every
district (projections.outlook.outlooks: its four queries and the arithmetic in Python) at most 2x
the raw grouped aggregate (district, grade, school year → Σ students). Prints; asserts nothing.
"""

import statistics
import time
from random import Random

from _setup import django_with_plan

django_with_plan()

from django.db import connection  # noqa: E402

from departments.models import City, District  # noqa: E402
from projections import outlook  # noqa: E402
from projections.models import Births  # noqa: E402
from schools.models import GradeEnrolment, School, SchoolYearStatistics  # noqa: E402

COUNTIES, SCHOOLS, YEARS = 140, 20_000, range(2020, 2026)
# category → its grades
KINDS = [
    ("kindergarten", (-2, -1, 0)),
    ("primary", (1, 2, 3, 4, 5, 6)),
    ("junior", (7, 8, 9)),
    ("nine_year", (1, 2, 3, 4, 5, 6, 7, 8, 9)),
    ("senior", (10, 11, 12)),
]


def fill() -> list[District]:
    rng = Random(21)
    city = City.objects.create(name="基准省各县(测试数据)", province="基准省")
    districts = District.objects.bulk_create(
        District(city=city, name=f"基准县{n}", slug=f"county-{n}", kind="county", order=n)
        for n in range(COUNTIES)
    )
    schools = []
    for n in range(SCHOOLS):
        category, grades = KINDS[n % len(KINDS)]
        schools.append(
            School(
                code=f"{3800000000 + n}", name=f"基准学校{n}", district=districts[n % COUNTIES],
                category=category, ownership="public",
                inclusiveness="public" if category == "kindergarten" else "", locality="urban",
                approved_places=60 * len(grades) + rng.randint(0, 100),
            )
        )  # fmt: skip
    School.objects.bulk_create(schools, batch_size=5000)
    grades_of = dict(KINDS)
    stats = [
        SchoolYearStatistics(school=s, school_year=y, enrolled=0)
        for s in School.objects.filter(district__city=city)
        for y in YEARS
    ]
    SchoolYearStatistics.objects.bulk_create(stats, batch_size=5000)
    rows = []
    for row in SchoolYearStatistics.objects.filter(school__district__city=city).select_related(
        "school"
    ):
        for grade in grades_of[row.school.category]:
            rows.append(
                GradeEnrolment(statistics_id=row.pk, grade=grade, students=rng.randint(40, 70))
            )
        if len(rows) > 50_000:
            GradeEnrolment.objects.bulk_create(rows, batch_size=10_000)
            rows = []
    GradeEnrolment.objects.bulk_create(rows, batch_size=10_000)
    Births.objects.bulk_create(
        Births(district=d, year=y, births=rng.randint(2000, 4000))
        for d in districts
        for y in range(2010, 2026)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return list(District.objects.filter(city=city))


RAW = """
SELECT s.district_id, g.grade, t.school_year, SUM(g.students)
FROM schools_gradeenrolment g
JOIN schools_schoolyearstatistics t ON t.id = g.statistics_id
JOIN schools_school s ON s.id = t.school_id
WHERE s.district_id IN ({ids}) AND t.school_year BETWEEN %s AND %s
GROUP BY s.district_id, g.grade, t.school_year
"""


def timed(action, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    districts = fill()
    ids = ",".join(str(d.pk) for d in districts)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW.format(ids=ids), [2019, 2025])
            cursor.fetchall()

    # raw and projection alternate, so that a busy machine slows both alike; the ratio is the
    # median of each pair's
    pairs = [(timed(raw, runs=1), timed(lambda: outlook.outlooks(districts, 2025), runs=1))
             for _ in range(9)]  # fmt: skip
    raw_time = statistics.median(r for r, _ in pairs)
    projection_time = statistics.median(p for _, p in pairs)
    ratio = statistics.median(p / r for r, p in pairs)
    count = GradeEnrolment.objects.count()
    print(f"{COUNTIES} counties, {SCHOOLS} schools, {count} grade rows, {connection.vendor}")
    print(f"raw aggregate (district, grade, year → Σ students): {raw_time * 1000:.0f} ms")
    print(
        f"outlooks (every district, 10 years, places, backtest): {projection_time * 1000:.0f} ms "
        f"({ratio:.2f}x, median of 9 alternating pairs)"
    )


if __name__ == "__main__":
    main()
