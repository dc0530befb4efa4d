"""The ledger's models moved from the plans app to their own (ledger 0001–0002): rows written
under the old layout are read under the new one, with their primary keys, relations, content
types (so permissions and the admin's log follow) and the beat schedule's task name. Runs the real
migrations back and forth on the test database (PostgreSQL in CI)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledger.models import Contribution, LedgerChange, Notice, ReportingRound, TaskReport

BEFORE_THE_MOVE = [("plans", "0003_succession")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_layout_rows():
    """The database as it stood before the move, with a ledger written in it."""
    executor = _migrate(BEFORE_THE_MOVE)
    applied_too = [("contenttypes", "0002_remove_content_type_name")]
    old = executor.loader.project_state(BEFORE_THE_MOVE + applied_too).apps
    City, Department = (
        old.get_model("departments", "City"),
        old.get_model("departments", "Department"),
    )
    Plan, Part, Task = (old.get_model("plans", name) for name in ("Plan", "Part", "Task"))
    ContentType = old.get_model("contenttypes", "ContentType")
    city = City.objects.create(name="迁移市")
    department = Department.objects.create(city=city, name="市教育局", slug="jyj", order=1)
    plan = Plan.objects.create(
        slug="move-2021-2025", title="迁移规划", city=city, document_number="迁〔2022〕1号",
        issued_on=datetime.date(2022, 1, 1), start_year=2021, end_year=2025, baseline_year=2020,
    )  # fmt: skip
    part = Part.objects.create(plan=plan, code="二(一)", title="任务", kind="key_tasks", order=1)
    task = Task.objects.create(
        part=part, number=1, code="二(一)1", slug="1-1", title="任务一", text="全文"
    )
    reporting_round = old.get_model("plans", "ReportingRound").objects.create(
        plan=plan, code="2025H2", title="2025年下半年", period_end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 1, 15),
    )  # fmt: skip
    contribution = old.get_model("plans", "Contribution").objects.create(
        round=reporting_round, task=task, department=department, text="做了什么", version=2
    )
    report = old.get_model("plans", "TaskReport").objects.create(
        round=reporting_round, task=task, text="报告", status="on_track"
    )
    old.get_model("plans", "LedgerChange").objects.create(
        contribution=contribution, channel="form", action="save", new={"text": "做了什么"}
    )
    notice = old.get_model("plans", "Notice").objects.create(
        plan=plan, city=city, prefix="淄教督", year=2026, sequence=7, department=department,
        subject="督办", facts="事实", requirements="要求", reply_deadline=datetime.date(2026, 2, 1),
    )  # fmt: skip
    content_type = ContentType.objects.get_or_create(app_label="plans", model="notice")[0]
    from django_celery_beat.models import IntervalSchedule, PeriodicTask  # not migrated back

    PeriodicTask.objects.update_or_create(  # as plans 0002 made it (a flush may have removed it)
        name="ledger reminders, before the move",
        defaults={
            "task": "plans.tasks.send_ledger_reminders",
            "interval": IntervalSchedule.objects.create(every=1, period="days"),
        },
    )
    yield {
        "round": reporting_round.pk, "contribution": contribution.pk, "report": report.pk,
        "notice": notice.pk, "content_type": content_type.pk,
    }  # fmt: skip
    _migrate(_latest())  # whatever the test did, the next tests find the schema they expect
    call_command("flush", "--noinput", verbosity=0)


def test_the_ledger_written_before_the_move_is_read_after_it(old_layout_rows):
    from django.contrib.contenttypes.models import ContentType
    from django_celery_beat.models import PeriodicTask

    _migrate(_latest())

    contribution = Contribution.objects.select_related("round", "task").get(
        pk=old_layout_rows["contribution"]
    )
    assert (contribution.text, contribution.version) == ("做了什么", 2)
    assert contribution.round == ReportingRound.objects.get(pk=old_layout_rows["round"])
    assert TaskReport.objects.get(pk=old_layout_rows["report"]).text == "报告"
    assert LedgerChange.objects.get(contribution=contribution).new == {"text": "做了什么"}
    assert Notice.objects.get(pk=old_layout_rows["notice"]).number == "淄教督〔2026〕7号"
    moved = ContentType.objects.get(pk=old_layout_rows["content_type"])
    assert (moved.app_label, moved.model) == ("ledger", "notice")
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "ledger.tasks.send_ledger_reminders" in tasks
    assert not any(task.startswith("plans.tasks.") for task in tasks)
    tables = set(connection.introspection.table_names())
    assert {"ledger_notice", "ledger_taskreport_targets"} <= tables
    assert not {name for name in tables if name.startswith("plans_") and "notice" in name}
