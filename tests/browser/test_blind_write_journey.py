"""Issue 13 in a real browser: a page loaded before a colleague's API create does not wipe it,
and the refusal says which figure, who and what it reads now; a bad parameter is a 400 page."""

import base64
import datetime
import json
import urllib.request

import pytest
from playwright.sync_api import expect

from departments.models import District, Role
from plans.models import Plan
from targets.models import Figure, ReportingPeriod
from tests.browser.conftest import log_in, shot
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def _api_create(site: str, body: dict) -> int:
    token = base64.b64encode(b"colleague:pw-for-tests-only").decode()
    request = urllib.request.Request(
        site + "/api/figures/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
    )
    with urllib.request.urlopen(request) as response:
        return response.status


def test_a_stale_entry_page_is_refused_out_loud(site, page):
    plan = Plan.objects.get()
    ReportingPeriod.objects.create(plan=plan, year=2024, deadline=datetime.date(2025, 3, 31))
    zhangdian = District.objects.get(name="张店区")
    make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    make_user("colleague", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    log_in(page, site, "staff-zhangdian")
    page.goto(site + "/entry/zhangdian/2024/")
    body = {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 42}
    assert _api_create(site, body) == 201
    page.get_by_role("button", name="保存草稿").first.click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("二(一)6-3")
    expect(messages).not_to_contain_text("已保存：")
    expect(page.locator("#target-2-1-6-3 input[name$='-value']")).to_have_value("42")
    shot(page, "entry-refused-stale")
    assert Figure.objects.get(target__code="二(一)6-3", district=zhangdian).value == 42
    page.get_by_role("button", name="保存草稿").first.click()  # now it was seen: saving keeps 42
    expect(page.locator(".messages")).to_contain_text("没有修改")  # and says it changed nothing
    assert Figure.objects.get(target__code="二(一)6-3", district=zhangdian).value == 42

    response = page.goto(site + "/progress/?year=²")
    assert response.status == 400
    expect(page.locator("main")).to_contain_text("year")
    shot(page, "bad-parameter-400")
