"""Generating and sending reports exactly once.

Every step claims its report with a conditional UPDATE that must change exactly one row:
pending → generating (render), generated → sending (mail). A retried task, a second worker or a
beat firing twice finds nothing to claim and does nothing. A report is marked sent only after the
mail server accepted it.

Reports are outbox rows (zibo_edu/lib/outbox.py, the one mechanism of every side effect): the
rows are the record of what is to be done; the queue only signals it. A worker killed mid-step
leaves its report `generating` or `sending`, and a signal can be lost (Redis down when it was
sent, a dead worker's prefetched messages): the outbox sweep puts claims older than
ZIBO_REPORT_STUCK_AFTER back and signals again the reports whose next step was never heard. Each
report keeps one Message-ID, so a mail sent again after a crash between the mail server's
acceptance and the `sent` mark is recognisably the same message.
"""

import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from departments.models import District
from plans.models import Plan
from reports.models import Recipient, Report
from reports.rendering import (
    DEMO_MARK,
    ON_COURSE,
    as_of_year,
    demo_notice,
    needs_attention,
    render_report,
)
from targets import standings
from targets.models import Target
from targets.progress import Status
from zibo_edu.lib import outbox
from zibo_edu.lib.single_line import mail_subject

log = logging.getLogger(__name__)


def reported_plans(month: datetime.date, city_id: int | None = None) -> list[Plan]:
    """The plans a month's reports speak of: every plan begun by then (its first year) and not
    closed once the month is over (an ended period's final figures are still chased), of every
    city, or of one. A city with two such plans gets both plans' reports, each on its own."""
    month = month.replace(day=1)
    over = (month + datetime.timedelta(days=32)).replace(day=1)
    plans = Plan.objects.select_related("city").filter(start_year__lte=month.year)
    if city_id is not None:
        plans = plans.filter(city=city_id)
    return [plan for plan in plans.order_by("city__name", "end_year") if not plan.is_ended(over)]


def schedule(
    month: datetime.date,
    districts=None,
    *,
    city: bool = True,
    deliver: bool = False,
    city_id: int | None = None,
    plan: Plan | None = None,
) -> list[Report]:
    """The reports of a month, created pending where they do not exist yet: for each reported
    plan, its city's districts (those of `districts` only, when given) and, with `city`, the
    city's own report. `city_id`: one city's plans only. `plan`: that plan's reports only, if it
    is reported (the city admin's button, on the plan's pages). `deliver`: the request is to
    mail them too (the beat, the button), which the sweep then sees through."""
    month = month.replace(day=1)
    plans = reported_plans(month, city_id)
    if plan is not None:
        plans = [p for p in plans if p.pk == plan.pk]
    chosen = None if districts is None else list(districts)
    if chosen is not None:  # the plans of the districts' cities only
        cities = {d.city_id for d in chosen}
    reports = []
    for each in plans:
        if chosen is not None and each.city_id not in cities:
            continue
        units = (
            [d for d in chosen if d.city_id == each.city_id]
            if chosen is not None
            else list(District.objects.filter(city=each.city_id))
        )
        for unit in [*units, *([None] if city else [])]:
            report, _created = Report.objects.get_or_create(
                plan=each, district=unit, month=month, defaults={"deliver": deliver}
            )
            if deliver and not report.deliver:
                Report.objects.filter(pk=report.pk).update(deliver=True)
            reports.append(report)
    return reports


def month_sent(plan: Plan, month: datetime.date) -> bool:
    """Whether every report of the plan's month exists and was sent (asking again does
    nothing: the admin's "send again" is for that)."""
    reports = Report.objects.filter(plan=plan, month=month.replace(day=1))
    return reports.exists() and not reports.exclude(state=Report.State.SENT).exists()


def _claim(pk: int, source: str, target: str):
    """The outbox's claim: this run alone holds the report, or None."""
    return outbox.claim(Report, pk, source, target)


_move = outbox.move


def generate(pk: int, *, generated_at=None) -> bool:
    """Render a pending report; False when another run has it already."""
    claim = _claim(pk, Report.State.PENDING, Report.State.GENERATING)
    if claim is None:
        return False
    report = Report.objects.select_related("plan__city", "district__city").get(pk=pk)
    try:
        pdf = render_report(
            report.district, report.month, generated_at=generated_at, plan=report.plan
        )
    except Exception as error:  # a broken report must not stay claimed forever
        _move(claim, Report.State.FAILED, error=f"render: {error}")
        raise
    done = _move(
        claim, Report.State.GENERATED, pdf=pdf, generated_at=timezone.now(), error=""
    )  # fmt: skip
    return done == 1


def recipients(report: Report) -> list[str]:
    wanted = Recipient.objects.filter(active=True)
    wanted = (
        wanted.filter(district=report.district)
        if report.district
        else wanted.filter(district__isnull=True, city=report.plan.city_id)
    )
    return list(wanted.values_list("email", flat=True))


