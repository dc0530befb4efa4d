"""Celery tasks for the monthly reports: thin, by primary key, enqueued after commit."""

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from reports import delivery

MAX_SEND_ATTEMPTS = 5


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@shared_task
def send_monthly_reports(month: str | None = None) -> int:
    """Beat, 1st of the month: every district's report and the city's, for the previous month."""
    day = datetime.date.fromisoformat(month) if month else previous_month(timezone.localdate())
    delivery.release_stale()
    reports = delivery.schedule(day)
    for report in reports:
        transaction.on_commit(lambda pk=report.pk: generate_report.delay(pk))
    return len(reports)


@shared_task
def generate_report(pk: int) -> int:
    if delivery.generate(pk):
        transaction.on_commit(lambda: send_report.delay(pk))
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
