"""使用说明: one page per role, reached from the header, saying what the reader has to do now
(computed from the data) and how importing, review, the ledger and the reports work."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from ledger import notices
from targets.models import Figure, ReportingPeriod
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(plan=plan, year=2025, deadline=datetime.date(2026, 3, 31))


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get("/help/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_links_to_the_help_page_when_signed_in(client, plan, staff_zhangdian):
    assert 'href="/help/"' not in client.get("/targets/").content.decode()
    client.force_login(staff_zhangdian)
    page = client.get("/targets/").content.decode()
    assert 'href="/help/"' in page and "使用说明" in page


def test_anonymous_users_are_sent_to_sign_in(client, plan):
    response = client.get("/help/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_district_staff_see_the_figures_they_owe_and_the_deadline(
    client, plan, period, staff_zhangdian, zhangdian
):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2025, numerator=50, denominator=100)
    page = _page(client, staff_zhangdian)
    applicable = plan_targets_reported_by_districts(plan)
    assert (
        f"2025：张店区还欠 {applicable} 项数据（未填 {applicable - 1} 项，草稿 1 项，退回 0 项）"
        in page
    )
    assert "截止 2026-03-31，还剩 11 天" in page
    assert 'href="/entry/zhangdian/2025/"' in page
    assert "从 Excel 导入" in page  # district staff import


def test_after_the_deadline_the_owed_figures_are_overdue(client, plan, period, staff_zhangdian):
    with time_machine.travel(datetime.datetime(2026, 4, 3, 9, 0), tick=False):
        page = _page(client, staff_zhangdian)
    assert "截止日期为 2026-03-31，已过 3 天" in page


def test_a_notice_to_answer_is_listed_for_its_recipient_only(
    client, plan, period, city_admin, staff_zhangdian, staff_zichuan, zhangdian
):
    notice = notices.issue(
        plan,
        city_admin,
        subject="关于体质健康监测进度的督办通知",
        facts="进度滞后",
        requirements="请整改",
        reply_deadline=timezone.localdate() + datetime.timedelta(days=15),
        district=zhangdian,
    )
    page = _page(client, staff_zhangdian)
    assert f"回复督办单：{notice.number} {notice.subject}" in page
    assert notice.subject not in _page(client, staff_zichuan)


def test_a_head_sees_the_figures_waiting_for_review(
    client, plan, period, department_head, zhangdian
):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2025, state=Figure.State.SUBMITTED, numerator=5, denominator=9)
    page = _page(client, department_head)
    assert "1 项已提交的数据等待您审核" in page and 'href="/review/"' in page
    assert "从 Excel 导入" not in page  # heads do not upload


def test_the_city_admin_sees_the_districts_that_still_owe(client, plan, period, city_admin):
    page = _page(client, city_admin)
    assert "2025：11 个区县仍欠数据" in page and 'href="/completeness/2025/"' in page


def plan_targets_reported_by_districts(plan) -> int:
    from targets.completeness import applicable

    return applicable(plan).count()
