"""A district's schools with students by grade, and births, made small and explicit."""

from projections.models import Births
from schools.models import GradeEnrolment
from tests.schools.helpers import make_school, make_statistics


def school_with_grades(district, category, places, by_year: dict[int, dict[int, int]]):
    """A school whose grades hold `by_year[year][grade]` students."""
    school = make_school(district, category, approved_places=places)
    for year, grades in by_year.items():
        stats = make_statistics(school, year, enrolled=sum(grades.values()))
        GradeEnrolment.objects.bulk_create(
            GradeEnrolment(statistics=stats, grade=g, students=n) for g, n in grades.items()
        )
    return school


def primary_series(district, places=600, first=100):
    """A primary school, 2019–2025, each grade `first` students less 5 a year, and births
    2010–2025 of `first` a year (entry ratio 1.0 in every year)."""
    by_year = {y: {g: first - 5 * (y - 2019) for g in range(1, 7)} for y in range(2019, 2026)}
    Births.objects.bulk_create(
        Births(district=district, year=y, births=first - 5 * (y + 6 - 2019))
        for y in range(2010, 2020)
    )
    return school_with_grades(district, "primary", places, by_year)
