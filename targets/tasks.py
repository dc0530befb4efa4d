"""Celery tasks of the targets app: thin wrappers around domain code."""

import datetime

from celery import shared_task
from django.utils import timezone

from targets import reminders


@shared_task
def send_deadline_reminders(today: str | None = None) -> int:
    """Daily: email district staff their missing figures N days before each deadline."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return reminders.send_due(day)
