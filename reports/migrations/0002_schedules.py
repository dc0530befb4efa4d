"""The beat schedules, as rows the city admin can change in the admin (django-celery-beat)."""

from django.db import migrations

SCHEDULES = [
    # name, task, minute, hour, day of month
    ("填报截止提醒（每日）", "targets.tasks.send_deadline_reminders", "0", "8", "*"),
    ("区县月度进展报告（每月1日）", "reports.tasks.send_monthly_reports", "0", "8", "1"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year="*", day_of_week="*",
            timezone="Asia/Shanghai",
        )  # fmt: skip
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
