"""The header keeps to one line at 1400 px, in Chinese and in English, and the dashboards are
reachable by clicking from the district list and the heat map."""

import pytest
from playwright.sync_api import expect

from departments.models import Role
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_the_header_keeps_its_two_rows_at_1400_px_in_both_languages(site, browser):
    """Brand, plan and account on one row, every link of the city admin's navigation on the next:
    the header never wraps onto a third line, whatever the language."""
    make_user("city-admin", Role.Kind.CITY_ADMIN)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, site, "city-admin")
    heights = []
    for language in (None, "English"):
        if language:
            page.locator("header").get_by_role("button", name=language).click()
        page.goto(site + "/progress/")
        top = page.locator(".header-row").bounding_box()["height"]
        nav = page.locator(".main-nav").bounding_box()["height"]
        links = page.locator(".main-nav a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, f"the navigation wraps ({language or '中文'}): {sorted(tops)}"
        assert top < 60 and nav < 45, (top, nav)
        right = page.locator(".account").bounding_box()
        assert right["x"] + right["width"] <= 1400, "nothing is cut off at the right"
        heights.append(page.locator(".site-header").bounding_box()["height"])
    assert heights[0] == heights[1], heights
    shot(page, "header-1400-english")
    context.close()


def test_staff_click_from_the_district_list_to_their_dashboard(site, page):
    zhangdian = Role._meta.get_field("district").related_model.objects.get(name="张店区")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    log_in(page, site, "staff-zhangdian")
    page.goto(site + "/districts/")
    page.get_by_role("link", name="区县进展看板").click()
    expect(page).to_have_url(site + "/progress/districts/zhangdian/")
    page.get_by_role("link", name="进展", exact=True).first.click()
    page.goto(site + "/progress/heatmap/")
    page.locator("table.heatmap thead").get_by_role("link", name="张店区").click()
    expect(page).to_have_url(site + "/progress/districts/zhangdian/")
    shot(page, "district-dashboard-by-clicking")
