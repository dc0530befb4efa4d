"""In Chromium: the pages work under the Content-Security-Policy (no violation reported, select
all still ticks every box), and a locked-out user reads why."""

import pytest
from playwright.sync_api import expect

from departments.models import Department, Role
from plans.models import Plan
from targets import demo
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_policy_without_violations(site, page):
    plan = Plan.objects.get()
    demo.seed(plan)
    bureau = Department.objects.get(name="市教育局")
    make_user("head", Role.Kind.DEPARTMENT_HEAD, department=bureau)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, site, "head")
    for path in ["/progress/", "/progress/heatmap/", "/completeness/2024/", "/review/"]:
        page.goto(site + path)
    boxes = page.locator("input[name=figure]")
    assert boxes.count() > 0
    page.get_by_label("全选").check()
    for n in range(boxes.count()):
        expect(boxes.nth(n)).to_be_checked()
    shot(page, "csp-review-select-all")
    page.goto(site + "/completeness/2024/")
    expect(page.locator("meter").first).to_be_visible()
    shot(page, "csp-completeness")
    assert violations == []


def test_a_locked_out_user_reads_why(site, page):
    make_user("staff", Role.Kind.CITY_ADMIN)
    for _ in range(5):
        page.goto(site + "/accounts/login/")
        page.get_by_label("用户名").fill("staff")
        page.get_by_label("密码").fill("wrong")
        page.locator("main").get_by_role("button", name="登录").click()
    log_in(page, site, "staff")  # the right password, too late
    expect(page.locator("main")).to_contain_text("登录失败次数过多")
    expect(page.locator("main")).to_contain_text("请联系市局管理员")
    shot(page, "lockout")
