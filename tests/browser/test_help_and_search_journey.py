"""The 使用说明 page and the header's search box as users meet them: in Chinese, at 1400 px and on
a 390 px phone, reached from the header."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(site) -> str:
    call_command("seed_demo", password="pw-for-tests-only", verbosity=0)
    return site


@pytest.mark.parametrize("width", [1400, 390])
def test_district_staff_find_their_help_and_search_from_the_header(demo_site, browser, width):
    site = demo_site
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 844})
    page = context.new_page()
    log_in(page, site, "staff-yiyuan")
    page.goto(site + "/targets/")
    page.locator(".site-header").get_by_role("link", name="使用说明").click()
    page.wait_for_url("**/help/")
    shot(page, f"help-staff-{width}")
    now = page.locator("#help-now + ul.todo").inner_text()
    assert "沂源县还欠" in now and "截止" in now  # the demo's 沂源县 owes 2025 figures
    assert page.get_by_role("heading", name="从 Excel 导入").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    box = page.get_by_role("searchbox", name="搜索指标、任务、区县、部门、督办单")
    box.fill("体质 优良")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    shot(page, f"search-staff-{width}")
    results = page.locator("table.search-results")
    assert "学生体质健康测试优良率" in results.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results.get_by_role("link", name="学生体质健康测试优良率").first.click()
    page.wait_for_url("**/progress/targets/*/")
    context.close()
