"""The ledger's demo data: deterministic, marked, some departments late, a few notices."""

import pytest

from ledger import demo, ledger
from ledger.models import Contribution, LedgerState, Notice, TaskReport

pytestmark = pytest.mark.django_db


def _snapshot(plan):
    return sorted(
        Contribution.objects.filter(round__plan=plan).values_list(
            "round__code", "task__code", "department__name", "submitted_at"
        )
    )


def test_demo_ledger_is_deterministic_marked_and_mixed(plan, city_admin):
    assert demo.seed(plan, city_admin) > 0
    first = _snapshot(plan)
    assert demo.seed(plan, city_admin) == 0, "a second run adds nothing"
    assert plan.rounds.count() == 10 and plan.rounds.filter(opened_at__isnull=True).count() == 0
    assert all("演示数据" in c.text for c in Contribution.objects.all()[:50])
    assert not Contribution.objects.filter(is_demo=False).exists()
    late = [c for c in Contribution.objects.select_related("round") if c.is_late]
    on_time = Contribution.objects.count() - len(late)
    assert late and on_time > len(late)
    assert {c.department.slug for c in late} <= demo.LATE
    final = plan.rounds.get(is_final=True)
    states = set(TaskReport.objects.filter(round=final).values_list("state", flat=True))
    assert {LedgerState.APPROVED, LedgerState.SUBMITTED} <= states
    assert TaskReport.objects.filter(status="lagging").exclude(lag_reason="").exists()
    assert Notice.objects.filter(is_demo=True).count() >= 3
    assert any(n.is_overdue() for n in Notice.objects.all())
    Contribution.objects.all().delete()
    TaskReport.objects.all().delete()
    Notice.objects.all().delete()
    demo.seed(plan, city_admin)
    assert _snapshot(plan) == first
    assert ledger.approved_reports(plan)
