"""Demo data for the task ledger: rounds 2021H1…2025H2 (终期), contributions, reports and a few
supervision notices, all marked 演示数据. Deterministic (a fixed seed per row); a second run adds
nothing. Some departments report on time, some late (市民政局, 市财政局 and 市住房城乡建设局 are
the demo's late ones), and a few tasks lag."""

import datetime
import random
import zlib

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from departments.models import District
from ledger import ledger
from ledger.models import Contribution, LedgerChange, LedgerState, Notice, TaskReport
from plans.models import Plan

MARK = "（演示数据）"
LATE = {"civil-affairs", "finance", "housing-construction"}
DEMO_NOTE_PREFIX = "演示数据"


def _rng(*parts) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def seed(plan: Plan, admin: User | None = None) -> int:
    """Create the demo ledger; returns how many contributions and reports were created."""
    if Contribution.objects.filter(round__plan=plan, is_demo=True).exists():
        return 0
    ledger.ensure_default_rounds(plan)
    rounds = list(plan.rounds.order_by("period_end"))
    for reporting_round in rounds:
        if reporting_round.opened_at is None:
            reporting_round.opened_at = _at(
                reporting_round.period_end - datetime.timedelta(days=10)
            )
            reporting_round.save(update_fields=["opened_at"])
    tasks = list(ledger.key_tasks(plan))
    contributions, reports = [], []
    for reporting_round in rounds:
        last = reporting_round.is_final
        for task in tasks:
            for department in task.co_operating_departments:
                rng = _rng(reporting_round.code, task.code, department.slug)
                late = department.slug in LATE and rng.random() < 0.7
                if last and late and rng.random() < 0.5:
                    continue  # not in at all
                days = rng.randint(3, 20) if late else -rng.randint(0, 10)
                contributions.append(
                    Contribution(
                        round=reporting_round,
                        task=task,
                        department=department,
                        text=f"{department.name}配合推进“{task.title}”，{reporting_round.title}"
                        f"完成了职责范围内的相关工作。{MARK}",
                        measures=rng.choice(
                            [
                                "召开专题会议研究部署",
                                "联合开展专项督查",
                                "出台配套政策文件",
                                "组织业务培训",
                            ]
                        )
                        + MARK,
                        numbers=f"开展相关活动{rng.randint(2, 30)}次{MARK}",
                        state=LedgerState.SUBMITTED,
                        submitted_at=_at(reporting_round.deadline + datetime.timedelta(days=days)),
                        is_demo=True,
                    )
                )
            reports.append(_report(reporting_round, task, rounds))
    Contribution.objects.bulk_create(contributions, batch_size=1000)
    reports = [r for r in reports if r is not None]
    TaskReport.objects.bulk_create(reports, batch_size=1000)
    for state, status in {(r.state, r.status) for r in reports}:
        ledger.log_changes(
            list(
                TaskReport.objects.filter(
                    round__plan=plan, is_demo=True, state=state, status=status
                )
            ),
            admin,
            "demo",
            {},
            {"state": state, "status": status},
            LedgerChange.Channel.DEMO,
            comment=DEMO_NOTE_PREFIX,
        )
    _notices(plan, admin, tasks)
    return len(contributions) + len(reports)


def _report(reporting_round, task, rounds) -> TaskReport | None:
    rng = _rng("report", reporting_round.code, task.code)
    index = rounds.index(reporting_round)
    lagging = rng.random() < 0.12 + 0.02 * index
    status = TaskReport.Status.LAGGING if lagging else TaskReport.Status.ON_TRACK
    if reporting_round.is_final and not lagging and rng.random() < 0.6:
        status = TaskReport.Status.COMPLETED
    if index == 0 and rng.random() < 0.1:
        status = TaskReport.Status.NOT_STARTED
    state = LedgerState.APPROVED
    if reporting_round.is_final:
        roll = rng.random()
        if roll < 0.1:
            return None  # the lead has not reported
        state = (
            LedgerState.DRAFT
            if roll < 0.2
            else LedgerState.SUBMITTED
            if roll < 0.4
            else LedgerState.APPROVED
        )
    submitted = _at(reporting_round.deadline + datetime.timedelta(days=rng.randint(-5, 4)))
    return TaskReport(
        round=reporting_round,
        task=task,
        status=status,
        state=state,
        is_demo=True,
        text=f"{task.lead_department}牵头，会同各配合部门推进“{task.title}”，"
        f"{reporting_round.title}各项工作{TaskReport.Status(status).label}。{MARK}",
        lag_reason=f"受经费和场地等因素影响，部分工作推进较慢。{MARK}" if lagging else "",
        submitted_at=submitted if state != LedgerState.DRAFT else None,
        approved_at=submitted + datetime.timedelta(days=7)
        if state == LedgerState.APPROVED
        else None,
    )


def _notices(plan: Plan, admin, tasks) -> None:
    districts = {d.slug: d for d in District.objects.filter(city=plan.city)}
    lagging = (
        TaskReport.objects.filter(round__plan=plan, round__is_final=True, status="lagging")
        .select_related("task")
        .order_by("task__part__order", "task__number")
    )
    lagging_tasks = [r.task for r in lagging[:2]] or tasks[:2]
    rows = [
        # (recipient, task, issued, deadline, state, reply)
        (
            districts.get("yiyuan"),
            None,
            datetime.date(2026, 3, 2),
            datetime.date(2026, 3, 20),
            "issued",
            "",
        ),
        (
            districts.get("gaoqing"),
            None,
            datetime.date(2026, 3, 2),
            datetime.date(2026, 3, 20),
            "replied",
            "已制定整改方案，分解到校，明确2026年底前完成。",
        ),
        (
            lagging_tasks[0].lead_department,
            lagging_tasks[0],
            datetime.date(2026, 2, 10),
            datetime.date(2026, 2, 28),
            "closed",
            "已召开专题会议，补充经费保障，进度已赶上。",
        ),
        (
            lagging_tasks[-1].lead_department,
            lagging_tasks[-1],
            datetime.date(2026, 10, 20),
            datetime.date(2026, 11, 10),
            "issued",
            "",
        ),
    ]
    from targets.models import Target

    fitness = Target.objects.of_plan(plan).filter(name="学生体质健康测试优良率").first()
    from ledger import notices

    for sequence, (recipient, task, issued, deadline, state, reply) in enumerate(rows, start=1):
        if recipient is None:
            continue
        is_district = isinstance(recipient, District)
        if is_district and fitness:
            subject, facts = notices.facts_for_target(fitness, recipient, 2025)
        elif task:
            subject, facts = notices.facts_for_task(task)
        else:
            continue
        notice = Notice.objects.create(
            plan=plan,
            city=plan.city,
            prefix=settings.NOTICE_NUMBER_PREFIX,
            year=issued.year,
            sequence=sequence,
            department=None if is_district else recipient,
            district=recipient if is_district else None,
            task=task if not is_district else (fitness.task if fitness else None),
            target=fitness if is_district else None,
            subject=subject,
            facts=f"{facts}\n{MARK}",
            requirements="请认真分析原因，制定整改措施，明确完成时限，并按期书面回复。",
            reply_deadline=deadline,
            state=state,
            issued_at=_at(issued),
            issued_by=admin,
            closed_at=_at(deadline) if state == "closed" else None,
            is_demo=True,
        )
        if reply:
            notice.replies.create(
                text=reply + MARK, replied_at=_at(deadline - datetime.timedelta(days=2))
            )
