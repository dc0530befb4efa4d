"""Celery tasks for the monthly reports: thin, by primary key, signalled after commit.

The Report rows are the record of what is to be done; a task message only signals it. Every
signal stamps the report (`queued_at`), and `sweep_reports` (beat, every 2 minutes) signals again
what a dead worker or an unreachable Redis left behind.
"""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from reports import delivery

MAX_SEND_ATTEMPTS = 5
log = logging.getLogger(__name__)


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def signal(task, pks: list[int]) -> bool:
    """Tell the queue; False (logged, nothing raised) when the broker cannot be reached. The
    sweep signals again whatever was not stamped as queued."""
    queued = []
    try:
        for pk in pks:
            task.delay(pk)
            queued.append(pk)
    except Exception as error:
        if task.app.conf.task_always_eager:
            raise  # in-process, this is the task's own error, not the queue's
        # kombu, redis and the result backend raise many kinds; the rows keep the request.
        log.warning("queue unavailable, %d reports left for the sweep: %r", len(pks), error)
        return False
    finally:
        delivery.mark_queued(queued)
    return True


def request_month(day: datetime.date, city_id: int | None = None, plan=None) -> bool:
    """Record the month's reports (one plan's, one city's, or every city's) as rows first, then
    signal their rendering. False when the queue is down: nothing is lost, the sweep signals
    them once it is back."""
    with transaction.atomic():
        reports = delivery.schedule(day, deliver=True, city_id=city_id, plan=plan)
    return signal(generate_report, [r.pk for r in reports])


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
    """Beat, every 2 minutes: put back what dead workers held, signal what was never heard."""
    swept = delivery.sweep()
    signal(generate_report, swept.to_generate)
    signal(send_report, swept.to_send)
    return {
        "released": swept.released,
        "generate": len(swept.to_generate),
        "send": len(swept.to_send),
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
    """An evaluation report asked for on the page: rendered by reports.evaluation_document."""
    from reports.evaluation_document import build_report  # WeasyPrint loads only in workers

    build_report(pk)
    return pk
