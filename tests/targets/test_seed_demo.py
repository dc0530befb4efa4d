"""seed_demo: deterministic, plausible demo figures, clearly marked, some districts ahead."""

from io import StringIO

import pytest
from django.core.management import call_command

from targets.models import Figure, FigureChange, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    call_command("seed_demo", stdout=StringIO())


def test_every_figure_is_marked_as_demo_data(seeded):
    assert Figure.objects.count() > 1500
    assert not Figure.objects.exclude(note__contains="演示数据").exists()
    assert not FigureChange.objects.exclude(channel="demo").exists()
    assert ReportingPeriod.objects.count() == 6  # 2020 (baseline) to 2025


def test_it_is_deterministic_and_adds_nothing_the_second_time(seeded):
    first = list(
        Figure.objects.order_by("pk").values_list("numerator", "denominator", "value", "state")
    )
    call_command("seed_demo", stdout=StringIO())
    assert Figure.objects.count() == len(first)
    Figure.objects.all().delete()
    call_command("seed_demo", stdout=StringIO())
    again = list(
        Figure.objects.order_by("pk").values_list("numerator", "denominator", "value", "state")
    )
    assert again == first


def test_some_districts_are_ahead_and_some_behind(seeded):
    fitness = Figure.objects.filter(target__name="学生体质健康测试优良率", year=2024)
    share = {f.district.name: f.percentage for f in fitness.select_related("district")}
    assert share["张店区"] > share["周村区"] > share["沂源县"]


def test_real_city_results_of_the_seeds_are_kept(seeded):
    certified = Figure.objects.filter(
        target__name="国家学前教育普及普惠县达标区县占比", year=2023, achieved=True
    )
    assert certified.count() == 2
    smart = Figure.objects.filter(target__name="智慧校园建设达标率", year=2022)
    share = sum(f.numerator for f in smart) * 100 / sum(f.denominator for f in smart)
    assert 55 <= share <= 65


def test_2024_is_mid_review(seeded):
    states = set(Figure.objects.filter(year=2024).values_list("state", flat=True))
    assert states == {"draft", "submitted", "approved", "returned"}
    assert not Figure.objects.filter(year__lt=2024).exclude(state="approved").exists()


def test_every_target_of_the_plan_has_demo_figures(seeded, plan):
    """The targets added in issue 9 (二(一)4-7 … 二(四)6-1) are covered like the others."""
    from targets.models import Target

    bare = Target.objects.of_plan(plan).exclude(figures__isnull=False)
    assert list(bare.values_list("code", flat=True)) == []


def test_demo_figures_obey_the_entry_rules(seeded):
    """Every demo figure would pass figures.check: no 130 compliant schools out of 120."""
    from targets import figures

    for figure in Figure.objects.select_related("target"):
        assert figures.check(figure.target, figures.FigureInput.of(figure)) == {}, figure


def test_teachers_pay_above_civil_servants_in_districts_ahead(seeded):
    pay = Figure.objects.filter(target__name="义务教育教师平均工资与当地公务员之比", year=2024)
    ratio = {f.district.slug: f.numerator / f.denominator for f in pay.select_related("district")}
    assert ratio["zhangdian"] > 1 > ratio["yiyuan"]


def test_2025_is_the_end_of_the_plan_with_some_final_figures_missing(seeded, plan):
    """In late 2026 most districts' final figures are in: some approved, some awaiting review;
    沂源县 and 高青县 left gaps and 文昌湖区 reported nothing (what the evaluation lists)."""
    from targets import completeness

    final = Figure.objects.filter(year=2025).select_related("district")
    states = {}
    for figure in final:
        states.setdefault(figure.district.slug if figure.district else "city", set()).add(
            figure.state
        )
    assert states["zhangdian"] == states["city"] == {"approved"}
    assert states["zhoucun"] == {"submitted"}
    assert "wenchanghu" not in states
    applicable = completeness.applicable(plan).count()
    for slug in ("yiyuan", "gaoqing"):
        entered = final.filter(district__slug=slug)
        assert 0 < entered.count() < applicable and entered.exclude(state="approved").count()
    assert not final.exclude(note__contains="演示数据").exists()


def test_zhangdian_fitness_is_54_6_percent_in_2025(seeded):
    """The issue's example: 55%以上 missed by a little (未达成; 基本完成 in the evaluation)."""
    figure = Figure.objects.get(
        target__code="二(一)4-1", district__slug="zhangdian", year=2025, state="approved"
    )
    assert f"{figure.percentage:.1f}" == "54.6"
