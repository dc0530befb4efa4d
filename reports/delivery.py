"""Generating and sending reports exactly once.

Every step claims its report with a conditional UPDATE that must change exactly one row:
pending → generating (render), generated → sending (mail). A retried task, a second worker or a
beat firing twice finds nothing to claim and does nothing. A worker that dies while rendering
leaves `generating`; `release_stale` puts such reports back to pending after a timeout. A report
is marked sent only after the mail server accepted it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from departments.models import District
from plans.models import Plan
from reports.models import Recipient, Report
from reports.rendering import as_of_year, render_report
from targets import progress as method
from targets import standings
from targets.models import Target

log = logging.getLogger(__name__)
STALE_AFTER = datetime.timedelta(minutes=30)


def schedule(month: datetime.date, districts=None, *, city: bool = True) -> list[Report]:
    """The reports of a month, created pending where they do not exist yet."""
    month = month.replace(day=1)
    units = list(districts if districts is not None else District.objects.all())
    reports = []
    for unit in [*units, *([None] if city else [])]:
        report, _created = Report.objects.get_or_create(district=unit, month=month)
        reports.append(report)
    return reports


def _claim(pk: int, source: str, target: str) -> bool:
    return Report.objects.filter(pk=pk, state=source).update(state=target) == 1


def generate(pk: int, *, generated_at=None) -> bool:
    """Render a pending report; False when another run has it already."""
    if not _claim(pk, Report.State.PENDING, Report.State.GENERATING):
        return False
    report = Report.objects.select_related("district").get(pk=pk)
    try:
        pdf = render_report(report.district, report.month, generated_at=generated_at)
    except Exception as error:  # a broken report must not stay claimed forever
        Report.objects.filter(pk=pk).update(state=Report.State.FAILED, error=f"render: {error}")
        raise
    Report.objects.filter(pk=pk).update(
        state=Report.State.GENERATED, pdf=pdf, generated_at=timezone.now(), error=""
    )
    return True


def recipients(report: Report) -> list[str]:
    wanted = Recipient.objects.filter(active=True)
    wanted = (
        wanted.filter(district=report.district)
        if report.district
        else wanted.filter(district__isnull=True)
    )
    return list(wanted.values_list("email", flat=True))


def send(pk: int) -> bool:
    """Mail a generated report; False when another run has it, or there is no one to send to.

    On a mail error the report goes back to `generated` with the error and the attempt counted,
    and the error is raised for the task to retry."""
    if not _claim(pk, Report.State.GENERATED, Report.State.SENDING):
        return False
    report = Report.objects.select_related("district").get(pk=pk)
    to = recipients(report)
    if not to:
        Report.objects.filter(pk=pk).update(
            state=Report.State.GENERATED, error="无收件人：请在管理后台添加报告收件人"
        )
        return False
    message = EmailMessage(_subject(report), _body(report), settings.DEFAULT_FROM_EMAIL, to)
    message.attach(report.filename, bytes(report.pdf), "application/pdf")
    try:
        message.send()
    except Exception as error:
        Report.objects.filter(pk=pk).update(
            state=Report.State.GENERATED, error=f"mail: {error}", attempts=report.attempts + 1
        )
        raise
    Report.objects.filter(pk=pk).update(
        state=Report.State.SENT, sent_at=timezone.now(), sent_to=", ".join(to),
        attempts=report.attempts + 1, error="",
    )  # fmt: skip
    return True


def give_up(pk: int, error: str) -> None:
    """After the last retry: visibly failed; the city admin can send it again."""
    Report.objects.filter(pk=pk, state=Report.State.GENERATED).update(
        state=Report.State.FAILED, error=error
    )


@transaction.atomic
def resend(pk: int) -> bool:
    """Put a failed (or sent) report back to be sent again: the admin's button."""
    return (
        Report.objects.filter(
            pk=pk, state__in=[Report.State.FAILED, Report.State.SENT], pdf__isnull=False
        ).update(state=Report.State.GENERATED, error="")
        == 1
    )


def release_stale(now=None) -> int:
    """Reports left `generating` by a dead worker go back to pending."""
    now = now or timezone.now()
    return Report.objects.filter(
        Q(state=Report.State.GENERATING), created_at__lt=now - STALE_AFTER
    ).update(state=Report.State.PENDING)


def _subject(report: Report) -> str:
    name = report.district.name if report.district else "淄博市"
    return f"【月报】{name}教育“十四五”规划实施进展（{report.month:%Y年%m月}）"


def _body(report: Report) -> str:
    plan = Plan.objects.default()
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
    behind = sum(1 for p in judged if p.is_behind)
    good = sum(1 for p in judged if p.status in (method.Status.MET, method.Status.ON_TRACK))
    name = report.district.name if report.district else plan.city.name
    return "\n".join([
        f"{name}：",
        "",
        f"附件为{report.month:%Y年%m月}教育事业发展“十四五”规划实施进展月报（截至{year}年已审核数据）。",
        f"跟踪指标 {len(judged)} 项：已达成或进展正常 {good} 项，需关注 {behind} 项。",
        "",
        "淄博市教育局 教育规划跟踪系统（此邮件由系统自动发送）",
    ])  # fmt: skip
