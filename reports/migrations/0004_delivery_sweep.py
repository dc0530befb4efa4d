"""What the sweep needs to find reports a dead worker or a dead queue left behind, and its
schedule: every 2 minutes (django-celery-beat, editable in the admin).

Numbered 0004: 0003 is taken by another branch (the evaluation); the integrator points the
dependency at reports/0003 after merging."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F

SWEEP = ("报告投递巡检（每2分钟）", "reports.tasks.sweep_reports")


def forwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Report.objects.update(state_since=F("created_at"))
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="*/2", hour="*", day_of_month="*", month_of_year="*", day_of_week="*",
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
        ("reports", "0003_evaluation_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
        ),
        migrations.AddField(
            model_name="report",
            name="deliver",
            field=models.BooleanField(
                default=False, help_text="Asked by the schedule or the admin.",
                verbose_name="to be mailed",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="resent",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="sent again"),
        ),
        migrations.AddField(
            model_name="report",
            name="state_since",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="in this state since"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
