"""The browser's own submission of a form, untouched, changes nothing: the entry page (in
Chinese, where a date input once came back empty, and once in English), a ledger contribution
and a notice reply. tests/test_forms_as_rendered.py does the same for every form through the
Django test client."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from departments.models import Department, District, Role
from ledger import ledger, notices
from plans.models import Plan, Task
from targets.models import ReportingPeriod, Target
from tests.browser.conftest import log_in, shot
from tests.conftest import make_figure, make_user
from tests.test_forms_as_rendered import _changes, stored

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def _figures(plan, zhangdian) -> None:
    ReportingPeriod.objects.create(plan=plan, year=2024, deadline=datetime.date(2030, 3, 31))
    values = {
        "fraction": {"numerator": Decimal("450.5"), "denominator": Decimal(1000)},
        "whole": {"value": Decimal(12345)},
        "amount": {"value": Decimal("12345.67")},
        "yes_no": {"achieved": True},
        "milestone": {"achieved": True, "achieved_on": datetime.date(2025, 11, 20)},
    }
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2024, note="按口径统计", **values[target.entry])


@pytest.mark.parametrize("language", ["中文", "English"])
def test_the_entry_page_saved_untouched_in_the_browser_changes_nothing(site, page, language):
    plan = Plan.objects.get()
    zhangdian = District.objects.get(name="张店区")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    _figures(plan, zhangdian)
    log_in(page, site, "staff-zhangdian")
    if language == "English":
        page.locator("header").get_by_role("button", name="English").click()
    page.goto(site + "/entry/zhangdian/2024/")
    expect(page.locator("#target-2-1-4-4 input[type=date]")).to_have_value("2025-11-20")
    before = stored()
    save = "保存草稿" if language == "中文" else "Save draft"
    page.get_by_role("button", name=save).first.click()
    expect(page.locator(".messages")).to_contain_text(
        "没有修改" if language == "中文" else "No changes"
    )
    shot(page, f"entry-untouched-{language}")
    assert not _changes(before, stored())


def test_a_ledger_contribution_and_a_notice_reply_submitted_untouched_change_nothing(site, page):
    plan = Plan.objects.get()
    zhangdian = District.objects.get(name="张店区")
    sports = Department.objects.get(name="市体育局")
    staff = make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    head = make_user("head-sports", Role.Kind.DEPARTMENT_HEAD, department=sports)
    admin = make_user("city-admin", Role.Kind.CITY_ADMIN)
    ledger.ensure_default_rounds(plan)
    final = plan.rounds.get(code="2025H2")
    ledger.open_round(final, admin)
    task = Task.objects.get(part__plan=plan, code="二(一)4")
    contribution = ledger.contribution_for(final, task, sports)
    ledger.save_contribution(contribution, head, {"text": "举办运动会", "numbers": "32场"},
                             version=0)  # fmt: skip
    notice = notices.issue(
        plan, admin, subject="关于加快推进的督办通知", facts="进度滞后", requirements="请整改",
        reply_deadline=datetime.date.today() + datetime.timedelta(days=15), district=zhangdian,
    )  # fmt: skip
    del staff

    log_in(page, site, "head-sports")
    page.goto(site + f"/ledger/rounds/{final.pk}/tasks/{task.pk}/contribution/")
    before = stored()
    page.get_by_role("button", name="保存草稿").first.click()
    page.wait_for_load_state()
    assert not _changes(before, stored()), "the contribution saved untouched"

    page.context.clear_cookies()
    log_in(page, site, "staff-zhangdian")
    page.goto(site + notice.get_absolute_url())
    before = stored()
    page.get_by_role("button", name="提交回复").click()
    page.wait_for_load_state()
    shot(page, "notice-reply-untouched")
    assert not _changes(before, stored()), "an empty reply sent"
