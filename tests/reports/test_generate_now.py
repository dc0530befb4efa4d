"""The city admin's "立即生成并发送": refuses an unfinished month; the archive shows progress."""

import datetime
import re

import pytest
import time_machine

from departments.models import District
from reports.models import Report

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize("month", ["2026-11", "2026-12", "2027-03"])
def test_an_unfinished_or_future_month_is_refused_with_a_clear_message(
    client, plan, city_admin, month
):
    client.force_login(city_admin)
    with time_machine.travel(TODAY, tick=False):
        response = client.post("/reports/generate/", {"month": month}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert month in page and "2026-10" in page
    assert "尚未结束" in page
    assert not Report.objects.exists()


def test_the_last_finished_month_is_accepted(client, plan, city_admin, monkeypatch):
    from reports import views

    monkeypatch.setattr(views.pages, "request_month", lambda day, plan: True)
    client.force_login(city_admin)
    with time_machine.travel(TODAY, tick=False):
        response = client.post("/reports/generate/", {"month": "2026-10"}, follow=True)
    assert "正在生成" in response.content.decode()


def test_the_archive_shows_how_many_are_generated_and_sent(client, plan, city_admin):
    month = datetime.date(2026, 10, 1)
    districts = list(District.objects.filter(city=plan.city))[:4]
    states = ["sent", "generated", "generating", "pending"]
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    for district, state in zip(districts, states, strict=True):
        Report.objects.create(
            plan=plan,
            district=district,
            month=month,
            state=state,
            generated_at=now if state in ("sent", "generated") else None,
        )
    client.force_login(city_admin)
    response = client.get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "2026-10" in text and "已生成 2/4" in text and "已发送 1/4" in text
    assert '<meta http-equiv="refresh"' in page
    assert "<script>" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_the_archive_shows_no_progress_when_nothing_is_being_worked_on(client, plan, city_admin):
    Report.objects.create(plan=plan, district=None, month=datetime.date(2026, 9, 1), state="sent")
    client.force_login(city_admin)
    page = client.get("/reports/").content.decode()
    assert "已发送 1/1" not in page and 'http-equiv="refresh"' not in page
