"""Celery tasks of the targets app: thin wrappers around domain code."""

import datetime

from celery import shared_task
from django.utils import timezone

from targets import reminders
from targets.models import Reminder, ReturnEmail


@shared_task
def send_deadline_reminders(today: str | None = None) -> int:
    """Daily: queue the reminders due today (district staff's missing figures before each
    deadline, and after it at the period's interval); each is sent by send_reminder."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return reminders.send_due(day)


@shared_task(acks_late=True)
def send_reminder(pk: int) -> int:
    """Send one reminder, claimed first: a redelivered or duplicate message sends nothing."""
    reminders.send(Reminder, pk)
    return pk


@shared_task(acks_late=True)
def send_return_email(pk: int) -> int:
    """Send one returned-figures email, claimed first, as send_reminder."""
    reminders.send(ReturnEmail, pk)
    return pk
