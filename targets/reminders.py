"""Chasing the figures by email: district staff get what they still owe, before the deadline and,
once it has passed, again at the period's overdue interval until everything is in; the city admin
can remind a district by hand. A returned figure tells the district why at once.

Each reminder is claimed in the database first (one per period, district and day, whoever sends
it), so a retried task, a second beat or a click on "remind now" never sends twice a day.

Both emails are outbox rows (zibo_edu/lib/outbox.py; `Reminder`, `ReturnEmail`): subject, body and
recipients are written in the transaction that decides them (the claim, the return), signalled to
the queue after its commit (a queue that cannot be reached is logged, never raised) and sent by a
thin task that claims the row (queued → sending, a conditional UPDATE that must change one row).
A failed send goes back to queued with its error and the outbox sweep signals it again, later each
time (its backoff); after MAX_ATTEMPTS it is failed, shown in the admin, where it can be sent
again. The sweep also takes back a row whose worker died while sending.
"""

import datetime
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from departments.access import emails_of, staff_accounts
from departments.models import District
from targets import completeness
from targets.display import display_value
from targets.models import Figure, OutgoingMail, Reminder, ReportingPeriod, ReturnEmail, Target
from zibo_edu.lib import outbox
from zibo_edu.lib.single_line import mail_subject

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # sends tried before a row is failed
State = OutgoingMail.State


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
    """Queue the reminders due today (each sent after its claim commits); returns how many
    districts are reminded.

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
    queued: bool  # recorded, and sent once its transaction commits
    # Why not: "claimed", "complete", or "no_recipients" (no active staff account of the district
    # has an email address: nobody is emailed, and no reminder is recorded).
    reason: str = ""
    reminder: Reminder | None = None


def remind_now(period: ReportingPeriod, district: District, *, user) -> Outcome:
    """The city admin's "remind now": the same message and claim as the daily task's, logged with
    who asked."""
    today = timezone.localdate()
    kind = Reminder.Kind.MANUAL
    return _claim(period, district, today, kind, requested_by=user)


def _remind(period, district, today, kind) -> bool:
    return _claim(period, district, today, kind).queued


def _staff_with_email():
    return staff_accounts().exclude(email="")


def recipients_of(district: District) -> list[str]:
    """Whom a reminder to the district goes to: its active staff accounts that have an email
    (departments.access's rule for every mail to a district)."""
    return emails_of(district)


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


def _claim(period, district, today, kind, requested_by=None) -> Outcome:
    """Record the district's reminder of the day, with its message, if it owes figures; it is
    sent once the claim commits."""
    missing = missing_targets(period, district)
    entered = completeness.open_targets(completeness.applicable(period.plan), district, period.year)
    late = completeness.is_past_deadline(period.deadline, today)
    if not missing and not (late and entered):
        return Outcome(False, "complete")
    recipients = recipients_of(district)
    if not recipients:
        return Outcome(False, "no_recipients")
    subject, body = _message(period, district, missing, entered, today)
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
                subject=subject[:255],
                body=body,
            )
    except IntegrityError:
        return Outcome(False, "claimed")  # another worker, a retry or a second beat has it
    transaction.on_commit(lambda: enqueue(Reminder, [reminder.pk]))
    return Outcome(True, reminder=reminder)


def _signature(district: District) -> str:
    return f"{district.city.name}教育局 教育规划跟踪系统（此邮件由系统自动发送）"


def _message(period, district, missing, entered, today) -> tuple[str, str]:
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
    return subject, body


def queue_returned(figures: list[Figure], *, reason: str) -> list[ReturnEmail]:
    """Email each district's staff the figures just returned to them, with the reviewer's reason:
    written in the transaction of the return, sent once it commits (nothing if it rolls back)."""
    by_district: dict[int, list[Figure]] = {}
    for figure in figures:
        if figure.district_id is not None:
            by_district.setdefault(figure.district_id, []).append(figure)
    emails = []
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
        emails.append(
            ReturnEmail.objects.create(
                district=district,
                subject=subject[:255],
                body=body,
                recipients=", ".join(recipients),
            )
        )
    if emails:
        pks = [email.pk for email in emails]
        transaction.on_commit(lambda: enqueue(ReturnEmail, pks))
    return emails


# Sending: the outbox's step ---------------------------------------------------------------------


def enqueue(model: type[OutgoingMail], pks: list[int]) -> bool:
    """Signal the emails to a worker after the commit; False (logged) when the queue cannot be
    reached: the rows wait for the outbox sweep."""
    return outbox.signal(model, outbox.outbox_of(model).steps[State.QUEUED], pks)


def send(model: type[OutgoingMail], pk: int) -> bool:
    """Send one email; False when another run has it, it was sent, or sending failed (the row
    keeps the error and goes back to queued for the sweep, or is failed after MAX_ATTEMPTS)."""
    claim = outbox.claim(model, pk, State.QUEUED, State.SENDING, attempts=F("attempts") + 1)
    if claim is None:
        return False
    email = model.objects.get(pk=pk)
    try:
        if not email.addresses:
            raise ValueError("no recipients")
        send_mail(mail_subject(email.subject), email.body, None, email.addresses)
    except Exception as error:
        given_up = email.attempts >= MAX_ATTEMPTS
        log.warning("%s %d not sent (attempt %d): %r", model.__name__, pk, email.attempts, error)
        # queued_at now: the sweep signals it again after the lease, doubled each time
        outbox.move(
            claim,
            State.FAILED if given_up else State.QUEUED,
            last_error=str(error)[:2000],
            queued_at=timezone.now(),
        )
        return False
    # Sent: recorded even if the sweep took the row back meanwhile, so no other run sends it.
    outbox.move(
        model.objects.filter(pk=pk, state__in=[State.SENDING, State.QUEUED]),
        State.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def resend(model: type[OutgoingMail], pk: int) -> bool:
    """The admin's "send again": a failed email, or one stuck past its lease (a dead worker's,
    or one whose signal was lost), goes back to queued with fresh attempts."""
    stuck = outbox.stuck(outbox.outbox_of(model))
    again = outbox.move(
        model.objects.filter(Q(state=State.FAILED) | stuck, pk=pk),
        State.QUEUED,
        attempts=0,
        queued_at=None,
    )
    if again:
        transaction.on_commit(lambda: enqueue(model, [pk]))
    return again == 1


def register_outboxes() -> None:
    """Reminders and return emails as the outbox sweep sees them (TargetsConfig.ready())."""
    from targets.tasks import send_reminder, send_return_email

    for model, task in ((Reminder, send_reminder), (ReturnEmail, send_return_email)):
        outbox.register(
            outbox.Outbox(
                model=model,
                steps={State.QUEUED: task},
                held={State.SENDING: State.QUEUED},
                failed=State.FAILED,
                error_field="last_error",
                in_process=partial(send, model),
            )
        )


def _at_eight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


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
        days = [(day, kind, _at_eight(day)) for day, kind in days]
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
                    state=State.SENT,  # gone out long ago: nothing for the outbox to do
                    created_at=at,
                    state_since=at,
                    sent_at=at,
                )
                for day, kind, at in days
            ]
    before = Reminder.objects.filter(period__plan=plan).count()
    Reminder.objects.bulk_create(made, ignore_conflicts=True)  # one a day: a second run adds none
    return Reminder.objects.filter(period__plan=plan).count() - before
