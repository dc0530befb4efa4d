"""立即生成并发送 on the embedded default (no Redis, tasks in-process): the request answers at
once, the reports are rendered and mailed in the background thread, and the archive's progress
(已生成 n/N，已发送 n/N) moves while they are."""

import time

import pytest
from django.core import mail

from reports.models import Recipient, Report
from zibo_edu.lib import outbox

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_generate_now_answers_at_once_and_the_reports_follow_in_the_background(client, settings):
    from django.core.management import call_command

    from departments.models import District, Role
    from tests.conftest import make_user

    settings.ZIBO_TASKS_IN_BACKGROUND = True  # the embedded default
    call_command("load_plan", verbosity=0)
    for district in District.objects.all():
        Recipient.objects.create(district=district, name="教育局", email=f"{district.slug}@x.cn")
    Recipient.objects.create(city=district.city, name="市教育局", email="city@x.cn")
    client.force_login(make_user("city-admin", Role.Kind.CITY_ADMIN))

    started = time.monotonic()
    response = client.post("/reports/generate/", {"month": "2025-06"}, follow=True)
    took = time.monotonic() - started
    page = response.content.decode()
    print(f"answered in {took:.2f} s")
    assert response.status_code == 200 and took < 3, f"answered after {took:.1f} s"
    assert "正在生成" in page or "being generated" in page
    assert 'http-equiv="refresh"' in page  # the archive refreshes itself while working
    assert ("已生成" in page and "/12" in page) or "of 12 generated" in page

    outbox.drain_background(timeout=300)
    assert Report.objects.filter(state="sent").count() == 12
    assert len(mail.outbox) == 12
    page = client.get("/reports/").content.decode()
    assert 'http-equiv="refresh"' not in page

    again = client.post("/reports/generate/", {"month": "2025-06"}, follow=True).content.decode()
    assert "正在生成" not in again and "已全部发送" in again
    outbox.drain_background()
    assert len(mail.outbox) == 12
