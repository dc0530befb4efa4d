"""The task ledger (任务台账): reporting rounds, contributions, the lead's report and its review.

Every write goes through this module: it checks the version (a stale form is refused naming who
changed what, when), the state (an approved report locks the task's round), validates the fields
and writes one LedgerChange row per change, in the same transaction.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.audit import only_changed
from departments.models import Department
from ledger import notifications
from ledger.models import (
    Attachment,
    Contribution,
    LedgerChange,
    LedgerState,
    Notice,
    ReportingRound,
    TaskReport,
    default_title,
)
from plans.models import Part, Plan, Task, TaskDepartment
from targets.completeness import is_past_deadline
from targets.guide import Todo
from zibo_edu.lib import uploads

ROUND_DEADLINE_DAYS = 15  # the reports of a half year are due 15 days after it ends
CONTRIBUTION_FIELDS = ("text", "measures", "numbers")
REPORT_FIELDS = ("text", "status", "lag_reason")
Channel = LedgerChange.Channel


class ConflictError(Exception):
    """Someone saved since the form was opened."""

    def __init__(self, change: LedgerChange | None):
        self.change = change
        who = change.changed_by if change and change.changed_by else _("someone")
        when = timezone.localtime(change.changed_at) if change else None
        message = _("%(who)s changed this at %(when)s; reload to see their version.") % {
            "who": who,
            "when": f"{when:%Y-%m-%d %H:%M}" if when else "?",
        }
        super().__init__(message)


class LockedError(Exception):
    pass


# Rounds ----------------------------------------------------------------------------------------


def ensure_default_rounds(plan: Plan, deadline_days: int = ROUND_DEADLINE_DAYS) -> int:
    """Half-yearly rounds (6月30日, 12月31日) for every year of the plan; the last is 终期.
    Creates only what is missing; returns how many were created."""
    created = 0
    for year in range(plan.start_year, plan.end_year + 1):
        for half, (month, day) in ((1, (6, 30)), (2, (12, 31))):
            end = datetime.date(year, month, day)
            final = year == plan.end_year and half == 2
            title = default_title(year, half, final)
            _round, was_created = ReportingRound.objects.get_or_create(
                plan=plan,
                code=f"{year}H{half}",
                defaults={
                    "title": title,
                    "period_end": end,
                    "deadline": end + datetime.timedelta(days=deadline_days),
                    "is_final": final,
                },
            )
            created += was_created
    return created


def open_round(reporting_round: ReportingRound, user) -> bool:
    """Open a round for reporting and tell every department of the plan's tasks; False when it
    was open already (a second click sends nothing)."""
    with transaction.atomic():
        opened = ReportingRound.objects.filter(pk=reporting_round.pk, opened_at__isnull=True)
        if opened.update(opened_at=timezone.now()) != 1:
            return False
        reporting_round.refresh_from_db()
        departments = Department.objects.filter(
            assignments__task__part__plan=reporting_round.plan_id
        ).distinct()
        notifications.round_opened(reporting_round, list(departments))
    return True


def latest_round(plan: Plan) -> ReportingRound | None:
    return plan.rounds.filter(opened_at__isnull=False).order_by("-period_end").first()


# Contributions ---------------------------------------------------------------------------------


def contribution_for(reporting_round, task: Task, department) -> Contribution:
    contribution, _created = Contribution.objects.get_or_create(
        round=reporting_round, task=task, department=department
    )
    return contribution


def _report_locked(reporting_round, task) -> bool:
    return TaskReport.objects.filter(
        round=reporting_round, task=task, state=LedgerState.APPROVED
    ).exists()


def contribution_lock(contribution: Contribution) -> str | None:
    """Why a contribution cannot be changed now (its round is not open, or the task's report is
    approved), or None: the one rule for the writes and for the page that offers them."""
    if not contribution.round.is_open:
        return _("This round is not open for reporting.")
    if _report_locked(contribution.round, contribution.task):
        return _("The task's report is approved: its contributions are locked.")
    return None


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise ConflictError(obj.changes.first())


def _snapshot(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def save_contribution(
    contribution: Contribution,
    user,
    data: dict,
    *,
    version: int | None,
    submit: bool = False,
    channel: str = Channel.FORM,
    upload=None,
) -> Contribution:
    """Save a department's contribution (and submit it), with an uploaded file if any; the same
    rules for the form and the API. All or nothing: the file is checked first and stored last,
    so a refused save stores no file."""
    if upload is not None:
        uploads.evidence(upload)
    with transaction.atomic():
        contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if reason := contribution_lock(contribution):
            raise LockedError(reason)
        _check_version(contribution, version)
        values = {name: (data.get(name) or "").strip() for name in CONTRIBUTION_FIELDS}
        errors = {}
        for name, value in values.items():
            if len(value) > 5000:
                errors[name] = _("At most 5000 characters.")
        if submit and not values["text"]:
            errors["text"] = _("Say what your department did before submitting.")
        if errors:
            raise ValidationError(errors)
        old = _snapshot(contribution, (*CONTRIBUTION_FIELDS, "state"))
        for name, value in values.items():
            setattr(contribution, name, value)
        if submit:
            contribution.state = LedgerState.SUBMITTED
            contribution.submitted_at = timezone.now()
        new = _snapshot(contribution, (*CONTRIBUTION_FIELDS, "state"))
        if upload is not None:
            new["attachment"] = upload.name
        if new == old:
            return contribution
        contribution.version += 1
        contribution.updated_by = user
        contribution.save()
        log_changes([contribution], user, "submit" if submit else "save", old, new, channel)
        if upload is not None:
            add_attachment(contribution, upload, user)
    return contribution


def add_attachment(contribution: Contribution, upload, user) -> Attachment:
    """Keep an uploaded file as evidence; refuses files too large or of a type not allowed."""
    content_type = uploads.evidence(upload)
    if reason := contribution_lock(contribution):
        raise LockedError(reason)
    name = uploads.shortened_name(
        upload.name or "file", Attachment._meta.get_field("name").max_length
    )
    attachment = Attachment(
        contribution=contribution,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=user,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def delete_attachment(attachment: Attachment) -> None:
    if reason := contribution_lock(attachment.contribution):
        raise LockedError(reason)
    attachment.delete()  # the file goes with it (plans.models: delete_attachment_file)


def discard_contribution(contribution: Contribution) -> None:
    """Throw away a draft and its attachments (their files too): nothing is left orphaned."""
    if contribution.state != LedgerState.DRAFT:
        raise LockedError(_("Only a draft can be discarded."))
    contribution.delete()


# The lead's report -----------------------------------------------------------------------------


def report_for(reporting_round, task: Task) -> TaskReport:
    report, _created = TaskReport.objects.get_or_create(round=reporting_round, task=task)
    return report


def save_report(
    report: TaskReport,
    user,
    data: dict,
    *,
    target_ids,
    version: int | None,
    submit: bool = False,
    channel: str = Channel.FORM,
) -> TaskReport:
    with transaction.atomic():
        report = TaskReport.objects.select_for_update().get(pk=report.pk)
        if not report.round.is_open:
            raise LockedError(_("This round is not open for reporting."))
        if report.is_locked:
            raise LockedError(
                _("The report is %(state)s and cannot be changed.")
                % {"state": report.get_state_display()}
            )
        _check_version(report, version)
        values = {name: (data.get(name) or "").strip() for name in REPORT_FIELDS}
        errors = {}
        if values["status"] and values["status"] not in TaskReport.Status.values:
            errors["status"] = _("Choose one of the statuses offered.")
        if values["status"] == TaskReport.Status.LAGGING and not values["lag_reason"]:
            errors["lag_reason"] = _("Give the reason why the task is lagging behind.")
        if submit and not values["text"]:
            errors["text"] = _("Write the progress report before submitting.")
        if submit and not values["status"]:
            errors["status"] = _("Set the task's status before submitting.")
        wanted = {int(pk) for pk in target_ids or []}
        own = set(report.task.targets.values_list("pk", flat=True))
        if wanted - own:
            errors["targets"] = _("Only the task's own targets can be linked.")
        if errors:
            raise ValidationError(errors)
        old = {
            **_snapshot(report, (*REPORT_FIELDS, "state")),
            "targets": sorted(report.targets.values_list("pk", flat=True)),
        }
        for name, value in values.items():
            setattr(report, name, value)
        if submit:
            report.state = LedgerState.SUBMITTED
            report.submitted_at = timezone.now()
        elif report.state == LedgerState.RETURNED:
            report.state = LedgerState.DRAFT
        new = {**_snapshot(report, (*REPORT_FIELDS, "state")), "targets": sorted(wanted)}
        if new == old:
            return report
        report.version += 1
        report.updated_by = user
        report.save()
        report.targets.set(wanted)
        log_changes([report], user, "submit" if submit else "save", old, new, channel)
    return report


def log_changes(
    subjects: list[Contribution | TaskReport], user, action, old, new, channel, comment=""
) -> None:
    """The ledger's one audit writer: a row per contribution or task report, with the values
    that changed (old → new), in the caller's transaction."""
    before, after = only_changed(old, new)
    LedgerChange.objects.bulk_create(
        LedgerChange(
            contribution=subject if isinstance(subject, Contribution) else None,
            report=subject if isinstance(subject, TaskReport) else None,
            changed_by=user,
            channel=channel,
            action=action,
            old=before,
            new=after,
            comment=comment,
        )
        for subject in subjects
    )


