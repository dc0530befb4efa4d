"""Nothing lost: claims of dead workers are put back, requests made while Redis was down are
signalled later, and a report mailed again after a crash keeps its Message-ID."""

import datetime
import threading
import time

import pytest
from django.core import mail

from reports import delivery
from reports.models import Recipient, Report
from reports.tasks import sweep_reports
from targets import demo

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2025, 6, 1)
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    return plan


@pytest.fixture
def recipients(zhangdian):
    Recipient.objects.create(district=zhangdian, name="张店区教育局", email="zd@example.cn")


def _later(seconds: int = 1) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=seconds + delivery.stuck_after().total_seconds()
    )


def test_a_report_keeps_its_message_id_and_a_resend_gets_a_new_one(
    seeded, zhangdian, recipients, settings
):
    settings.SITE_URL = "https://edu.zibo.gov.cn"
    report = delivery.schedule(JUNE, [zhangdian])[0]
    delivery.generate(report.pk)
    delivery.send(report.pk)
    first = mail.outbox[0].extra_headers["Message-ID"]
    assert first == f"<zibo-report-{report.pk}.0@edu.zibo.gov.cn>"
    assert mail.outbox[0].message()["Message-ID"] == first
    delivery.resend(report.pk)  # the city admin's "send again": a new message
    delivery.send(report.pk)
    assert (
        mail.outbox[1].extra_headers["Message-ID"] == f"<zibo-report-{report.pk}.1@edu.zibo.gov.cn>"
    )


def test_a_worker_dead_while_sending_is_released_and_sent_again_with_the_same_message_id(
    seeded, zhangdian, recipients, monkeypatch
):
    report = delivery.schedule(JUNE, [zhangdian], deliver=True)[0]
    delivery.generate(report.pk)
    # The worker claims the report, the mail server accepts it, the worker dies before `sent`.
    assert delivery._claim(report.pk, "generating", "sending") is None
    assert delivery._claim(report.pk, "generated", "sending") is not None
    Report.objects.filter(pk=report.pk).update(queued_at=datetime.datetime.now(datetime.UTC))
    assert delivery.sweep().released == 0, "not before ZIBO_REPORT_STUCK_AFTER"
    swept = delivery.sweep(now=_later())
    assert (swept.released, swept.to_send) == (1, [report.pk])
    assert delivery.send(report.pk) is True
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.message_id(report)
    report.refresh_from_db()
    assert report.state == "sent"


def test_the_sweep_task_finishes_what_a_dead_worker_left(
    seeded, zhangdian, recipients, django_capture_on_commit_callbacks, settings
):
    settings.ZIBO_REPORT_STUCK_AFTER = 0
    rendering, sending = delivery.schedule(JUNE, [zhangdian], deliver=True)
    delivery.generate(sending.pk)
    queued = datetime.datetime.now(datetime.UTC)  # both went through the queue
    Report.objects.filter(pk=rendering.pk).update(state="generating", queued_at=queued)
    Report.objects.filter(pk=sending.pk).update(state="sending", queued_at=queued)
    Recipient.objects.create(city=zhangdian.city, name="市教育局", email="city@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reports()["released"] == 2
    assert sorted(Report.objects.values_list("state", flat=True)) == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["city@example.cn", "zd@example.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        sweep_reports()
    assert len(mail.outbox) == 2, "nothing twice"


def test_a_report_generated_on_the_command_line_is_not_mailed_by_the_sweep(
    seeded, zhangdian, recipients
):
    report = delivery.schedule(JUNE, [zhangdian], city=False)[0]
    delivery.generate(report.pk)  # generate_reports without --send
    assert delivery.sweep(now=_later()).to_send == []


@pytest.fixture
def queue_down():
    """The app talks to a Redis that is not there (a closed port), as in production."""
    from zibo_edu.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}

    def reset():
        app._after_fork()  # forget pooled connections
        app._backend_cache = None
        app._local = threading.local()

    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT, result_backend=CLOSED_PORT)
    reset()
    yield
    app.conf.update(saved)
    reset()


def test_with_redis_down_the_button_answers_at_once_and_nothing_is_lost(
    client, seeded, city_admin, recipients, queue_down, django_capture_on_commit_callbacks
):
    client.force_login(city_admin)
    started = time.monotonic()
    response = client.post("/reports/generate/", {"month": "2025-06"}, follow=True)
    took = time.monotonic() - started
    assert response.status_code == 200
    assert took < 3, f"answered after {took:.1f} s"
    assert "已记录" in response.content.decode()
    assert "队列" in response.content.decode()
    reports = Report.objects.filter(month=JUNE)
    assert reports.count() == 12, "the request is recorded as rows"
    assert set(reports.values_list("state", flat=True)) == {"pending"}
    assert not reports.filter(queued_at__isnull=False).exists()


def test_what_was_asked_while_redis_was_down_is_done_when_it_is_back(
    seeded, city_admin, recipients, django_capture_on_commit_callbacks, queue_down
):
    from reports.tasks import request_month
    from zibo_edu.celery import app

    assert request_month(JUNE) is False
    app.conf.task_always_eager = True  # the queue is back (in-process here)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reports()["generate"] == 12
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
    assert Report.objects.get(district__slug="zhangdian", month=JUNE).state == "sent"


def test_send_again_in_the_admin_with_redis_down_is_sent_by_the_sweep_later(
    client,
    seeded,
    zhangdian,
    recipients,
    city_admin,
    queue_down,
    django_capture_on_commit_callbacks,
):
    from zibo_edu.celery import app

    report = delivery.schedule(JUNE, [zhangdian], city=False)[0]
    delivery.generate(report.pk)
    delivery.send(report.pk)
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reports/report/",
            {"action": "send_again", "_selected_action": [report.pk]},
        )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).state == "generated"
    app.conf.task_always_eager = True  # the queue is back
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reports()["send"] == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[1].extra_headers["Message-ID"] != mail.outbox[0].extra_headers["Message-ID"]
