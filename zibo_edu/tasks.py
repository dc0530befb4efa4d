"""The project's own Celery task: the outbox sweep, for every app's row models at once."""

from celery import shared_task

from zibo_edu.lib import outbox


@shared_task
def sweep_outboxes() -> dict:
    """Beat, every minute: take back what dead workers held, signal what was never heard, for
    every model an app registered (zibo_edu/lib/outbox.py)."""
    return outbox.sweep_all()
