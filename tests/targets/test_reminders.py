"""The reminder task: N days before the deadline, district staff get their missing figures."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from departments.models import Role
from targets.models import Reminder, ReportingPeriod, Target
from targets.tasks import send_deadline_reminders
from tests.conftest import make_figure, make_user, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), remind_days_before=7
    )


@pytest.fixture
def sent_after_commit(django_capture_on_commit_callbacks):
    """Reminders are sent once their claim commits (an outbox row); the test's transaction
    never commits, so run what would run after the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def staff_with_email(zhangdian, zichuan):
    users = []
    for name, district in (("zd", zhangdian), ("zc", zichuan)):
        user = make_user(f"mail-{name}", Role.Kind.DISTRICT_STAFF, district=district)
        user.email = f"{name}@example.cn"
        user.save()
        users.append(user)
    return users


def test_reminds_n_days_before_with_the_missing_figures(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    for target in targets[1:]:
        make_figure(target, zhangdian, 2024, value=Decimal(1))
    with time_machine.travel(datetime.datetime(2025, 3, 24, 8, tzinfo=datetime.UTC)):
        with sent_after_commit():
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


def test_a_second_run_the_same_day_sends_nothing(period, staff_with_email, sent_after_commit):
    with sent_after_commit():
        assert send_deadline_reminders("2025-03-24") == 2
        assert send_deadline_reminders("2025-03-24") == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_districts_with_everything_entered_get_no_mail(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2024, value=Decimal(1))
    with sent_after_commit():
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


def test_the_reminder_names_drafts_not_yet_submitted(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    for target in targets[2:]:
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    make_figure(targets[0], zhangdian, 2024, value=Decimal(1))  # a draft, entered
    make_figure(targets[1], zhangdian, 2024, note="待核实")  # a draft holding only a note
    with sent_after_commit():
        send_deadline_reminders("2025-03-24")
    body = next(m for m in mail.outbox if m.to == ["zd@example.cn"]).body
    assert "目前尚有以下1项指标未填报" in body and targets[1].code in body
    assert "另有1项已填写但尚未提交（草稿或已退回），截止日期后仍未提交的将计为逾期。" in body


# After the deadline: overdue reminders at the period's interval until the figures are all in.


def _days(start: datetime.date, n: int):
    return [start + datetime.timedelta(days=i) for i in range(n)]


def test_overdue_reminders_go_weekly_after_the_deadline_until_the_figures_are_in(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    sent_on = []
    for day in _days(datetime.date(2025, 3, 25), 40):  # to 2025-05-03
        if day == datetime.date(2025, 4, 20):  # 张店区 enters and submits everything
            for target in targets:
                make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
        at = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
        with time_machine.travel(at, tick=False), sent_after_commit():
            send_deadline_reminders.delay().get()
            send_deadline_reminders.delay().get()  # a second beat the same day: nothing more
        sent_on += [(m.to[0], day) for m in mail.outbox[len(sent_on) :]]
    zhangdian_days = [day for to, day in sent_on if to == "zd@example.cn"]
    zichuan_days = [day for to, day in sent_on if to == "zc@example.cn"]
    weekly = [datetime.date(2025, 4, 1) + datetime.timedelta(weeks=w) for w in range(5)]
    assert zichuan_days == [datetime.date(2025, 3, 31) - datetime.timedelta(days=7), *weekly][1:]
    assert zhangdian_days == weekly[:3]  # 04-01, 04-08, 04-15; nothing once all is in
    assert Reminder.objects.filter(kind="overdue").count() == 3 + 5


def test_the_overdue_reminder_names_what_is_missing_and_how_late(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    for target in targets[2:]:
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="approved")
    make_figure(targets[1], zhangdian, 2024, value=Decimal(1), state="returned")
    with sent_after_commit():
        assert send_deadline_reminders("2025-04-30") == 2
    message = next(m for m in mail.outbox if m.to == ["zd@example.cn"])
    assert message.subject == "【逾期提醒】张店区2024年度数据已逾期30天，尚有2项未提交"
    assert "截止日期为2025年03月31日，至今已逾期30天" in message.body
    assert "以下1项指标仍未填报" in message.body and targets[0].code in message.body
    assert "以下1项已填写但尚未提交" in message.body and targets[1].code in message.body
    assert targets[2].code not in message.body


def test_the_overdue_interval_is_configurable_and_0_stops_it(period, staff_with_email):
    period.overdue_every_days = 3
    period.save()
    sent = [send_deadline_reminders(f"2025-04-{d:02d}") for d in range(1, 9)]
    assert sent == [2, 0, 0, 2, 0, 0, 2, 0]
    period.overdue_every_days = 0
    period.save()
    assert send_deadline_reminders("2025-04-20") == 0


def test_a_district_with_all_figures_in_gets_no_overdue_reminder(
    plan, period, staff_with_email, zhangdian, sent_after_commit
):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    with sent_after_commit():
        send_deadline_reminders("2025-04-10")
    assert [m.to for m in mail.outbox] == [["zc@example.cn"]]


def test_a_returned_figure_emails_the_district_the_reason_at_once(
    plan, staff_with_email, zhangdian, department_head, django_capture_on_commit_callbacks
):
    from targets import figures

    target = target_named(plan, "区县典型性劳动教育基地")
    figure = make_figure(target, zhangdian, 2024, value=Decimal("12"), state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        figures.send_back([figure], user=department_head, reason="分母口径与上年不一致")
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
    message = mail.outbox[0]
    assert "张店区" in message.subject and "退回" in message.subject
    assert "退回原因：分母口径与上年不一致" in message.body
    assert target.code in message.body and target.name in message.body
    assert "2024年" in message.body and "填报值：12" in message.body


def test_nothing_is_emailed_when_the_return_is_rolled_back(
    plan, staff_with_email, zhangdian, department_head, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from targets import figures

    target = Target.objects.of_plan(plan).filter(reported_by="districts").first()
    figure = make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            figures.send_back([figure], user=department_head, reason="核对")
            raise RuntimeError
    assert mail.outbox == []


# "Remind now" on the completeness page (the city admin).


def test_remind_now_sends_the_same_reminder_logs_who_asked_and_shows_it(
    client, period, staff_with_email, city_admin, sent_after_commit
):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 5, 6, 10, tzinfo=datetime.UTC), tick=False):
        with sent_after_commit():
            response = client.post("/completeness/2024/remind/zhangdian/", follow=True)
        assert response.status_code == 200
        assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
        assert mail.outbox[0].subject.startswith("【逾期提醒】张店区2024年度数据已逾期36天")
        reminder = Reminder.objects.get()
        assert (reminder.kind, reminder.requested_by, reminder.sent_on) == (
            "manual",
            city_admin,
            datetime.date(2025, 5, 6),
        )
        page = response.content.decode()
        assert "2025-05-06" in page and "city-admin" in page
        # the same day: claimed once, whoever sends it (the daily task included)
        with sent_after_commit():
            client.post("/completeness/2024/remind/zhangdian/")
            assert send_deadline_reminders() == 1  # 淄川区 only
    assert len(mail.outbox) == 2


def test_remind_now_is_for_the_city_admin_only(client, period, staff_with_email, department_head):
    client.force_login(department_head)
    assert client.post("/completeness/2024/remind/zhangdian/").status_code == 403
    assert client.get("/completeness/2024/").context["may_remind"] is False
    assert "Remind now" not in client.get("/completeness/2024/").content.decode()
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_remind_now_answers_a_district_with_everything_in_and_no_period(
    client, plan, period, staff_with_email, zhangdian, city_admin
):
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="approved")
    client.force_login(city_admin)
    response = client.post("/completeness/2024/remind/zhangdian/", follow=True)
    assert "nothing to remind of" in response.content.decode() or "无需提醒" in (
        response.content.decode()
    )
    assert mail.outbox == []
    assert client.post("/completeness/2023/remind/zhangdian/").status_code == 404
    assert client.post("/completeness/2024/remind/nowhere/").status_code == 404


def test_remind_now_without_any_staff_email_says_plainly_that_nobody_was_emailed(
    client, city_admin, period, zhangdian
):
    """张店区's only staff account has no email: the page says nobody can be emailed and where to
    add an address instead of offering the button; a post anyway says why and what to do, and no
    reminder is recorded as sent."""
    make_user("staff-no-mail", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    client.force_login(city_admin)
    html = client.get("/completeness/2024/").content.decode()
    assert "/completeness/2024/remind/zhangdian/" not in html
    assert "无人可发送邮件" in html and "该区县没有填写邮箱的填报员账号" in html
    assert "/admin/auth/user/?role__kind__exact=district_staff" in html
    response = client.post("/completeness/2024/remind/zhangdian/", follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("未发出任何邮件，也未记录提醒：张店区没有填写了邮箱的")
    assert "请在管理后台" in message
    assert not Reminder.objects.exists() and not mail.outbox
