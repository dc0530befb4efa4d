"""A visitor and a district staff member find their way through the plan in a real browser."""

import pytest
from playwright.sync_api import expect

from departments.models import Role
from tests.browser.conftest import shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_visitor_goes_from_the_overview_to_a_task_and_filters_targets(site, page):
    page.goto(site + "/")
    expect(page.locator("h1")).to_have_text("淄博市教育事业发展“十四五”规划")
    expect(page.locator("h2", has_text="全面落实立德树人根本任务")).to_be_visible()
    shot(page, "plan-overview")

    page.get_by_role("link", name="提升学生体质健康水平").click()
    expect(page.locator("h1")).to_contain_text("二(一)4")
    expect(page.locator("a.lead")).to_have_text("市教育局")
    expect(page.locator("#target-2-1-4-1")).to_contain_text("≥ 55%")
    shot(page, "task-page")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="指标").click()
    page.get_by_label("类型").select_option(label="每区县最低数")
    page.get_by_role("button", name="筛选").click()
    # 3 per-district minimums, and teachers' pay (二(三)4-1), judged against each district's own
    expect(page.locator("table.table tbody tr")).to_have_count(4)
    expect(page.locator("table.table")).to_contain_text("区县典型性劳动教育基地")
    shot(page, "target-list-filtered")

    page.get_by_role("link", name="二(一)6-3").click()
    expect(page).to_have_url(site + "/plans/zibo-2021-2025/tasks/2-1-6/#target-2-1-6-3")


def test_district_staff_logs_in_sees_the_role_and_switches_language(site, page):
    zhangdian = Role._meta.get_field("district").related_model.objects.get(name="张店区")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)

    page.goto(site + "/districts/")
    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("staff-zhangdian")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(site + "/districts/")
    expect(page.locator(".badge")).to_have_text("区县填报员 · 张店区")
    shot(page, "districts-as-staff")

    page.locator(".badge").click()
    expect(page.locator("h1")).to_contain_text("淄博市张店区")
    expect(page.locator("table.table")).to_contain_text("学生体质健康测试优良率")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h2")).to_contain_text("Targets the district reports on")
    shot(page, "district-page-english")
