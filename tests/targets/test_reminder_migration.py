"""targets 0015: reminders recorded before the outbox were sent inline with their claim, so the
migration marks them sent, at the time they were recorded; none is sent again. Runs the real
migrations back and forth on the test database."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from targets.models import Reminder
from zibo_edu.lib import outbox

BEFORE = [("targets", "0014_names_single_line")]
AFTER = [("targets", "0015_reminders_in_the_outbox")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_reminders_recorded_before_the_outbox_are_marked_sent_and_never_sent_again():
    from departments.models import District
    from plans.models import Plan
    from targets.models import ReportingPeriod

    from django.core.management import call_command

    call_command("load_plan", verbosity=0)  # a transactional test before may have flushed it
    plan = Plan.objects.get(slug="zibo-2021-2025")
    period = ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31)
    )
    district = District.objects.get(city=plan.city, slug="zhangdian")
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    at = datetime.datetime(2025, 3, 24, 0, tzinfo=datetime.UTC)
    old.get_model("targets", "Reminder").objects.create(
        period_id=period.pk, district_id=district.pk, sent_on=at.date(),
        recipients="zd@example.cn", created_at=at,
    )  # fmt: skip
    _migrate(AFTER)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.sent_at, reminder.state_since) == ("sent", at, at)
    assert outbox.sweep(outbox.outbox_of(Reminder)).due == {"queued": []}
