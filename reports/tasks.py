"""Celery tasks for the monthly reports: thin, by primary key, signalled after commit.

The Report rows are outbox rows (zibo_edu/lib/outbox.py): the record of what is to be done; a
task message only signals it. Every signal stamps the report (`queued_at`), and the outbox sweep
(beat, every minute) signals again what a dead worker or an unreachable Redis left behind.
"""

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from reports import delivery
from reports.models import EvaluationReport, Report
from zibo_edu.lib import outbox

MAX_SEND_ATTEMPTS = 5


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def signal(task, pks: list[int]) -> bool:
    """Tell the queue; False (logged, nothing raised) when the broker cannot be reached. The
    sweep signals again whatever was not stamped as queued."""
    return outbox.signal(Report, task, pks)


def request_month(day: datetime.date, city_id: int | None = None, plan=None) -> bool:
    """Record the month's reports (one plan's, one city's, or every city's) as rows first, then
    signal their rendering. False when the queue is down: nothing is lost, the sweep signals
    them once it is back."""
    with transaction.atomic():
        reports = delivery.schedule(day, deliver=True, city_id=city_id, plan=plan)
    pending = [r.pk for r in reports if r.state == Report.State.PENDING]
    generated = [r.pk for r in reports if r.state == Report.State.GENERATED]
    return signal(generate_report, pending) and signal(send_report, generated)


@shared_task
def send_monthly_reports(month: str | None = None) -> int:
    """Beat, 1st of the month: for every reported plan of every city, each district's report
    and the city's, for the previous month."""
    day = datetime.date.fromisoformat(month) if month else previous_month(timezone.localdate())
    reports = delivery.schedule(day, deliver=True)
    transaction.on_commit(lambda: signal(generate_report, [r.pk for r in reports]))
    return len(reports)


@shared_task
def sweep_reports() -> dict:
    """The outbox sweep for reports alone (the beat sweeps every outbox:
    zibo_edu.tasks.sweep_outboxes): put back what dead workers held, signal what was never
    heard."""
    swept = outbox.sweep(outbox.outbox_of(Report))
    return {
        "released": swept.released,
        "generate": len(swept.due[Report.State.PENDING]),
        "send": len(swept.due[Report.State.GENERATED]),
    }


@shared_task
def generate_report(pk: int) -> int:
    if delivery.generate(pk):
        transaction.on_commit(lambda: signal(send_report, [pk]))
    return pk


@shared_task(bind=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def send_report(self, pk: int) -> int:
    """Mail it; a failing mail server is retried with backoff (1, 2, 4, 8 minutes), then the
    report is marked failed for the city admin to send again."""
    try:
        delivery.send(pk)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            delivery.give_up(pk, f"mail: {error}")
            return pk
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
    return pk


@shared_task
def build_evaluation_report(pk: int) -> int:
    """An evaluation report asked for on the page (an outbox row): claimed and rendered by
    reports.evaluation_document."""
    from reports.evaluation_document import build_report  # WeasyPrint loads only in workers

    build_report(pk)
    return pk


def request_evaluation(**fields) -> tuple[EvaluationReport, bool]:
    """Record an evaluation build as an outbox row, then signal it; the bool is False when the
    queue is down (nothing lost: the sweep signals it once the queue is back)."""
    with transaction.atomic():
        report = EvaluationReport.objects.create(**fields)
    return report, outbox.signal(EvaluationReport, build_evaluation_report, [report.pk])


def register_outboxes() -> None:
    """The reports app's outbox rows (ReportsConfig.ready())."""
    outbox.register(delivery.outbox_spec(generate_report, send_report))
    outbox.register(
        outbox.Outbox(
            model=EvaluationReport,
            steps={EvaluationReport.State.QUEUED: build_evaluation_report},
            held={EvaluationReport.State.BUILDING: EvaluationReport.State.QUEUED},
            failed=EvaluationReport.State.FAILED,
        )
    )
