"""What district staff meet on a 390 px phone and with the keyboard alone: the entry page, a
figure, the inbox and a notice fit the screen; a skip link and the save buttons at the top spare
two hundred Tabs."""

import pytest
from django.core.management import call_command

from ledger.models import Notice
from targets.models import Figure
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(site) -> str:
    call_command("seed_demo", password="pw-for-tests-only", verbosity=0)
    return site


def _signed_in(browser, site, username, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 844})
    page = context.new_page()
    log_in(page, site, username)
    return context, page


def test_district_staff_pages_fit_a_390_px_phone(demo_site, browser):
    site = demo_site
    figure = Figure.objects.filter(district__slug="yiyuan", year=2024).order_by("pk").first()
    notice = Notice.objects.filter(district__slug="yiyuan").order_by("pk").first()
    context, page = _signed_in(browser, site, "staff-yiyuan", 390)
    pages = {
        "entry": "/entry/yiyuan/2025/",
        "figure": figure.get_absolute_url(),
        "inbox": "/ledger/inbox/",
        "notice": notice.get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(site + path)
        shot(page, f"phone-390-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} ({path}) is {width} px wide at 390 px"
    # On the entry page every field is whole on the screen, and a target's name reads across.
    page.goto(site + pages["entry"])
    for box in page.locator("form.entry input:visible, form.entry textarea").evaluate_all(
        "fields => fields.map(f => f.getBoundingClientRect().right)"
    ):
        assert box <= 390
    name = page.locator("table.entry-table tbody td:nth-child(2)").first
    assert name.bounding_box()["width"] > 300
    context.close()


def test_the_wide_pages_scroll_their_tables_not_the_page_at_390_px(demo_site, browser):
    """The progress boards, the heat map, completeness, the target list and the ledger keep their
    columns: a wide table scrolls inside itself, the page stays 390 px wide."""
    site = demo_site
    fitness = Figure.objects.filter(target__code="二(一)4-1").first().target
    context, page = _signed_in(browser, site, "city-admin", 390)
    paths = ["/progress/", "/progress/heatmap/", "/completeness/2025/", "/targets/", "/ledger/",
             "/progress/districts/gaoqing/", f"/progress/targets/{fitness.pk}/"]  # fmt: skip
    for path in paths:
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
    shot(page, "phone-390-target")
    context.close()


def test_the_target_page_keeps_district_names_on_one_line_at_1400_px(demo_site, browser):
    site = demo_site
    context, page = _signed_in(browser, site, "city-admin", 1400)
    fitness = Figure.objects.filter(target__code="二(一)4-1").first().target
    page.goto(f"{site}/progress/targets/{fitness.pk}/")
    shot(page, "target-1400")
    for cell in page.locator("table td:first-child, table th:first-child").all():
        text = cell.inner_text().strip()
        if text.endswith(("区", "县")) and len(text) <= 6:
            box = cell.bounding_box()
            assert box["height"] < 60, f"{text} wraps: {box}"
    context.close()


def _tabs_until(page, accessible_name: str, limit: int) -> int:
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.name || '').trim()"
        )
        if focused == accessible_name:
            return count
    raise AssertionError(f"{accessible_name!r} not reached in {limit} Tabs")


def test_a_keyboard_reaches_the_first_field_and_the_save_button_in_a_few_tabs(demo_site, browser):
    site = demo_site
    context, page = _signed_in(browser, site, "staff-yiyuan", 1400)
    page.goto(site + "/entry/yiyuan/2025/")
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.innerText.trim()")
    assert skip == "跳到主要内容"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert _tabs_until(page, "保存草稿", 12) <= 12
    # The save button on top is followed by the first figure's fields, a few Tabs on.
    first_field = page.locator("form.entry input:visible").first.get_attribute("name")
    assert _tabs_until(page, first_field, 6) <= 6
    context.close()
