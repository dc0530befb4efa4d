"""What a walk-through of the demo found in the rendering: the heat map fits a 1400 px screen in
both languages, and the charts speak the reader's language."""

import pytest

from departments.models import Role
from plans.models import Plan
from targets import demo
from targets.models import Target
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(site, browser):
    demo.seed(Plan.objects.get())
    make_user("city-admin", Role.Kind.CITY_ADMIN)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, site, "city-admin")
    yield page
    context.close()


def _english(page) -> None:
    page.locator("header").get_by_role("button", name="English").click()


def test_the_heat_map_fits_1400_px_without_scrolling_in_both_languages(site, admin_page):
    page = admin_page
    for language in ("zh", "en"):
        if language == "en":
            _english(page)
        for year in (2023, 2025):
            page.goto(f"{site}/progress/heatmap/?year={year}")
            scroll = page.locator("table.heatmap").evaluate(
                "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
            )
            assert scroll[0] <= scroll[1], f"{language} {year}: scrolls {scroll}"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1400
            shot(page, f"heatmap-1400-{language}-{year}")
    # A short label in the cell, the full one in its title.
    cell = page.locator("table.heatmap tbody td a.status-no_final").first
    assert cell.inner_text() == "No final"
    assert cell.get_attribute("title").endswith(": Final figure missing")


def test_the_charts_words_follow_the_interface_language(site, admin_page):
    page = admin_page
    fitness = Target.objects.get(code="二(一)4-1")
    _english(page)
    page.goto(f"{site}/progress/targets/{fitness.pk}/?year=2024")
    chart = page.locator("figure svg").first
    words = chart.inner_html()
    assert "Required path" in words and "Other districts" in words and "Target 55%" in words
    assert "淄博市 (whole city)" in words
    for chinese in ("要求路径", "各区县", "目标", "全市"):
        assert chinese not in words, chinese
    shot(page, "target-chart-english")
