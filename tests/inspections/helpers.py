"""A small county for the evaluation tests, every number chosen so the hand-worked values are
short (see tests/inspections/test_county.py)."""

from decimal import Decimal

from schools.models import GradeEnrolment
from tests.schools.helpers import make_school, make_statistics


def resources(students: int, teaching: float, sports: float) -> dict:
    """Per 100 students: 6 teachers above the qualification, 1.5 key teachers, 0.5 PE and 0.5 art
    teachers, 2.5 multimedia classrooms; 3,000 元 of equipment per student (in 万元); the areas
    per student as given."""
    return {
        "enrolled": students,
        "teachers": students * 8 // 100,
        "staff": students * 9 // 100,
        "teachers_above_standard": students * 6 // 100,
        "backbone_teachers": students * 3 // 200,
        "pe_teachers": students // 200,
        "art_teachers": students // 200,
        "multimedia_classrooms": students * 5 // 200,
        "equipment_value": Decimal(students * 3000) / 10000,
        "teaching_area": Decimal(str(students * teaching)),
        "sports_area": Decimal(str(students * sports)),
    }


def small_county(district, year=2025):
    """甲小学 400 students, 乙小学 600, 丙初中 800, 丁九年一贯制 1,000 (600 in grades 1–6, 400 in
    7–9), and 戊九年一贯制 with no grade rows."""
    schools = {}
    for name, category, students, teaching, sports in [
        ("甲小学", "primary", 400, 5.0, 8.0),
        ("乙小学", "primary", 600, 4.0, 7.5),
        ("丙初中", "junior", 800, 8.0, 12.0),
        ("丁九年一贯制学校", "nine_year", 1000, 5.4, 9.0),
        ("戊九年一贯制学校", "nine_year", 500, 6.0, 12.0),
    ]:
        school = make_school(district, category, name=name)
        stats = make_statistics(school, year, **resources(students, teaching, sports))
        schools[name] = stats
    nine = schools["丁九年一贯制学校"]
    GradeEnrolment.objects.bulk_create(
        [GradeEnrolment(statistics=nine, grade=g, students=100) for g in range(1, 7)]
        + [
            GradeEnrolment(statistics=nine, grade=g, students=n)
            for g, n in [(7, 133), (8, 133), (9, 134)]
        ]
    )
    return schools
