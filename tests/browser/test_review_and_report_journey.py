"""The department head approves and sees the status move; the city admin generates a report and
downloads it. In a real browser, against the live server."""

import pytest
from playwright.sync_api import expect

from departments.models import Department, Role
from plans.models import Plan
from reports.models import Recipient
from targets import demo
from targets.models import Figure
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_head_approves_and_the_status_moves(site, page):
    plan = Plan.objects.get()
    demo.seed(plan)
    make_user(
        "head-education",
        Role.Kind.DEPARTMENT_HEAD,
        department=Department.objects.get(name="市教育局"),
    )
    figure = Figure.objects.get(target__code="二(一)4-1", district__slug="zichuan", year=2024)
    assert figure.state == "submitted"
    log_in(page, site, "head-education")

    page.goto(site + "/progress/districts/zichuan/?year=2024")
    row = page.locator("tr", has_text="学生体质健康测试优良率").first
    expect(row).to_contain_text("50.8%")  # 2023, the latest approved
    shot(page, "district-progress-before")

    page.goto(site + f"/figures/{figure.pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")

    page.goto(site + "/progress/districts/zichuan/?year=2024")
    expect(page.locator("tr", has_text="学生体质健康测试优良率").first).to_contain_text("52.2%")
    shot(page, "district-progress-after")


def test_city_admin_generates_a_report_and_downloads_it(site, page, tmp_path):
    plan = Plan.objects.get()
    demo.seed(plan)
    make_user("city-admin", Role.Kind.CITY_ADMIN)
    Recipient.objects.create(city=plan.city, name="市教育局", email="city@example.cn")
    log_in(page, site, "city-admin")
    page.goto(site + "/reports/")
    page.get_by_label("月份").fill("2025-06")
    page.get_by_role("button", name="立即生成并发送").click()
    expect(page.locator(".messages")).to_contain_text(
        "2025-06 的报告正在生成并发送", timeout=90_000
    )
    page.goto(site + "/reports/")
    row = page.locator("tr", has_text="张店区")
    expect(row).to_contain_text("已生成")
    shot(page, "report-archive")
    with page.expect_download() as download:
        row.get_by_role("link", name="下载 PDF").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == "zibo-2021-2025-progress-zhangdian-2025-06.pdf"
