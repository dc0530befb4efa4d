"""Chasing the figures by email: district staff get what they still owe, before the deadline and,
once it has passed, again at the period's overdue interval until everything is in; the city admin
can remind a district by hand. A returned figure tells the district why at once.

Each reminder is claimed in the database first (one per period, district and day, whoever sends
it), so a retried task, a second beat or a click on "remind now" never sends twice a day.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from departments.access import staff_accounts
from departments.models import District
from targets import completeness
from targets.display import display_value
from targets.models import Figure, Reminder, ReportingPeriod, Target
from zibo_edu.lib.single_line import mail_subject


def due_periods(today: datetime.date) -> list[ReportingPeriod]:
    """Periods whose before-the-deadline reminder is due today."""
    periods = ReportingPeriod.objects.select_related("plan__city")
    return [
        p for p in periods if p.deadline - datetime.timedelta(days=p.remind_days_before) == today
    ]


def overdue_periods(today: datetime.date) -> list[ReportingPeriod]:
    """Periods whose deadline has passed and that chase late districts (an interval above 0)."""
    periods = ReportingPeriod.objects.select_related("plan__city")
    return [p for p in periods.filter(deadline__lt=today, overdue_every_days__gt=0)]


def missing_targets(period: ReportingPeriod, district: District) -> list[Target]:
    """The district's missing figures of the period, as targets.completeness defines them."""
    return completeness.missing_targets(completeness.applicable(period.plan), district, period.year)


def last_reminded(period: ReportingPeriod) -> dict[int, Reminder]:
    """Each district's latest reminder of the period (one query)."""
    latest: dict[int, Reminder] = {}
    for reminder in period.reminders.select_related("requested_by").order_by("sent_on", "pk"):
        latest[reminder.district_id] = reminder
    return latest


def send_due(today: datetime.date) -> int:
    """Send the reminders due today; returns how many districts were emailed.

    Before the deadline: on the day `remind_days_before` ahead of it. After it: each district
    whose figures are not all in (missing, or entered but not submitted) once its last reminder of
    the period is `overdue_every_days` old or more (or it had none since the deadline)."""
    sent = 0
    for period in due_periods(today):
        for district in District.objects.filter(city=period.plan.city).select_related("city"):
            if _remind(period, district, today, Reminder.Kind.BEFORE):
                sent += 1
    for period in overdue_periods(today):
        since = today - datetime.timedelta(days=period.overdue_every_days)
        recent = period.reminders.filter(sent_on__gt=max(since, period.deadline)).values("district")
        for district in (
            District.objects.filter(city=period.plan.city)
            .select_related("city")
            .exclude(pk__in=recent)
        ):
            if _remind(period, district, today, Reminder.Kind.OVERDUE):
                sent += 1
    return sent


@dataclass
class Outcome:
    sent: bool
    # Why not: "claimed", "complete", or "no_recipients" (no active staff account of the district
    # has an email address: nobody is emailed, and no reminder is recorded).
    reason: str = ""
    reminder: Reminder | None = None


def remind_now(period: ReportingPeriod, district: District, *, user) -> Outcome:
    """The city admin's "remind now": the same message and claim as the daily task's, logged with
    who asked."""
    today = timezone.localdate()
    kind = Reminder.Kind.MANUAL
    return _claim_and_send(period, district, today, kind, requested_by=user)


def _remind(period, district, today, kind) -> bool:
    return _claim_and_send(period, district, today, kind).sent


def _staff_with_email():
    return staff_accounts().exclude(email="")


def recipients_of(district: District) -> list[str]:
    """Whom a reminder to the district goes to: its active staff accounts that have an email."""
    return list(_staff_with_email().filter(role__district=district).values_list("email", flat=True))


def reachable(districts) -> set[int]:
    """The districts (primary keys) a reminder can reach: those with an active staff account
    that has an email address (one query). A reminder to any other emails nobody."""
    return set(
        _staff_with_email()
        .filter(role__district__in=list(districts))
        .values_list("role__district", flat=True)
    )


def history(period: ReportingPeriod) -> dict[int, tuple[Reminder, int]]:
    """Each district's latest reminder of the period and how many it has had (one query)."""
    seen: dict[int, tuple[Reminder, int]] = {}
    for reminder in period.reminders.select_related("requested_by").order_by("sent_on", "pk"):
        _before, n = seen.get(reminder.district_id, (None, 0))
        seen[reminder.district_id] = (reminder, n + 1)
    return seen


def _claim_and_send(period, district, today, kind, requested_by=None) -> Outcome:
    missing = missing_targets(period, district)
    entered = completeness.open_targets(completeness.applicable(period.plan), district, period.year)
    late = completeness.is_past_deadline(period.deadline, today)
    if not missing and not (late and entered):
        return Outcome(False, "complete")
    recipients = recipients_of(district)
    if not recipients:
        return Outcome(False, "no_recipients")
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                period=period,
                district=district,
                sent_on=today,
                kind=kind,
                requested_by=requested_by,
                recipients=", ".join(recipients),
                missing=len(missing) + (len(entered) if late else 0),
            )
            _send(period, district, missing, entered, recipients, today)
    except IntegrityError:
        return Outcome(False, "claimed")  # another worker, a retry or a second beat sent it
    return Outcome(True, reminder=reminder)