def review(report: TaskReport, user, *, approve: bool, reason: str = "") -> TaskReport:
    """The city admin approves a submitted report (locking it) or returns it with a reason."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    with transaction.atomic():
        report = TaskReport.objects.select_for_update().get(pk=report.pk)
        if report.state != LedgerState.SUBMITTED:
            raise LockedError(_("Only a submitted report can be reviewed."))
        old = {"state": report.state}
        if approve:
            report.state, report.approved_at, report.return_reason = (
                LedgerState.APPROVED,
                timezone.now(),
                "",
            )
        else:
            report.state, report.return_reason = LedgerState.RETURNED, reason
        report.version += 1
        report.updated_by = user
        report.save()
        log_changes(
            [report],
            user,
            "approve" if approve else "return",
            old,
            {"state": report.state},
            Channel.REVIEW,
            reason,
        )
        if not approve:
            notifications.report_returned(report)
    return report


# Reading the ledger ----------------------------------------------------------------------------


@dataclass
class LedgerRow:
    task: Task
    lead: Department | None
    co_operating: list
    report: TaskReport | None
    contributions_in: list = field(default_factory=list)
    contributions_missing: list = field(default_factory=list)
    open_notices: int = 0
    overdue_notices: int = 0


def key_tasks(plan: Plan):
    """The ledger's tasks: 二's key tasks and 三's implementation items (Task.objects.worked)."""
    return Task.objects.worked().filter(part__plan=plan).select_related("part").with_departments()


