"""Dashboards in a real browser: a department head finds what is slipping and where; district
staff see the city and their own district only."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from departments.models import Department, District, Role
from plans.models import Plan
from targets import demo
from targets.models import Figure
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

BEHIND = ("倒退", "明显滞后", "需加快")


def test_head_finds_the_lagging_targets_and_where_they_lag(site, page, tmp_path):
    plan = Plan.objects.get()
    demo.seed(plan)
    make_user(
        "head-education",
        Role.Kind.DEPARTMENT_HEAD,
        department=Department.objects.get(name="市教育局"),
    )
    log_in(page, site, "head-education")

    page.get_by_role("link", name="进展", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("规划实施进展")
    rows = page.locator("table.progress-table tbody tr")
    everything = rows.count()
    assert everything > 20
    shot(page, "progress-overview")

    # As of 2025, the plan's last year (the default now), targets have verdicts, not paths.
    expect(page.locator("h1")).to_contain_text("截至2025年")
    statuses = set(rows.locator(".status").all_inner_texts())
    assert statuses and not statuses & {*BEHIND, "进展正常"}, statuses
    assert "缺最终数据" in statuses  # the demo has no figure of 2025

    # A historical view: as of 2024, the count of lagging targets filters the table to them.
    page.goto(site + "/progress/?year=2024")
    page.locator(".status-counts a", has_text="明显滞后").click()
    lagging = int(
        page.locator(".status-counts a", has_text="明显滞后").locator("strong").inner_text()
    )
    expect(rows).to_have_count(lagging)
    for n in range(lagging):
        expect(rows.nth(n).locator(".status")).to_have_text("明显滞后")

    # Sorting by status puts the targets behind first; the table exports as Excel.
    page.goto(site + "/progress/?year=2024")
    page.locator("table.progress-table thead").get_by_role("link", name="状态").click()
    expect(page).to_have_url(f"{site}/progress/?year=2024&sort=status")
    assert rows.first.locator(".status").inner_text() in BEHIND
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    path = tmp_path / "progress.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet.max_row == 1 + everything
    assert "状态" in [cell.value for cell in sheet[1]]

    # The heat map: a cell leads to the district's figure.
    page.get_by_role("link", name="热力图：指标 × 区县").click()
    expect(page.locator("table.heatmap thead th")).to_have_count(2 + 11)
    shot(page, "progress-heatmap")
    fitness = page.locator("table.heatmap tbody tr", has_text="二(一)4-1").first
    fitness.locator('a[title^="张店区 · "]').click()
    figure = Figure.objects.get(target__code="二(一)4-1", district__slug="zhangdian", year=2024)
    expect(page).to_have_url(f"{site}/figures/{figure.pk}/")
    expect(page.locator("main")).to_contain_text("张店区")

    # The target page: the plan sentence, the chart and, beside it, the same in a table.
    page.go_back()
    page.locator("table.heatmap tbody tr", has_text="二(一)4-1").first.get_by_role(
        "link", name="二(一)4-1"
    ).click()
    expect(page.locator("h1")).to_contain_text("学生体质健康测试优良率")
    expect(page.locator("figure svg")).to_be_visible()
    expect(page.locator(".chart-block table tbody tr")).to_have_count(1 + 11)
    shot(page, "progress-target")


def test_district_staff_see_the_city_and_their_own_district_only(site, page):
    plan = Plan.objects.get()
    demo.seed(plan)
    make_user(
        "staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=District.objects.get(slug="zhangdian")
    )
    log_in(page, site, "staff-zhangdian")

    page.goto(site + "/progress/heatmap/?year=2024")
    headers = page.locator("table.heatmap thead th")
    expect(headers).to_have_count(3)
    expect(headers.nth(2)).to_have_text("张店区")

    page.goto(site + "/progress/districts/zhangdian/?year=2024")
    expect(page.locator("h1")).to_contain_text("张店区")
    shot(page, "progress-district-staff")
    page.goto(site + "/progress/districts/zichuan/?year=2024")
    expect(page.locator("h1")).to_have_text("未找到")
