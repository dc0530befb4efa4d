"""The page of all counties' 优质均衡 evaluations at a province's size: 140 counties and 20,000
primary, junior and 九年一贯制 schools (the last with their grade rows) in one city, the worst
case, timed against the raw SQL aggregate of the statistics it reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/inspection_pages.py

(the database must exist and may be emptied). Target (issue 21): the page at most 2x the raw
aggregate. Medians of 5 runs (3 for the per-school pass). Prints; asserts nothing.
"""

import statistics
import time

from _setup import django_with_plan

django_with_plan()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import District, Role  # noqa: E402
from inspections import balanced  # noqa: E402
from plans.models import Plan  # noqa: E402
from schools.models import GradeEnrolment, School, SchoolYearStatistics  # noqa: E402
from tests.conftest import make_user  # noqa: E402

COUNTIES, SCHOOLS, YEARS = 140, 20_000, (2024, 2025)
CATEGORIES = ["primary"] * 11 + ["junior"] * 6 + ["nine_year"] * 3


def fill(plan: Plan) -> list[int]:
    have = list(District.objects.filter(city=plan.city))
    District.objects.bulk_create(
        District(city=plan.city, name=f"基准县{n}", slug=f"bench-{n}", order=100 + n)
        for n in range(COUNTIES - len(have))
    )
    districts = list(District.objects.filter(city=plan.city))
    School.objects.bulk_create(
        (
            School(
                code=f"{3700000000 + n}",
                name=f"基准学校{n}",
                district=districts[n % len(districts)],
                category=CATEGORIES[n % len(CATEGORIES)],
                ownership="public",
                inclusiveness="",
                locality="urban" if n % 3 else "rural",
            )
            for n in range(SCHOOLS)
        ),
        batch_size=5000,
    )
    rows = []
    for school in School.objects.all():
        for year in YEARS:
            n = school.pk + year
            students = 300 + n % 900
            rows.append(
                SchoolYearStatistics(
                    school=school,
                    school_year=year,
                    enrolled=students,
                    teachers=students // 12,
                    staff=students // 11,
                    teachers_above_standard=students * (4 + n % 3) // 100,
                    backbone_teachers=students * (1 + n % 2) // 100,
                    pe_teachers=students // 200,
                    art_teachers=students // 180,
                    teaching_area=students * (4 + n % 4),
                    sports_area=students * (6 + n % 8),
                    equipment_value=students * (0.15 + n % 5 / 20),
                    multimedia_classrooms=students * 3 // 100,
                )
            )
    SchoolYearStatistics.objects.bulk_create(rows, batch_size=5000)
    grades = []
    mixed = SchoolYearStatistics.objects.filter(school__category="nine_year")
    for stats_id, enrolled in mixed.values_list("id", "enrolled"):
        per = enrolled // 9
        grades += [
            GradeEnrolment(statistics_id=stats_id, grade=g, students=per) for g in range(1, 9)
        ]
        grades.append(GradeEnrolment(statistics_id=stats_id, grade=9, students=enrolled - 8 * per))
    GradeEnrolment.objects.bulk_create(grades, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return [d.pk for d in districts]


RAW = """
SELECT s.district_id, s.category, COUNT(*), SUM(t.enrolled), SUM(t.teachers_above_standard),
       SUM(t.backbone_teachers), SUM(t.pe_teachers + t.art_teachers), SUM(t.teaching_area),
       SUM(t.sports_area), SUM(t.equipment_value), SUM(t.multimedia_classrooms)
FROM schools_schoolyearstatistics t JOIN schools_school s ON s.id = t.school_id
JOIN departments_district d ON d.id = s.district_id
WHERE d.city_id = %s AND t.school_year = 2025
  AND s.category IN ('primary', 'junior', 'nine_year', 'twelve_year', 'complete_secondary')
GROUP BY s.district_id, s.category
"""

# what the page reads besides: the mixed schools' grade rows, summed per school and level
RAW_GRADES = """
SELECT g.statistics_id, g.grade <= 6, SUM(g.students)
FROM schools_gradeenrolment g JOIN schools_schoolyearstatistics t ON t.id = g.statistics_id
JOIN schools_school s ON s.id = t.school_id JOIN departments_district d ON d.id = s.district_id
WHERE d.city_id = %s AND t.school_year = 2025 AND g.grade BETWEEN 1 AND 9
GROUP BY g.statistics_id, g.grade <= 6
"""


def timed(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    plan = Plan.objects.get()
    ids = fill(plan)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [plan.city_id])
            cursor.fetchall()

    def raw_and_grades():
        raw()
        with connection.cursor() as cursor:
            cursor.execute(RAW_GRADES, [plan.city_id])
            cursor.fetchall()

    raw_time = timed(raw)
    both_time = timed(raw_and_grades)
    summary = timed(lambda: balanced.summaries(ids, 2025))
    full = timed(lambda: balanced.evaluate_many(ids, 2025), runs=3)
    client = Client()
    client.force_login(make_user("bench-admin", Role.Kind.CITY_ADMIN, city=plan.city))
    page = timed(lambda: client.get("/inspections/balanced/?year=2025"), runs=5)
    print(
        f"{len(ids)} counties, {SCHOOLS} schools × {len(YEARS)} school years, {connection.vendor}"
    )
    print(f"raw aggregate of the year's statistics:  {raw_time * 1000:.0f} ms")
    print(
        f"  with the grade rows' aggregate too:     {both_time * 1000:.0f} ms "
        f"(summaries {summary / both_time:.2f}x, page {page / both_time:.2f}x of it)"
    )
    print(
        f"balanced.summaries (every county, SQL):   {summary * 1000:.0f} ms "
        f"({summary / raw_time:.2f}x)"
    )
    print(
        f"the city page (whole request):            {page * 1000:.0f} ms "
        f"({page / raw_time:.2f}x the raw aggregate)"
    )
    print(
        f"balanced.evaluate_many (every school, Python, the county page's way): "
        f"{full * 1000:.0f} ms ({full / raw_time:.2f}x)"
    )


if __name__ == "__main__":
    main()