def send(pk: int) -> bool:
    """Mail a generated report; False when another run has it, or there is no one to send to.

    On a mail error the report goes back to `generated` with the error and the attempt counted,
    and the error is raised for the task to retry."""
    claim = _claim(pk, Report.State.GENERATED, Report.State.SENDING)
    if claim is None:
        return False
    report = Report.objects.select_related("plan__city", "district").get(pk=pk)
    to = recipients(report)
    if not to:
        _move(
            claim, Report.State.GENERATED,
            error="无收件人：请在管理后台添加报告收件人",
        )  # fmt: skip
        return False
    message = EmailMessage(
        _subject(report), _body(report), settings.DEFAULT_FROM_EMAIL, to,
        headers={"Message-ID": message_id(report)},
    )  # fmt: skip
    message.attach(report.filename, bytes(report.pdf), "application/pdf")
    try:
        message.send()
    except Exception as error:
        _move(
            claim, Report.State.GENERATED, error=f"mail: {error}", attempts=report.attempts + 1
        )  # fmt: skip
        raise
    # The mail is out: record it even if the sweep took the report back meanwhile, so that no
    # other run sends it again.
    _move(
        Report.objects.filter(pk=pk, state__in=[Report.State.SENDING, Report.State.GENERATED]),
        Report.State.SENT,
        sent_at=timezone.now(), sent_to=", ".join(to), attempts=report.attempts + 1, error="",
    )  # fmt: skip
    return True


def message_id(report: Report) -> str:
    """The same for every attempt at one delivery (a repeat after a crash is a duplicate a mail
    client can recognise); a new one when the city admin sends the report again."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<zibo-report-{report.pk}.{report.resent}@{domain}>"


def give_up(pk: int, error: str) -> None:
    """After the last retry: visibly failed; the city admin can send it again."""
    _move(
        Report.objects.filter(pk=pk, state=Report.State.GENERATED), Report.State.FAILED, error=error
    )


@transaction.atomic
def resend(pk: int) -> bool:
    """Put a failed (or sent, or stuck past its lease) report back to be sent again: the
    admin's button."""
    again = Report.objects.filter(
        Q(state__in=[Report.State.FAILED, Report.State.SENT])
        | Q(outbox.stuck(outbox.outbox_of(Report)), state=Report.State.SENDING),
        pk=pk,
        pdf__isnull=False,
    )
    done = _move(
        again, Report.State.GENERATED,
        error="", resent=F("resent") + 1, deliver=True, queued_at=None,
    )  # fmt: skip
    return done == 1


def stuck_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.ZIBO_REPORT_STUCK_AFTER)


@dataclass
class Swept:
    released: int  # claims of dead workers put back
    to_generate: list[int]  # pending reports whose rendering must be signalled (again)
    to_send: list[int]  # generated reports whose mailing must be signalled (again)


def outbox_spec(generate_task, send_task) -> outbox.Outbox:
    """Reports as the outbox sweep sees them (registered in ReportsConfig.ready()).

    - `generating` or `sending` past ZIBO_REPORT_STUCK_AFTER: the worker died (a report renders
      and mails in seconds). Back to pending, or to generated: a `sending` report may have
      reached the mail server before the crash, so it goes out again with the same Message-ID.
    - `pending` reports are signalled when their last signal is old or was never sent (Redis
      was down when the beat or the admin asked).
    - `generated` reports only when someone asked them mailed (`deliver`: the beat, the button,
      "send again"; a report generated on the command line without --send is not mailed behind
      the admin's back) with no error (a mail error has its own retries; "no recipients" waits
      for the admin).
    """
    return outbox.Outbox(
        model=Report,
        steps={Report.State.PENDING: generate_task, Report.State.GENERATED: send_task},
        held={Report.State.GENERATING: Report.State.PENDING,
              Report.State.SENDING: Report.State.GENERATED},
        failed=Report.State.FAILED,
        on_release={"error": ""},
        ready=~Q(state=Report.State.GENERATED)
        | Q(deliver=True, error="", pdf__isnull=False),
        lease=stuck_after,
    )  # fmt: skip


def sweep(now=None) -> Swept:
    """Put back what a dead worker held and name what the queue must be told (again); the
    outbox's rules (zibo_edu/lib/outbox.py). A duplicate signal is harmless: the claim lets one
    through."""
    found = outbox.find(outbox.outbox_of(Report), now)
    return Swept(
        found.released,
        found.due.get(Report.State.PENDING, []),
        found.due.get(Report.State.GENERATED, []),
    )


def mark_queued(pks: list[int]) -> None:
    outbox.stamp(Report, pks)


def _subject(report: Report) -> str:
    plan = report.plan
    name = report.district.name if report.district else plan.city.name
    demo = DEMO_MARK if plan.is_demo else ""
    return mail_subject(f"{demo}【月报】{name}·{plan.title}实施进展（{report.month:%Y年%m月}）")


def _body(report: Report) -> str:
    plan = report.plan
    year = as_of_year(plan, report.month)
    targets = list(Target.objects.of_plan(plan))
    if report.district:
        targets = [t for t in targets if t.reported_by == Target.Reporter.DISTRICTS]
    show = [report.district] if report.district else []
    board = standings.stored_board(plan, year, targets=targets, show=show, include_submitted=False)
    judged = [
        board.cells[(t.pk, report.district.pk)] if report.district else board.city[t.pk]
        for t in targets
    ]
    attention = sum(1 for p in judged if needs_attention(p))
    missing = sum(1 for p in judged if p.status == Status.FINAL_MISSING)
    good = sum(1 for p in judged if p.status in ON_COURSE)
    name = report.district.name if report.district else plan.city.name
    return "\n".join([
        *([demo_notice(plan), ""] if plan.is_demo else []),
        f"{name}：",
        "",
        f"附件为{report.month:%Y年%m月}《{plan.title}》实施进展月报（截至{year}年已审核数据）。",
        f"跟踪指标 {len(judged)} 项：已达成或进展正常 {good} 项，需关注 {attention} 项"
        + (f"（其中缺最终数据 {missing} 项）。" if missing else "。"),
        "",
        f"{plan.city.name}教育局 教育规划跟踪系统（此邮件由系统自动发送）",
    ])  # fmt: skip
