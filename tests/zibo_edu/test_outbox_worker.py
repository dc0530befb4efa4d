"""The outbox with real processes: a Celery worker SIGKILLed mid-send, and Redis stopped and
restarted empty. Every notification and evaluation build is done, none twice.

Runs where REDIS_URL is set and the database is PostgreSQL (always in CI). The test starts its
own redis-server on a free port (so that stopping it troubles no one else)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings

from tests.zibo_edu.test_celery_worker import _database_url
from tests.zibo_edu.test_worker_crash import _messages

pytestmark = [pytest.mark.live, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
LEASE = 5  # seconds; production: 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A redis-server of the test's own that keeps nothing on disk: a restart is empty."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp_path = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def _reset(app):
    app._after_fork()  # forget pooled connections
    app._backend_cache = None
    app._local = threading.local()


@pytest.fixture
def redis(redis_url, tmp_path):
    from zibo_edu.celery import app

    own = Redis(tmp_path)
    own.start()
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend")}
    app.conf.update(broker_url=own.url, result_backend=own.url)
    _reset(app)
    yield own
    app.conf.update(saved)
    _reset(app)
    if own.process.poll() is None:
        own.kill()


@pytest.fixture
def workers(redis, tmp_path):
    started = []

    def start(name):
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis.url,
            "EMAIL_BACKEND": "tests.zibo_edu.slow_mail.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "ZIBO_OUTBOX_LEASE": str(LEASE),
        }
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "zibo_edu", "worker", "--pool=prefork",
             "--concurrency=2", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             "-n", f"{name}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes the pool children too
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def _deliveries(n: int, start: int = 0) -> list[int]:
    from ledger.models import Delivery

    return [
        Delivery.objects.create(
            key=f"outbox-test-{i}", event="notice_issued", emails=[f"n{i}@example.cn"],
            title=f"outbox-test-{i:03d}", body="ok",
        ).pk
        for i in range(start, start + n)
    ]  # fmt: skip


def _sent_subjects(mail_dir) -> Counter:
    return Counter(m["Subject"] for m in _messages(mail_dir)) if mail_dir.exists() else Counter()


def _sweep_until_done(done, limit=180) -> float:
    from zibo_edu.tasks import sweep_outboxes

    started = time.monotonic()
    while time.monotonic() - started < limit:
        sweep_outboxes.delay().get(timeout=60)  # the beat does this every minute
        if done():
            break
        time.sleep(LEASE / 2)
    return time.monotonic() - started


def test_a_worker_killed_mid_send_loses_no_notification_and_sends_none_twice(workers, tmp_path):
    from ledger import notifications
    from ledger.models import Delivery

    pks = _deliveries(20)
    first = workers("first")
    assert notifications.enqueue(pks) is True
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sending = Delivery.objects.filter(state="sending").count()
        if Delivery.objects.filter(state="sent").count() >= 3 and sending:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # mid-send, no warning
    first.wait(timeout=30)
    held = Counter(Delivery.objects.values_list("state", flat=True))
    print(f"killed with {dict(held)}")
    assert held["sending"] >= 1 and held["sent"] < 20, "the kill must land mid-send"

    workers("second")
    took = _sweep_until_done(lambda: Delivery.objects.filter(state="sent").count() == 20)
    print(f"all 20 sent {took:.0f} s after the new worker started")
    assert Counter(Delivery.objects.values_list("state", flat=True)) == {"sent": 20}
    time.sleep(2 * LEASE)  # a duplicate would arrive now
    _sweep_until_done(lambda: True)
    time.sleep(2)
    sent = _sent_subjects(tmp_path / "mail")
    twice = [subject for subject, n in sent.items() if n > 1]
    print(f"messages: {sum(sent.values())} for 20 deliveries, sent twice: {twice}")
    assert sent == Counter({f"outbox-test-{i:03d}": 1 for i in range(20)}), "each exactly once"


def test_redis_stopped_and_restarted_empty_loses_nothing(workers, redis, tmp_path):
    from django.core.management import call_command

    from ledger import notifications
    from ledger.models import Delivery
    from plans.models import Plan
    from reports.models import EvaluationReport
    from reports.tasks import request_evaluation

    call_command("load_plan", verbosity=0)
    plan = Plan.objects.get(slug="zibo-2021-2025")
    # Asked while Redis is up but no worker runs: the messages wait in Redis...
    before = _deliveries(5)
    assert notifications.enqueue(before) is True
    build, queued = request_evaluation(plan=plan, year=2025, format="xlsx")
    assert queued is True
    # ...and are lost with it.
    redis.kill()
    during = _deliveries(5, start=5)
    assert notifications.enqueue(during) is False, "logged, not raised"
    late, queued = request_evaluation(plan=plan, year=2024, format="xlsx")
    assert queued is False
    redis.start()  # empty
    workers("after")
    took = _sweep_until_done(
        lambda: (
            Delivery.objects.filter(state="sent").count() == 10
            and EvaluationReport.objects.filter(state="done").count() == 2
        )
    )
    print(f"all 10 notifications and 2 builds done {took:.0f} s after Redis came back empty")
    assert Counter(Delivery.objects.values_list("state", flat=True)) == {"sent": 10}
    assert set(EvaluationReport.objects.values_list("state", flat=True)) == {"done"}
    time.sleep(2 * LEASE)
    _sweep_until_done(lambda: True)
    time.sleep(2)
    sent = _sent_subjects(tmp_path / "mail")
    assert sent == Counter({f"outbox-test-{i:03d}": 1 for i in range(10)}), "each exactly once"
    assert {build.pk, late.pk} == set(EvaluationReport.objects.values_list("pk", flat=True))
