"""Reminders and returned-figure emails are outbox rows (targets/reminders.py): written with the
claim or the return, sent after the commit, never a 500 when the queue is down, failed sends
tried again by the sweep, and every one sent exactly once."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from targets import figures, reminders
from targets.models import Reminder, ReportingPeriod, ReturnEmail, Target
from tests.conftest import make_figure, target_named
from tests.reports.test_delivery_reliability import queue_down  # noqa: F401 (a fixture)
from zibo_edu.lib import outbox
from zibo_edu.tasks import sweep_outboxes

pytestmark = pytest.mark.django_db

MAY_6 = datetime.datetime(2025, 5, 6, 10, tzinfo=datetime.UTC)  # 36 days past the deadline


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), remind_days_before=7
    )


@pytest.fixture
def emailed_staff(staff_zhangdian):
    staff_zhangdian.email = "zd@example.cn"
    staff_zhangdian.save()
    return staff_zhangdian


def _later(model, leases: float = 1.5) -> datetime.datetime:
    return timezone.now() + leases * outbox.outbox_of(model).lease()


def _queue_back():
    from zibo_edu.celery import app

    app.conf.task_always_eager = True  # the queue is back (in-process here)


def test_remind_now_with_redis_down_answers_says_it_will_go_out_and_the_sweep_sends_it_once(
    client,
    period,
    city_admin,
    emailed_staff,
    queue_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client.force_login(city_admin)
    with time_machine.travel(MAY_6, tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the signal fails: nothing raised
            response = client.post("/completeness/2024/remind/zhangdian/", follow=True)
        assert response.status_code == 200
        (message,) = [str(m) for m in response.context["messages"]]
        assert message.startswith("提醒已记录：任务队列暂时无法连接，张店区的提醒")
        assert "排队中" in response.content.decode(), "the page shows the reminder's state"
        reminder = Reminder.objects.get()
        assert (reminder.state, reminder.queued_at, mail.outbox) == ("queued", None, [])
        assert reminder.subject.startswith("【逾期提醒】张店区2024年度数据已逾期36天")
        _queue_back()
        sweep_outboxes()
        sweep_outboxes()
        page = client.get("/completeness/2024/").content.decode()
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]], "sent, exactly once"
    assert mail.outbox[0].subject.startswith("【逾期提醒】张店区2024年度数据已逾期36天")
    reminder.refresh_from_db()
    assert reminder.state == "sent" and reminder.sent_at is not None
    assert "排队中" not in page and "2025-05-06" in page


def test_the_daily_task_with_redis_down_claims_its_reminders_and_they_go_out_when_it_is_back(
    period,
    emailed_staff,
    queue_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from targets.tasks import send_deadline_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders("2025-03-24") == 1
        assert send_deadline_reminders("2025-03-24") == 0, "claimed once, queue or not"
    assert Reminder.objects.get().state == "queued" and mail.outbox == []
    _queue_back()
    assert sweep_outboxes()["targets.Reminder"]["signalled"] == 1
    assert [m.subject for m in mail.outbox] == [Reminder.objects.get().subject]


def test_a_return_with_redis_down_answers_and_its_email_goes_out_when_the_queue_is_back(
    client,
    plan,
    department_head,
    zhangdian,
    emailed_staff,
    queue_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    target = target_named(plan, "区县典型性劳动教育基地")
    figure = make_figure(target, zhangdian, 2024, value=Decimal(12), state="submitted")
    client.force_login(department_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/figures/{figure.pk}/", {"action": "return", "reason": "请核实"})
    assert response.status_code == 302
    email = ReturnEmail.objects.get()
    assert (email.state, email.queued_at, email.recipients) == ("queued", None, "zd@example.cn")
    assert "退回原因：请核实" in email.body and mail.outbox == []
    _queue_back()
    sweep_outboxes()
    sweep_outboxes()
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
    assert mail.outbox[0].subject == "【退回】张店区2024年度有1项数据被退回"


def test_a_return_rolled_back_leaves_no_email_row(plan, department_head, zhangdian, emailed_staff):
    from django.db import transaction

    target = Target.objects.of_plan(plan).filter(reported_by="districts").first()
    figure = make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    with pytest.raises(RuntimeError), transaction.atomic():
        figures.send_back([figure], user=department_head, reason="核对")
        raise RuntimeError
    assert not ReturnEmail.objects.exists()


def test_a_reminder_a_worker_died_sending_is_sent_once_by_the_sweep_after_the_lease(
    period, zhangdian, emailed_staff
):
    with time_machine.travel(MAY_6, tick=False):  # its signal never runs here: lost with the worker
        outcome = reminders.remind_now(period, zhangdian, user=None)
    reminder = outcome.reminder
    assert outbox.claim(Reminder, reminder.pk, "queued", "sending") is not None  # then killed
    assert reminders.send(Reminder, reminder.pk) is False, "a redelivered task claims nothing"
    assert outbox.sweep(outbox.outbox_of(Reminder)).released == 0, "not before the lease"
    swept = outbox.sweep(outbox.outbox_of(Reminder), now=_later(Reminder))
    assert (swept.released, swept.due["queued"]) == (1, [reminder.pk])
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sweeps, len(mail.outbox)) == ("sent", 1, 1)
    outbox.sweep(outbox.outbox_of(Reminder), now=_later(Reminder, 100))
    assert len(mail.outbox) == 1


def test_a_send_that_fails_is_tried_again_by_the_sweep_and_failed_after_five_attempts(
    client,
    period,
    zhangdian,
    city_admin,
    emailed_staff,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("smtp.example.cn:25 refused")

    monkeypatch.setattr(reminders, "send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.remind_now(period, zhangdian, user=city_admin)
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts) == ("queued", 1)
    assert "refused" in reminder.last_error
    box = outbox.outbox_of(Reminder)
    assert outbox.sweep(box).due["queued"] == [], "not again before the lease"
    at = timezone.now()
    for _ in range(reminders.MAX_ATTEMPTS - 1):
        at += 2 ** min(reminder.sweeps, outbox.MAX_BACKOFF_DOUBLINGS) * box.lease() * 1.01
        with time_machine.travel(at, tick=False):
            assert outbox.sweep(box).due["queued"] == [reminder.pk]
        reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("failed", reminders.MAX_ATTEMPTS)
    client.force_login(city_admin)
    assert "失败" in client.get("/completeness/2024/").content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):  # the admin's 重新发送
        response = client.post(
            "/admin/targets/reminder/",
            {"action": "send_again", "_selected_action": [reminder.pk]},
        )
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.state == "sent" and [m.to for m in mail.outbox] == [["zd@example.cn"]]


def test_the_demo_backfill_writes_reminders_already_sent(plan, period, emailed_staff):
    made = reminders.backfill(plan, datetime.date(2025, 4, 20), is_demo=True)
    assert made >= 3
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert sweep_outboxes()["targets.Reminder"]["signalled"] == 0
    assert mail.outbox == []
