"""A worker killed mid-batch (SIGKILL, no goodbye): a new worker and the sweep deliver every
report of the month exactly once, within seconds here (minutes with the production settings).

Runs where REDIS_URL is set and the database is PostgreSQL (always in CI)."""

import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes
from email.utils import getaddresses

import pytest
from django.conf import settings
from django.core.management import call_command

from departments.models import District
from tests.zibo_edu.test_celery_worker import _database_url

pytestmark = [pytest.mark.live, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
STUCK_AFTER = 10  # seconds, longer than a render on a busy machine; production: 300


def _start_worker(redis_url, tmp_path, name):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "ZIBO_REPORT_STUCK_AFTER": str(STUCK_AFTER),
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "zibo_edu", "worker", "--pool=prefork",
         "--concurrency=2", "--without-gossip", "--without-mingle", "--loglevel=INFO",
         "-n", f"{name}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the pool children too
    )  # fmt: skip


def _messages(mail_dir):
    """Every message the file backend wrote (it appends those of one second to one file)."""
    found = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(message_from_bytes(chunk))
    return found


@pytest.fixture
def workers(redis_url, tmp_path):
    started = []

    def start(name):
        process = _start_worker(redis_url, tmp_path, name)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def test_a_worker_killed_mid_batch_loses_no_report_and_sends_none_twice(
    workers, tmp_path, settings
):
    from reports.models import Recipient, Report
    from reports.tasks import send_monthly_reports, sweep_reports
    from targets import demo

    settings.ZIBO_REPORT_STUCK_AFTER = STUCK_AFTER
    call_command("load_plan", verbosity=0)
    districts = list(District.objects.all())
    demo.seed(districts[0].city.plans.get())
    for district in districts:
        Recipient.objects.create(
            district=district, name="教育局", email=f"{district.slug}@example.cn"
        )
        Recipient.objects.create(
            district=district, name="分管领导", email=f"lead-{district.slug}@example.cn"
        )
    Recipient.objects.create(city=districts[0].city, name="市教育局", email="city@example.cn")

    first = workers("first")
    assert send_monthly_reports.delay("2025-06-01").get(timeout=90) == len(districts) + 1 == 12
    deadline = time.monotonic() + 180
    while Report.objects.filter(state="sent").count() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)  # mid-batch, no warning
    first.wait(timeout=30)
    sent_before = Report.objects.filter(state="sent").count()
    held = list(Report.objects.exclude(state="sent").values_list("state", flat=True))
    print(f"killed with {sent_before} of 12 sent; left: {sorted(held)}")
    assert 3 <= sent_before < 12, "the kill must land mid-batch"

    workers("second")
    started = time.monotonic()
    while time.monotonic() - started < 180:
        sweep_reports.delay().get(timeout=60)  # the beat does this every 2 minutes
        if Report.objects.filter(state="sent").count() == 12:
            break
        time.sleep(STUCK_AFTER)
    took = time.monotonic() - started
    print(f"all 12 sent {took:.0f} s after the new worker started")
    assert Report.objects.filter(state="sent").count() == 12
    assert not Report.objects.filter(state__in=["pending", "generating", "sending"]).exists()

    time.sleep(2 * STUCK_AFTER)  # a duplicate would arrive now
    sweep_reports.delay().get(timeout=60)
    time.sleep(2)
    messages = _messages(tmp_path / "mail")
    message_ids = [m["Message-ID"] for m in messages]
    assert len(messages) == 12, f"exactly once each: {sorted(message_ids)}"
    assert len(set(message_ids)) == 12
    expected = {(f"{d.slug}@example.cn", f"lead-{d.slug}@example.cn") for d in districts}
    addressed = {tuple(sorted(a for _n, a in getaddresses([m["To"]]))) for m in messages}
    assert addressed == {tuple(sorted(pair)) for pair in expected} | {("city@example.cn",)}
