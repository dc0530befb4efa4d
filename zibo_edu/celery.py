"""The one Celery app. Broker and result backend come from REDIS_URL (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")

app = Celery("zibo_edu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
