"""District staff enter figures in a real browser: an error, a fix, a submission, an upload."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from departments.models import District, Role
from plans.models import Plan
from targets.models import Figure, ReportingPeriod
from targets.workbook import FIRST_ROW, HEADERS
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_staff_fix_a_rejected_rate_and_submit(site, page, tmp_path):
    plan = Plan.objects.get()
    ReportingPeriod.objects.create(plan=plan, year=2024, deadline=datetime.date(2025, 3, 31))
    zhangdian = District.objects.get(name="张店区")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    log_in(page, site, "staff-zhangdian")

    page.goto(site + "/entry/zhangdian/2024/")
    row = page.locator("#target-2-1-4-1")
    row.get_by_label("体质健康测试优良学生数").fill("1200")
    row.get_by_label("参加体质健康测试学生数").fill("1000")
    page.get_by_role("button", name="保存草稿").first.click()
    expect(page.locator(".messages")).to_contain_text("未保存任何数据")
    expect(page.locator("#target-2-1-4-1 .error")).to_contain_text(
        "分子（1200）不能大于分母（1000）"
    )
    expect(page.locator("#target-2-1-4-1").get_by_label("体质健康测试优良学生数")).to_have_value(
        "1200"
    )
    shot(page, "entry-error")

    page.locator("#target-2-1-4-1").get_by_label("体质健康测试优良学生数").fill("520")
    page.get_by_role("button", name="保存并提交审核").first.click()
    expect(page.locator(".messages")).to_contain_text("提交审核 1 项")
    expect(page.locator("#target-2-1-4-1 .state")).to_have_text("已提交")
    figure = Figure.objects.get(target__code="二(一)4-1", district=zhangdian)
    assert (figure.state, figure.percentage) == ("submitted", 52)
    shot(page, "entry-submitted")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 模板").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    for cells in book["填报"].iter_rows(min_row=FIRST_ROW):
        if cells[2].value == "二(一)6-3":
            cells[HEADERS.index("数值")].value = "十个"
    bad = io.BytesIO()
    book.save(bad)
    page.get_by_role("link", name="上传填好的工作簿或 CSV").click()
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "张店区.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": bad.getvalue(),
            }
        ],
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-errors")).to_contain_text("J（数值）")
    expect(page.locator(".import-errors")).to_contain_text("“十个”不是数字")
    shot(page, "import-error-report")

    for cells in book["填报"].iter_rows(min_row=FIRST_ROW):  # the fix: a number
        if cells[2].value == "二(一)6-3":
            cells[HEADERS.index("数值")].value = 10
    fixed = io.BytesIO()
    book.save(fixed)
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "张店区.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": fixed.getvalue(),
            }
        ],
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("h1")).to_contain_text("预览")
    page.get_by_role("button", name="确认并保存").click()
    expect(page.locator(".messages")).to_contain_text("已导入 张店区.xlsx")
    assert Figure.objects.get(target__code="二(一)6-3", district=zhangdian).value == 10
