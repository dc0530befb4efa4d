"""The reminder task: N days before the deadline, district staff get their missing figures."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from departments.models import Role
from targets.models import Reminder, ReportingPeriod, Target
from targets.tasks import send_deadline_reminders
from tests.conftest import make_figure, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), remind_days_before=7
    )


@pytest.fixture
def staff_with_email(zhangdian, zichuan):
    users = []
    for name, district in (("zd", zhangdian), ("zc", zichuan)):
        user = make_user(f"mail-{name}", Role.Kind.DISTRICT_STAFF, district=district)
        user.email = f"{name}@example.cn"
        user.save()
        users.append(user)
    return users


def test_reminds_n_days_before_with_the_missing_figures(plan, period, staff_with_email, zhangdian):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    for target in targets[1:]:
        make_figure(target, zhangdian, 2024, value=Decimal(1))
    with time_machine.travel(datetime.datetime(2025, 3, 24, 8, tzinfo=datetime.UTC)):
        assert send_deadline_reminders.delay().get() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    zhangdian_mail = by_recipient["zd@example.cn"]
    assert zhangdian_mail.subject == "【提醒】张店区2024年度数据尚有1项未填报"
    assert targets[0].code in zhangdian_mail.body and targets[1].code not in zhangdian_mail.body
    assert "2025年03月31日" in zhangdian_mail.body
    assert "/entry/zhangdian/2024/" in zhangdian_mail.body
    assert by_recipient["zc@example.cn"].subject.endswith(f"{len(targets)}项未填报")


def test_nothing_on_other_days(period, staff_with_email):
    assert send_deadline_reminders("2025-03-23") == 0
    assert send_deadline_reminders("2025-03-31") == 0
    assert mail.outbox == []


def test_a_second_run_the_same_day_sends_nothing(period, staff_with_email):
    assert send_deadline_reminders("2025-03-24") == 2
    assert send_deadline_reminders("2025-03-24") == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_districts_with_everything_entered_get_no_mail(plan, period, staff_with_email, zhangdian):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2024, value=Decimal(1))
    send_deadline_reminders("2025-03-24")
    assert [m.to for m in mail.outbox] == [["zc@example.cn"]]


def test_the_days_are_configurable(period, staff_with_email):
    period.remind_days_before = 3
    period.save()
    assert send_deadline_reminders("2025-03-24") == 0
    assert send_deadline_reminders("2025-03-28") == 2


def test_a_daily_schedule_runs_it():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="targets.tasks.send_deadline_reminders")
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_month) == ("8", "0", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai" and task.enabled


def test_the_reminder_names_drafts_not_yet_submitted(plan, period, staff_with_email, zhangdian):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    for target in targets[2:]:
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    make_figure(targets[0], zhangdian, 2024, value=Decimal(1))  # a draft, entered
    make_figure(targets[1], zhangdian, 2024, note="待核实")  # a draft holding only a note
    send_deadline_reminders("2025-03-24")
    body = next(m for m in mail.outbox if m.to == ["zd@example.cn"]).body
    assert "目前尚有以下1项指标未填报" in body and targets[1].code in body
    assert "另有1项已填写但尚未提交（草稿或已退回），截止日期后仍未提交的将计为逾期。" in body
