"""On the demo, in Chromium: district staff import a statistics workbook with an error, fix it,
see a 待核对 figure on the target page and take the derived value; the city admin sees the
review queue's 待核对 and the indicator page."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

import schools.demo
import targets.demo
from departments.models import District, Role
from plans.models import Plan
from targets.models import FigureChange, Target
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_staff_import_fix_and_take_the_derived_value(site, page, tmp_path):
    plan = Plan.objects.get()
    targets.demo.seed(plan)
    schools.demo.seed(plan)
    gaoqing = District.objects.get(slug="gaoqing")
    make_user("staff-gaoqing", Role.Kind.DISTRICT_STAFF, district=gaoqing)
    log_in(page, site, "staff-gaoqing")

    page.get_by_role("link", name="学校", exact=True).click()
    expect(page.locator("h1")).to_contain_text("高青县")
    shot(page, "schools-district")
    page.goto(site + "/schools/import/?year=2025")
    with page.expect_download() as download:
        page.get_by_role("link", name="高青县 · 2025学年（2025/26）").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    book["学生数"]["C2"] = "一百"
    book["班额"]["C2"] = 6
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-errors")).to_contain_text("应填写数字，而不是“一百”")
    expect(page.locator(".import-errors")).to_contain_text("未保存任何数据")
    shot(page, "schools-import-error")

    book["学生数"]["C2"] = 100
    # a new 在校生数 comes with its grades (they must add up to it): 小班, 中班, 大班
    assert book["分年级学生数"]["A2"].value == book["学生数"]["A2"].value
    book["分年级学生数"]["C2"], book["分年级学生数"]["D2"], book["分年级学生数"]["E2"] = 34, 33, 33
    good = tmp_path / "good.xlsx"
    book.save(good)
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("h1")).to_contain_text("预览")
    shot(page, "schools-import-preview")
    page.get_by_role("button", name="确认并全部保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存 1 所学校")

    target = Target.objects.of_plan(plan).get(indicator="kindergarten-public-share")
    page.goto(site + f"/progress/targets/{target.pk}/")
    panel = page.locator("#indicator-panel")
    expect(panel).to_contain_text("口径依据")
    expect(panel.locator("strong.status")).not_to_have_count(0)  # 待核对
    shot(page, "schools-to-check")
    # 高青县's 2023 figure is approved (待核对, no button: nothing is overwritten); 2024 has none
    panel.get_by_role("button", name="作为填报数提出").first.click()
    expect(page.locator(".messages")).to_contain_text("统计推算值已作为高青县")
    assert FigureChange.objects.filter(channel="statistics").count() == 1
    shot(page, "schools-taken")


def test_the_city_admin_sees_to_check_in_the_review_queue(site, page):
    plan = Plan.objects.get()
    targets.demo.seed(plan)
    schools.demo.seed(plan)
    make_user("city-admin", Role.Kind.CITY_ADMIN, city=plan.city)
    log_in(page, site, "city-admin")
    page.goto(site + "/review/?year=2024")
    expect(page.locator("table.queue")).to_contain_text("待核对：填报")
    shot(page, "schools-review-queue")
    page.goto(site + "/indicators/kindergarten-public-share/")
    page.get_by_role("link", name="周村区").first.is_visible()
    shot(page, "schools-indicator")