def _signature(district: District) -> str:
    return f"{district.city.name}教育局 教育规划跟踪系统（此邮件由系统自动发送）"


def _send(period, district, missing, entered, recipients, today) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "figure_entry", args=[district.slug, period.year]
    )
    lines = [f"  {target.code} {target.name}" for target in missing]
    late = completeness.days_late(period.deadline, today)
    with translation.override("zh-hans"):
        if late:
            subject = (
                f"【逾期提醒】{district.name}{period.year}年度数据已逾期{late}天，"
                f"尚有{len(missing) + len(entered)}项未提交"
            )
            opening = [
                f"{period.year}年度指标数据的提交截止日期为{period.deadline:%Y年%m月%d日}，"
                f"至今已逾期{late}天。",
            ]
            if missing:
                opening += ["", f"以下{len(missing)}项指标仍未填报：", "", *lines]
            if entered:
                opening += [
                    "",
                    f"以下{len(entered)}项已填写但尚未提交（草稿或已退回），请核对后提交：",
                    "",
                    *[f"  {target.code} {target.name}" for target in entered],
                ]
            opening += ["", "数据全部提交后将不再发送此提醒。"]
        else:
            subject = f"【提醒】{district.name}{period.year}年度数据尚有{len(missing)}项未填报"
            opening = [
                f"{period.year}年度指标数据的提交截止日期为{period.deadline:%Y年%m月%d日}，"
                f"目前尚有以下{len(missing)}项指标未填报：",
                "",
                *lines,
                *(
                    [
                        "",
                        f"另有{len(entered)}项已填写但尚未提交（草稿或已退回），"
                        "截止日期后仍未提交的将计为逾期。",
                    ]
                    if entered
                    else []
                ),
            ]
        body = "\n".join(
            [
                f"{district.name}填报员：",
                "",
                *opening,
                "",
                f"请登录填报：{link}",
                "",
                _signature(district),
            ]
        )
    send_mail(mail_subject(subject), body, None, recipients)


def send_returned(figures: list[Figure], *, reason: str) -> int:
    """Email each district's staff the figures just returned to them, with the reviewer's reason.
    Returns how many emails were sent. Called after the commit of the return."""
    by_district: dict[int, list[Figure]] = {}
    for figure in figures:
        if figure.district_id is not None:
            by_district.setdefault(figure.district_id, []).append(figure)
    sent = 0
    for district in District.objects.filter(pk__in=by_district).select_related("city"):
        recipients = recipients_of(district)
        if not recipients:
            continue
        returned = by_district[district.pk]
        years = sorted({f.year for f in returned})
        with translation.override("zh-hans"):
            lines = []
            for figure in returned:
                target = figure.target
                link = settings.SITE_URL.rstrip("/") + figure.get_absolute_url()
                lines += [
                    f"  {target.code} {target.name}（{figure.year}年）",
                    f"    填报值：{display_value(figure)}",
                    f"    查看：{link}",
                ]
            subject = (
                f"【退回】{district.name}{'、'.join(map(str, years))}年度"
                f"有{len(returned)}项数据被退回"
            )
            body = "\n".join(
                [
                    f"{district.name}填报员：",
                    "",
                    f"以下{len(returned)}项数据已被退回，请修改后重新提交。",
                    "",
                    f"退回原因：{reason}",
                    "",
                    *lines,
                    "",
                    _signature(district),
                ]
            )
        send_mail(mail_subject(subject), body, None, recipients)
        sent += 1
    return sent


def backfill(plan, today: datetime.date, *, is_demo: bool) -> int:
    """The reminders the daily task would have sent by `today` (not counting today's) to the
    districts that owe figures now (missing, draft or returned: targets.completeness): for each
    period whose deadline has passed, the one `remind_days_before` it, then an overdue one every
    `overdue_every_days` from the day after it (the days `send_due` sends on). For the demo
    (`is_demo`) and for a plan loaded late; returns how many are new."""
    applicable = completeness.applicable(plan)
    districts = list(District.objects.filter(city=plan.city))
    made = []
    for period in ReportingPeriod.objects.filter(plan=plan, deadline__lt=today):
        days = [(period.deadline - datetime.timedelta(days=period.remind_days_before),
                 Reminder.Kind.BEFORE)]  # fmt: skip
        if period.overdue_every_days:
            every = datetime.timedelta(days=period.overdue_every_days)
            day = period.deadline + datetime.timedelta(days=1)
            while day < today:
                days.append((day, Reminder.Kind.OVERDUE))
                day += every
        for district in districts:
            owed = len(completeness.missing_targets(applicable, district, period.year))
            owed += len(completeness.open_targets(applicable, district, period.year))
            recipients = recipients_of(district)
            if not owed or not recipients:
                continue
            made += [
                Reminder(
                    period=period,
                    district=district,
                    sent_on=day,
                    kind=kind,
                    is_demo=is_demo,
                    recipients=", ".join(recipients),
                    missing=owed,
                    created_at=timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(8))
                    ),
                )
                for day, kind in days
            ]
    before = Reminder.objects.filter(period__plan=plan).count()
    Reminder.objects.bulk_create(made, ignore_conflicts=True)  # one a day: a second run adds none
    return Reminder.objects.filter(period__plan=plan).count() - before
