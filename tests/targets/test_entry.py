"""The entry page: one district, one year, every applicable target; save, submit, conflicts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from targets.models import Figure, ReportingPeriod, Target
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), change_note_threshold=20
    )


@pytest.fixture
def staff(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    return client


def _url(slug="zhangdian", year=2024):
    return reverse("figure_entry", args=[slug, year])


def _field(target, name):
    return f"t{target.pk}-{name}"


def test_entry_start_takes_staff_to_their_district(staff, plan):
    response = staff.get(reverse("entry_start"))
    assert response["Location"] == _url("zhangdian", plan.reporting_year())


def test_entry_page_groups_every_applicable_target_by_chapter(staff, plan, period, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2023, numerator=Decimal(450), denominator=Decimal(1000))
    response = staff.get(_url())
    assert response.status_code == 200
    chapters = response.context["chapters"]
    assert [part.code for part, _forms in chapters][:2] == ["二(一)", "二(二)"]
    shown = [form.target for _part, forms in chapters for form in forms]
    expected = Target.objects.of_plan(plan).filter(reported_by="districts")
    assert len(shown) == expected.count() == 39  # 33 + 6 added in issue 9
    html = response.content.decode()
    assert "45.0%（450/1000）" in html, "last year's figure beside the field"
    assert "≥ 55%" in html and "体质健康测试优良学生数" in html
    assert "2025-03-31" in html


def test_saving_a_draft_records_figures(staff, plan, period, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    bases = target_named(plan, "区县典型性劳动教育基地")
    response = staff.post(
        _url(),
        {
            _field(fitness, "numerator"): "520",
            _field(fitness, "denominator"): "1000",
            _field(bases, "value"): "6",
            "action": "save",
        },
    )
    assert response.status_code == 302
    saved = {f.target.name: f for f in Figure.objects.filter(district=zhangdian, year=2024)}
    assert saved["学生体质健康测试优良率"].percentage == 52
    assert saved["区县典型性劳动教育基地"].value == 6
    assert {f.state for f in saved.values()} == {"draft"}
    assert saved["区县典型性劳动教育基地"].changes.get().channel == "form"


def test_a_rejected_save_names_the_rule_keeps_the_input_and_saves_nothing(staff, plan, period):
    fitness = target_named(plan, "学生体质健康测试优良率")
    bases = target_named(plan, "区县典型性劳动教育基地")
    response = staff.post(
        _url(),
        {
            _field(fitness, "numerator"): "1200",
            _field(fitness, "denominator"): "1000",
            _field(bases, "value"): "6",
            "action": "save",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "分子（1200）不能大于分母（1000）" in html
    assert 'value="1200"' in html and 'value="6"' in html
    assert "未保存任何数据" in html
    assert not Figure.objects.exists()


def test_text_in_a_number_field_is_refused(staff, plan, period):
    bases = target_named(plan, "区县典型性劳动教育基地")
    response = staff.post(_url(), {_field(bases, "value"): "十个", "action": "save"})
    assert response.status_code == 200
    assert "输入一个数字。" in response.content.decode()


def test_a_big_change_needs_a_note(staff, plan, period, zhangdian):
    bases = target_named(plan, "区县典型性劳动教育基地")
    make_figure(bases, zhangdian, 2023, value=Decimal(4), state="approved")
    response = staff.post(_url(), {_field(bases, "value"): "9", "action": "save"})
    assert "与上年相比变化 +125.0%" in response.content.decode()
    response = staff.post(
        _url(),
        {_field(bases, "value"): "9", _field(bases, "note"): "新建5个基地", "action": "save"},
    )
    assert response.status_code == 302


def test_submit_sends_filled_figures_to_review(staff, plan, period, zhangdian):
    bases = target_named(plan, "区县典型性劳动教育基地")
    staff.post(_url(), {_field(bases, "value"): "6", "action": "submit"})
    figure = Figure.objects.get(district=zhangdian, target=bases)
    assert figure.state == "submitted" and figure.submitted_at is not None
    html = staff.get(_url()).content.decode()
    assert "已提交" in html
    assert f'name="{_field(bases, "value")}" value="6"' in html
    disabled = set(re.findall(r'name="(t\d+)-\w+"[^>]*disabled', html))
    assert disabled == {f"t{bases.pk}"}, "only the submitted figure is read-only"


def test_a_second_save_on_a_stale_version_is_refused_with_the_other_change(
    staff, plan, period, zhangdian, city_admin
):
    bases = target_named(plan, "区县典型性劳动教育基地")
    staff.post(_url(), {_field(bases, "value"): "6", "action": "save"})
    stale_version = Figure.objects.get(target=bases).version  # both open the page now
    admin = Client()
    admin.force_login(city_admin)
    admin.post(
        _url(),
        {_field(bases, "value"): "7", _field(bases, "version"): stale_version, "action": "save"},
    )
    response = staff.post(
        _url(),
        {_field(bases, "value"): "8", _field(bases, "version"): stale_version, "action": "save"},
        follow=True,
    )
    html = response.content.decode()
    assert "在您编辑期间" in html and "当前值为 7" in html
    assert "市局管理员（city-admin）" in html, "the person by role, not a bare username"
    assert Figure.objects.get(target=bases).value == 7


def test_entry_page_query_count_does_not_grow_with_targets(
    staff, plan, period, zhangdian, django_assert_max_num_queries
):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        values = {"numerator": Decimal(1), "denominator": Decimal(2)}
        if target.entry != Target.Entry.FRACTION:
            values = (
                {"value": Decimal(3)} if target.entry in ("whole", "amount") else {"achieved": True}
            )
        make_figure(target, zhangdian, 2023, state="approved", **values)
        make_figure(target, zhangdian, 2024, state="submitted", **values)
    with django_assert_max_num_queries(12):
        response = staff.get(_url())
    assert response.status_code == 200
    assert response.content.decode().count("已提交") >= 39


def test_unknown_year_is_404(staff):
    assert staff.get(_url(year=2019)).status_code == 404


def test_stored_numbers_show_in_plain_notation(staff, plan, period, zhangdian):
    myopia = target_named(plan, "儿童青少年总体近视率年降幅")
    make_figure(myopia, zhangdian, 2024, numerator=Decimal("7380.00"), denominator=Decimal(14669))
    html = staff.get(_url()).content.decode()
    assert f'name="t{myopia.pk}-numerator" value="7380"' in html
    assert "E+3" not in html


@pytest.fixture
def final_period(plan):
    return ReportingPeriod.objects.create(plan=plan, year=2025, deadline=datetime.date(2026, 3, 31))


def test_the_final_year_says_the_plan_has_ended_and_its_figures_are_overdue(
    staff, plan, final_period, zhangdian
):
    """2025 is the plan's last year: its figures are the final ones, for the 终期评估; on
    2026-11-23 they are 237 days late, and the page counts what is still owed as the
    completeness page does."""
    import time_machine

    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2025, state="submitted", numerator=50, denominator=100)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)):
        response = staff.get(_url(year=2025))
    html = response.content.decode()
    assert "2025年是规划的最后一年：规划期已结束。" in html
    assert "此处填报的是终期数据，终期评估据此判定每项指标是否达成。" in html
    assert "提交截止日期为2026-03-31，已逾期 237 天。" in html
    total = response.context["owed"].total
    assert f"{total}项中仍有{total - 1}项未提交（未填报、草稿或已退回）。" in html
    assert response.context["deadline_state"].final and response.context["deadline_state"].overdue


def test_an_earlier_year_has_no_final_year_notice(staff, plan, period):
    html = staff.get(_url(year=2024)).content.decode()
    assert "最后一年" not in html and "终期评估" not in html


def test_the_deadline_state_is_the_completeness_rule(plan, final_period):
    from django.utils import timezone

    from targets.completeness import deadline_state

    last_moment = timezone.make_aware(datetime.datetime(2026, 3, 31, 23, 59))
    on_the_day = deadline_state(final_period, last_moment)
    assert (on_the_day.overdue, on_the_day.days, on_the_day.final) == (False, 0, True)
    next_day = deadline_state(final_period, last_moment + datetime.timedelta(minutes=2))
    assert (next_day.overdue, next_day.days) == (True, 1)


def _every_figure_of(plan, district, year, state):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        values = {"numerator": Decimal(1), "denominator": Decimal(2)}
        if target.entry != Target.Entry.FRACTION:
            values = (
                {"value": Decimal(3)} if target.entry in ("whole", "amount") else {"achieved": True}
            )
        make_figure(target, district, year, state=state, **values)


def test_past_the_deadline_with_nothing_owed_the_page_is_not_overdue(
    staff, plan, period, zhangdian
):
    _every_figure_of(plan, zhangdian, 2024, "approved")
    page = staff.get(_url()).content.decode()
    assert "已逾期" not in page and "无待报送数据" in page

    Figure.objects.filter(district=zhangdian, year=2024).first().delete()
    page = staff.get(_url()).content.decode()
    assert "已逾期" in page