def ledger_rows(plan: Plan, reporting_round: ReportingRound | None, tasks=None) -> list[LedgerRow]:
    """Every task with its lead, the round's report, contributions in and missing, open notices:
    a fixed number of queries whatever the number of tasks."""
    tasks = list(tasks if tasks is not None else key_tasks(plan))
    reports, submitted = {}, defaultdict(set)
    if reporting_round is not None:
        reports = {r.task_id: r for r in reporting_round.reports.all()}
        for task_id, department_id in reporting_round.contributions.filter(
            state=LedgerState.SUBMITTED
        ).values_list("task_id", "department_id"):
            submitted[task_id].add(department_id)
    today = timezone.localdate()
    notices = defaultdict(lambda: [0, 0])
    for notice in Notice.objects.filter(plan=plan, task__isnull=False).exclude(
        state=Notice.State.CLOSED
    ):
        notices[notice.task_id][0] += 1
        notices[notice.task_id][1] += notice.is_overdue(today)
    rows = []
    for task in tasks:
        co_operating = task.co_operating_departments
        row = LedgerRow(task, task.lead_department, co_operating, reports.get(task.pk))
        row.contributions_in = [d for d in co_operating if d.pk in submitted[task.pk]]
        row.contributions_missing = [d for d in co_operating if d.pk not in submitted[task.pk]]
        row.open_notices, row.overdue_notices = notices[task.pk]
        rows.append(row)
    return rows


def task_history(task: Task) -> list[dict]:
    """Each round of the task's plan, newest first: the report and the contributions."""
    rounds = task.part.plan.rounds.filter(opened_at__isnull=False).order_by("-period_end")
    reports = {r.round_id: r for r in task.reports.prefetch_related("targets")}
    contributions = defaultdict(dict)
    for contribution in task.contributions.select_related("department", "round").prefetch_related(
        "attachments"
    ):
        contributions[contribution.round_id][contribution.department_id] = contribution
    return [
        {
            "round": reporting_round,
            "report": reports.get(reporting_round.pk),
            "contributions": [
                (department, contributions[reporting_round.pk].get(department.pk))
                for department in task.co_operating_departments
            ],
        }
        for reporting_round in rounds
    ]


@dataclass
class Owed:
    kind: str  # contribution, report, reply, approval, close
    label: str
    deadline: datetime.date | None
    url: str
    overdue: bool


