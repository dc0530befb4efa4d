"""The outbox sweep's schedule: every minute (django-celery-beat, editable in the admin). It
sweeps every registered outbox model (reports/0007 removes the reports' own sweep)."""

from django.db import migrations

SWEEP = ("后台任务巡检（每分钟）", "zibo_edu.tasks.sweep_outboxes")


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="*", hour="*", day_of_month="*", month_of_year="*", day_of_week="*",
        timezone="Asia/Shanghai",
    )  # fmt: skip
    PeriodicTask.objects.get_or_create(
        name=SWEEP[0], defaults={"task": SWEEP[1], "crontab": crontab}
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SWEEP[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("zibo_edu", "0001_audit_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
