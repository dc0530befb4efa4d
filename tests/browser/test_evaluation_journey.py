"""The evaluation in a real browser: the city admin opens it and downloads all three formats; a
department head sees their department's targets; district staff see their own district's part."""

import pytest
from playwright.sync_api import expect

from departments.models import Department, District, Role
from plans.models import Plan
from targets import demo
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_city_admin_opens_the_evaluation_and_downloads_three_formats(site, page, tmp_path):
    demo.seed(Plan.objects.get())
    make_user("city-admin", Role.Kind.CITY_ADMIN)
    log_in(page, site, "city-admin")
    page.get_by_role("link", name="评估", exact=True).click()
    expect(page.locator("h1")).to_contain_text("终期评估")
    expect(page.locator("#missing")).to_contain_text("评估尚不完整")  # no 2025 figures yet
    expect(page.locator("table.evaluation-table").first).to_be_visible()
    shot(page, "evaluation-city")
    for fmt, label in (("pdf", "PDF"), ("docx", "Word (.docx)"), ("xlsx", "Excel (.xlsx)")):
        page.locator("select[name=format]").select_option(label=label)
        page.get_by_role("button", name="生成2025年终期评估报告").click()
        link = page.get_by_role("link", name=f"下载 {fmt.upper()}").first
        expect(link).to_be_visible()
        with page.expect_download() as download:
            link.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.suffix == f".{fmt}" and path.stat().st_size > 5000
    shot(page, "evaluation-archive")


def test_department_head_and_district_staff_see_their_part(site, page):
    demo.seed(Plan.objects.get())
    health = Department.objects.get(name="市卫生健康委")
    make_user("head-health", Role.Kind.DEPARTMENT_HEAD, department=health)
    log_in(page, site, "head-health")
    page.goto(site + "/evaluation/zibo-2021-2025/?year=2023")
    everything = page.locator("table.evaluation-table tbody tr").count()
    page.get_by_label("只看市卫生健康委的指标").check()
    page.get_by_role("button", name="显示").click()
    ours = page.locator("table.evaluation-table tbody tr")
    assert 0 < ours.count() < everything
    shot(page, "evaluation-department")

    page.context.clear_cookies()
    zhangdian = District.objects.get(slug="zhangdian")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    log_in(page, site, "staff-zhangdian")
    page.goto(site + "/evaluation/zibo-2021-2025/?year=2023&district=zichuan")
    expect(page.locator("h1")).to_contain_text("张店区")
    expect(page.locator("select[name=district]")).to_have_count(0)
    expect(page.locator("table.evaluation-table thead").first).to_contain_text("张店区")
    expect(page.locator("main")).not_to_contain_text("淄川区")
    shot(page, "evaluation-district")