def inbox(user, plan: Plan) -> list[Owed]:
    """What the user's department or district owes (or, for the city admin, has to review),
    by deadline."""
    from django.urls import reverse

    from ledger import access

    today = timezone.localdate()
    items: list[Owed] = []
    open_rounds = list(plan.rounds.filter(opened_at__isnull=False))
    department = access.department_of(user)
    if department is not None:
        assignments = TaskDepartment.objects.filter(
            department=department, task__part__plan=plan
        ).select_related("task")
        done_contrib = set(
            Contribution.objects.filter(
                department=department, round__in=open_rounds, state=LedgerState.SUBMITTED
            ).values_list("round_id", "task_id")
        )
        reports = {
            (r.round_id, r.task_id): r for r in TaskReport.objects.filter(round__in=open_rounds)
        }
        for reporting_round in open_rounds:
            for assignment in assignments:
                task = assignment.task
                key = (reporting_round.pk, task.pk)
                report = reports.get(key)
                if report and report.state == LedgerState.APPROVED:
                    continue
                if assignment.position > 0 and key not in done_contrib:
                    items.append(
                        Owed(
                            "contribution",
                            f"{reporting_round} · {task.code} {task.title}",
                            reporting_round.deadline,
                            reverse("ledger_contribution", args=[reporting_round.pk, task.pk]),
                            is_past_deadline(reporting_round.deadline, today),
                        )
                    )
                if assignment.position == 0 and (
                    report is None or report.state in (LedgerState.DRAFT, LedgerState.RETURNED)
                ):
                    items.append(
                        Owed(
                            "report",
                            f"{reporting_round} · {task.code} {task.title}",
                            reporting_round.deadline,
                            reverse("ledger_report", args=[reporting_round.pk, task.pk]),
                            is_past_deadline(reporting_round.deadline, today),
                        )
                    )
    waiting = (Notice.State.ISSUED, Notice.State.SENT_BACK)
    if access.may_manage(user):
        for report in TaskReport.objects.filter(
            round__plan=plan, state=LedgerState.SUBMITTED
        ).select_related("round", "task"):
            items.append(
                Owed(
                    "approval",
                    f"{report.round} · {report.task.code} {report.task.title}",
                    None,
                    reverse("ledger_report", args=[report.round_id, report.task_id]),
                    False,
                )
            )
        for notice in Notice.objects.filter(plan=plan, state=Notice.State.REPLIED):
            items.append(
                Owed(
                    "close",
                    f"{notice.number} {notice.subject}",
                    None,
                    notice.get_absolute_url(),
                    False,
                )
            )
    else:
        for notice in access.notices_for(user).filter(plan=plan, state__in=waiting):
            items.append(
                Owed(
                    "reply",
                    f"{notice.number} {notice.subject}",
                    notice.reply_deadline,
                    notice.get_absolute_url(),
                    notice.is_overdue(today),
                )
            )
    items.sort(key=lambda item: (item.deadline is None, item.deadline or today, item.label))
    return items


def approved_reports(plan: Plan) -> dict[int, TaskReport]:
    """For the evaluation report (重点任务落实情况): each task's latest approved report."""
    latest: dict[int, TaskReport] = {}
    for report in (
        TaskReport.objects.filter(round__plan=plan, state=LedgerState.APPROVED)
        .select_related("round", "task")
        .order_by("round__period_end")
    ):
        latest[report.task_id] = report
    return latest


def contribution_counts(reporting_round) -> dict:
    """How many contributions are in and how many are owed, for a round's summary."""
    owed = TaskDepartment.objects.filter(
        task__part__kind__in=Part.WORKED_KINDS,
        task__part__plan=reporting_round.plan_id,
        position__gt=0,
    ).count()
    done = reporting_round.contributions.filter(state=LedgerState.SUBMITTED).count()
    return {"owed": owed, "in": done}


INBOX_KINDS = {
    "contribution": gettext_lazy("Contribution"),
    "report": gettext_lazy("Progress report"),
    "reply": gettext_lazy("Reply to a notice"),
    "approval": gettext_lazy("Report to review"),
    "close": gettext_lazy("Reply to assess"),
}


def guide_items(user, plan: Plan) -> list[Todo]:
    """For the 使用说明 page (`targets.guide`, registered at ready): the user's inbox, each item
    with its kind (a notice to answer, a contribution or report owed, one to review)."""
    from ledger import access

    if not access.may_have_inbox(user):
        return []
    return [
        Todo(
            _("%(kind)s: %(item)s") % {"kind": INBOX_KINDS[item.kind], "item": item.label},
            item.url,
            item.deadline,
            item.overdue,
        )
        for item in inbox(user, plan)
    ]
