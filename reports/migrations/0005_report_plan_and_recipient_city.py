"""A report is one plan's (and so one city's): its title, districts and recipients come from it.
A city report's recipients name their city.

Existing reports get the plan their month speaks of: of the district's city (a city report: of
the default plan's city), the plan whose years hold the month, else the city's newest. Existing
city-report recipients get the default plan's city."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _default_city(Plan):
    plan = Plan.objects.filter(slug=settings.ZIBO_DEFAULT_PLAN).first()
    plan = plan or Plan.objects.order_by("-end_year", "city__name").first()
    return plan.city_id if plan else None


def _plan_for(Plan, city_id, month):
    plans = Plan.objects.filter(city_id=city_id).order_by("-end_year")
    return plans.filter(start_year__lte=month.year, end_year__gte=month.year).first() or (
        plans.filter(start_year__lte=month.year).first() or plans.first()
    )


def forwards(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    Report = apps.get_model("reports", "Report")
    Recipient = apps.get_model("reports", "Recipient")
    default_city = _default_city(Plan)
    for recipient in Recipient.objects.select_related("district"):
        recipient.city_id = recipient.district.city_id if recipient.district else default_city
        if recipient.city_id is None:
            recipient.delete()  # no plan, no city: no report was ever sent to it
        else:
            recipient.save(update_fields=["city"])
    for report in Report.objects.select_related("district"):
        city_id = report.district.city_id if report.district else default_city
        plan = _plan_for(Plan, city_id, report.month) if city_id else None
        if plan is None:
            report.delete()  # no plan to report on: it could not be rendered
        else:
            report.plan_id = plan.pk
            report.save(update_fields=["plan"])


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0002_role_city"),
        ("plans", "0003_succession"),
        ("reports", "0004_delivery_sweep"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="report", name="report_once_per_district_month"),
        migrations.RemoveConstraint(model_name="report", name="report_once_per_city_month"),
        migrations.AddField(
            model_name="recipient",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_recipients",
                to="departments.city",
                verbose_name="city",
                help_text="The city whose reports they receive (taken from the district if any).",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="plans.plan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recipient",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="report_recipients",
                to="departments.city",
                verbose_name="city",
                help_text="The city whose reports they receive (taken from the district if any).",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="plans.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("district__isnull", False)),
                fields=("plan", "district", "month"),
                name="report_once_per_plan_district_month",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("district__isnull", True)),
                fields=("plan", "month"),
                name="report_once_per_plan_city_month",
            ),
        ),
    ]
