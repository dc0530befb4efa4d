"""seed_demo: deterministic, plausible demo figures, clearly marked, some districts ahead."""

import datetime
import itertools
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from targets.models import Figure, FigureChange, Reminder, ReportingPeriod

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


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_the_demo_bureau_has_chased_the_districts_that_owe_final_figures(plan, client):
    """The plan ended 11 months ago: the districts that still owe 2025 figures were reminded
    before the deadline and every week since, as the daily task does; marked as demo data."""
    call_command("seed_demo", stdout=StringIO())
    final = ReportingPeriod.objects.get(plan=plan, year=2025)
    assert set(final.reminders.values_list("district__slug", flat=True)) == {
        "yiyuan", "gaoqing", "wenchanghu"
    }  # fmt: skip
    days = list(
        final.reminders.filter(district__slug="wenchanghu")
        .order_by("sent_on")
        .values_list("sent_on", flat=True)
    )
    assert days[:2] == [datetime.date(2026, 3, 24), datetime.date(2026, 4, 1)]
    assert {(later - earlier).days for earlier, later in itertools.pairwise(days[1:])} == {7}
    assert days[-1] == datetime.date(2026, 11, 18) and len(days) == 35
    assert not Reminder.objects.filter(is_demo=False).exists()
    assert not Reminder.objects.filter(recipients="").exists()
    count = Reminder.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Reminder.objects.count() == count, "a second run adds nothing"

    client.force_login(User.objects.get(username="city-admin"))
    html = client.get("/completeness/2025/").content.decode()
    assert "2026-11-18</span> 逾期提醒 · 共 35 次" in html and "演示" in html
    assert "从未" not in html


def test_every_demo_account_has_an_address_and_a_co_operating_head_is_among_them(plan):
    call_command("seed_demo", stdout=StringIO())
    call_command("load_demo_plans", stdout=StringIO())
    accounts = User.objects.filter(role__isnull=False)
    assert accounts.count() >= 18
    assert not accounts.filter(email="").values_list("username", flat=True).exists()
    assert all(email.endswith("@example.cn") for email in accounts.values_list("email", flat=True))
    sports = User.objects.get(username="head-sports")
    assert sports.role.department.name == "市体育局" and sports.role.department.city == plan.city
    assert sports.check_password("zibo-demo-2025")
