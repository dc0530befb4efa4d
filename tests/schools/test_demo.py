from decimal import Decimal

import pytest

import schools.demo
import targets.demo
from schools import indicators
from schools.models import School, SchoolYearStatistics
from targets.models import Figure
from tests.conftest import target_named

pytestmark = pytest.mark.django_db


def test_demo_schools_are_many_marked_and_consistent_with_the_demo_figures(plan):
    targets.demo.seed(plan)
    schools.demo.seed(plan)
    assert 1400 <= School.objects.count() <= 1600
    assert School.objects.values("district").distinct().count() == 11
    assert not School.objects.filter(is_demo=False).exists()
    assert not School.objects.exclude(name__contains="演示").exists()
    assert set(SchoolYearStatistics.objects.values_list("school_year", flat=True)) == set(
        range(2020, 2026)
    )
    share = indicators.get("kindergarten-public-share")
    by_district, _city = indicators.derive(share, plan.city_id, [2022, 2024])
    target = target_named(plan, "公办幼儿园在园幼儿占比")
    for slug, year, gap in (("zhangdian", 2022, 0), ("zhoucun", 2024, -4)):
        figure = Figure.objects.get(target=target, district__slug=slug, year=year)
        derived = by_district[(figure.district_id, year)]
        assert abs(figure.measure - derived.value - gap) < Decimal("0.1")
    schools.demo.seed(plan)  # a second run adds nothing
    assert 1400 <= School.objects.count() <= 1600


def test_demo_grades_add_up_to_each_school_year_and_carry_the_fall_in_births(plan):
    from django.db.models import Sum

    from schools.models import GradeEnrolment
    from schools.statistics import level_of

    targets.demo.seed(plan)
    schools.demo.seed(plan)
    rows = SchoolYearStatistics.objects.annotate(by_grade=Sum("grades__students"))
    graded = rows.exclude(school__category__in=["vocational", "special"])
    assert graded.exists()
    assert not [r for r in graded if r.by_grade != r.enrolled]
    assert not rows.filter(school__category__in=["vocational", "special"], grades__isnull=False)
    assert not GradeEnrolment.objects.filter(is_demo=False).exists()

    def city(year: int, grade: int) -> int:
        return GradeEnrolment.objects.filter(statistics__school_year=year, grade=grade).aggregate(
            n=Sum("students")
        )["n"]

    # 小班 of 2025 were born in 2022, of 2020 in 2017 (the peak): far fewer now
    assert city(2025, -2) < 0.65 * city(2020, -2)
    # the peak cohort (born 2017) is in 一年级 in 2023, so 2025's entrants are fewer
    assert city(2025, 1) < city(2023, 1)
    # a nine-year school has both sections
    nine = SchoolYearStatistics.objects.filter(school__category="nine_year").first()
    assert {level_of(g.grade) for g in nine.grades.all()} == {"primary", "junior"}


def test_sections_of_a_mixed_school_are_its_grades_summed():
    from schools.statistics import birth_year, section_students

    assert section_students({1: 150, 6: 140, 7: 120, 9: 0}) == {"primary": 290, "junior": 120}
    assert birth_year(2025, 1) == 2019  # six in the school year's first autumn
    assert birth_year(2025, -2) == 2022  # 小班 at three
