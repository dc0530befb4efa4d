"""The demo's county evaluations: one county passes 优质均衡, one fails on 差异系数, all 演示."""

from io import StringIO

import pytest
from django.core.management import call_command

from departments.models import District
from inspections import demo
from inspections.evaluation import evaluate, evaluate_many
from inspections.models import CountyItem
from schools.models import SchoolYearStatistics

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_passing_county_and_one_failing_on_the_cv(plan):
    call_command("seed_demo", stdout=StringIO())
    passing = evaluate("balanced", District.objects.get(slug="huantai"), 2025)
    assert passing.standing == "ready" and passing.recognition_passes
    dispersed = evaluate("balanced", District.objects.get(slug="yiyuan"), 2025)
    primary = dispersed.resources.levels[0]
    assert primary.schools_pass and not primary.dispersion_passes  # schools meet; the CV fails
    assert dispersed.gaps == ["小学3项差异系数超标"]
    summary = {
        e.district.slug: e.standing
        for e in evaluate_many(
            "balanced", list(District.objects.filter(city=plan.city)), 2025, summary=True
        )
    }
    assert summary["huantai"] == "ready" and summary["yiyuan"] == "gaps"
    preschool = evaluate("preschool", District.objects.get(slug="zhangdian"), 2025)
    assert preschool.standing == "certified"
    assert not CountyItem.objects.filter(is_demo=False).exists()
    assert not CountyItem.objects.exclude(note__startswith="演示").exists()
    adjusted = SchoolYearStatistics.objects.filter(source=demo.SOURCE)
    assert adjusted.exists() and not adjusted.filter(is_demo=False).exists()
    # deterministic: a second run changes no value and adds no item
    before = list(adjusted.order_by("pk").values_list("sports_area", "equipment_value", "staff"))
    items = CountyItem.objects.count()
    assert demo.seed(plan)["items"] == 0
    assert CountyItem.objects.count() == items
    again = list(adjusted.order_by("pk").values_list("sports_area", "equipment_value", "staff"))
    assert again == before
