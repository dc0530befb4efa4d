"""Celery tasks of the ledger: thin, by primary key, claimed in the database before sending."""

import datetime

from celery import shared_task
from django.utils import timezone

from ledger import notifications

BACKOFF_SECONDS = notifications.BACKOFF_SECONDS


@shared_task(bind=True, acks_late=True, max_retries=notifications.MAX_ATTEMPTS - 1)
def send_delivery(self, pk: int) -> int:
    """Send one notification; a failure is retried with backoff (1, 2, 4, 8 minutes), and the
    last failure stays in the admin as failed."""
    try:
        notifications.send(pk)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            notifications.give_up(pk, str(error))
            return pk
        raise self.retry(exc=error, countdown=BACKOFF_SECONDS * 2**self.request.retries) from error
    return pk


@shared_task
def send_ledger_reminders(today: str | None = None) -> int:
    """Daily: contributions due soon, notices overdue. Each is announced once (keyed)."""
    from ledger import notices

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return notices.remind(day)
