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
