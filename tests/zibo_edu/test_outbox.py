"""One outbox for every side effect (zibo_edu/lib/outbox.py): rows written with the change that
causes them, signalled after the commit, never a 500 when the queue is down, and the one sweep
takes back what a dead worker held and signals what was never heard, exactly once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ledger import notifications
from ledger.models import Delivery
from reports.models import EvaluationReport, Report
from tests.reports.test_delivery_reliability import queue_down  # noqa: F401 (a fixture)
from zibo_edu.lib import outbox
from zibo_edu.tasks import sweep_outboxes

pytestmark = pytest.mark.django_db


def _later(model, leases: float = 1.5) -> datetime.datetime:
    return timezone.now() + leases * outbox.outbox_of(model).lease()


@pytest.fixture
def emailed_staff(staff_zhangdian):
    staff_zhangdian.email = "zd@example.cn"
    staff_zhangdian.save()
    return staff_zhangdian


def _notice_form(district) -> dict:
    return {
        "district": district.pk,
        "subject": "关于加快推进的督办通知",
        "facts": "进度滞后",
        "requirements": "请整改",
        "reply_deadline": "2099-01-01",
    }


def _delivery(**fields) -> Delivery:
    values = {"key": "k", "event": "notice_issued", "emails": ["zd@example.cn"], "title": "督办"}
    return Delivery.objects.create(**{**values, "body": "请整改", **fields})


def test_every_side_effect_model_is_swept_by_the_one_beat_task():
    assert {o.model for o in outbox.registered()} >= {Report, EvaluationReport, Delivery}
    assert PeriodicTask.objects.get(task="zibo_edu.tasks.sweep_outboxes").crontab.minute == "*"
    assert not PeriodicTask.objects.filter(task="reports.tasks.sweep_reports").exists()


def test_issuing_a_notice_with_redis_down_answers_and_the_sweep_sends_it_later(
    client,
    plan,
    city_admin,
    zhangdian,
    emailed_staff,
    queue_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from zibo_edu.celery import app

    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):  # the signal fails: nothing raised
        response = client.post("/notices/new/", _notice_form(zhangdian), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "队列" in page and "自动" in page  # the user is told it will go out
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.queued_at, mail.outbox) == ("pending", None, [])
    app.conf.task_always_eager = True  # the queue is back (in-process here)
    sweep_outboxes()
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
    sweep_outboxes()
    assert len(mail.outbox) == 1, "exactly once"


def test_an_evaluation_build_with_redis_down_is_recorded_and_built_when_the_queue_is_back(
    client,
    plan,
    city_admin,
    queue_down,  # noqa: F811
):
    from zibo_edu.celery import app

    client.force_login(city_admin)
    response = client.post(
        f"/evaluation/{plan.slug}/build/", {"format": "xlsx", "year": "2025"}, follow=True
    )
    assert response.status_code == 200
    assert "队列" in response.content.decode()
    report = EvaluationReport.objects.get()
    assert (report.state, report.queued_at) == ("queued", None)
    app.conf.task_always_eager = True
    assert sweep_outboxes()["reports.EvaluationReport"]["signalled"] == 1
    report.refresh_from_db()
    assert report.state == "done" and bytes(report.file)[:2] == b"PK"


def test_a_delivery_a_worker_died_sending_is_sent_once_by_the_sweep_after_the_lease():
    delivery = _delivery()
    assert outbox.claim(Delivery, delivery.pk, "pending", "sending") is not None  # then killed
    assert notifications.send(delivery.pk) is False, "a redelivered task finds nothing to claim"
    assert outbox.sweep(outbox.outbox_of(Delivery)).released == 0, "not before the lease"
    swept = outbox.sweep(outbox.outbox_of(Delivery), now=_later(Delivery))
    assert (swept.released, swept.due["pending"]) == (1, [delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.state, delivery.sweeps, len(mail.outbox)) == ("sent", 1, 1)
    outbox.sweep(outbox.outbox_of(Delivery), now=_later(Delivery, 100))
    assert len(mail.outbox) == 1


def test_a_lost_signal_is_repeated_with_backoff():
    delivery = _delivery()
    queued = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(queued_at=queued)  # a message Redis lost
    box = outbox.outbox_of(Delivery)
    lease = box.lease()
    assert outbox.find(box, now=queued + 0.5 * lease).due["pending"] == []
    assert outbox.find(box, now=queued + 1.5 * lease).due["pending"] == [delivery.pk]
    Delivery.objects.filter(pk=delivery.pk).update(sweeps=2)  # signalled again twice already
    assert outbox.find(box, now=queued + 3.5 * lease).due["pending"] == []
    assert outbox.find(box, now=queued + 4.5 * lease).due["pending"] == [delivery.pk]


def test_a_row_a_worker_dies_on_every_time_is_given_up():
    delivery = _delivery()
    Delivery.objects.filter(pk=delivery.pk).update(state="sending", sweeps=outbox.MAX_SWEEPS)
    swept = outbox.find(outbox.outbox_of(Delivery), now=_later(Delivery))
    assert (swept.released, swept.given_up) == (0, 1)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "given up" in delivery.last_error


def test_send_again_in_the_admin_takes_a_stuck_delivery_too(
    client, django_user_model, django_capture_on_commit_callbacks
):
    stuck = _delivery(key="stuck")
    Delivery.objects.filter(pk=stuck.pk).update(
        state="sending", state_since=timezone.now() - 2 * outbox.outbox_of(Delivery).lease()
    )
    busy = _delivery(key="busy")
    Delivery.objects.filter(pk=busy.pk).update(state="sending")  # a live worker has it
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.cn"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/ledger/delivery/",
            {"action": "send_again", "_selected_action": [stuck.pk, busy.pk]},
        )
    assert response.status_code == 302
    assert dict(Delivery.objects.values_list("key", "state")) == {
        "stuck": "sent",
        "busy": "sending",
    }
    assert len(mail.outbox) == 1
