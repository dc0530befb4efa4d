"""A real Celery worker on the real Redis runs the reminder task against the test database.

Runs where REDIS_URL is set (always in CI); on the embedded default there is no broker.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from departments.models import District, Role
from targets.models import Reminder, ReportingPeriod
from tests.conftest import make_user

pytestmark = [pytest.mark.live, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database only on PostgreSQL")
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(redis_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "zibo_edu", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield tmp_path
    process.terminate()
    process.wait(timeout=30)


def test_a_real_worker_sends_each_reminder_exactly_once(worker):
    from zibo_edu.celery import app

    call_command("load_plan", verbosity=0)
    district = District.objects.get(name="张店区")
    user = make_user("worker-staff", Role.Kind.DISTRICT_STAFF, district=district)
    user.email = "zd@example.cn"
    user.save()
    period = ReportingPeriod.objects.create(
        plan=district.city.plans.get(), year=2024, deadline=datetime.date(2025, 3, 31)
    )
    assert app.conf.task_always_eager is False
    from targets.tasks import send_deadline_reminders

    first = send_deadline_reminders.delay("2025-03-24")
    twice = send_deadline_reminders.delay("2025-03-24")  # a retry, or beat firing twice
    assert sorted([first.get(timeout=90), twice.get(timeout=90)]) == [0, 1]
    reminder = Reminder.objects.get(period=period)
    assert (reminder.district, reminder.recipients) == (district, "zd@example.cn")
    deadline = time.monotonic() + 10
    while not list((worker / "mail").glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    mails = list((worker / "mail").glob("*.log"))
    assert len(mails) == 1
    assert "张店区2024年度数据尚有" in _decoded(mails[0])


def _decoded(path: Path) -> str:
    from email import message_from_bytes
    from email.header import decode_header, make_header

    message = message_from_bytes(path.read_bytes().split(b"\n-----", 1)[0])
    return str(make_header(decode_header(message["Subject"])))


def test_a_real_worker_generates_and_sends_each_report_once(worker):
    from reports.models import Recipient, Report
    from reports.tasks import send_monthly_reports
    from targets import demo

    call_command("load_plan", verbosity=0)
    district = District.objects.get(name="张店区")
    demo.seed(district.city.plans.get())
    Recipient.objects.create(district=district, name="张店区教育局", email="zd@example.cn")
    Recipient.objects.create(city=district.city, name="市教育局", email="city@example.cn")

    first = send_monthly_reports.delay("2025-06-01")
    again = send_monthly_reports.delay("2025-06-01")  # beat firing twice
    assert first.get(timeout=60) == again.get(timeout=60) == 12
    deadline = time.monotonic() + 240  # sends queue behind the (duplicate) generate tasks
    while time.monotonic() < deadline:
        busy = Report.objects.filter(state__in=["pending", "generating", "sending"]).exists()
        if not busy and Report.objects.filter(state="sent").count() == 2:
            break
        time.sleep(1)
    assert Report.objects.filter(state="sent").count() == 2
    assert Report.objects.filter(state="generated").count() == 10  # no recipients yet
    time.sleep(5)  # anything sent twice would arrive now
    # The file backend appends messages sent within the same second to one file: count messages.
    text = b"".join(path.read_bytes() for path in (worker / "mail").glob("*.log"))
    assert text.count(b"\nSubject: ") + text.startswith(b"Subject: ") == 2, "each sent exactly once"
    assert text.count(b"To: zd@example.cn") == text.count(b"To: city@example.cn") == 1
