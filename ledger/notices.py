"""Supervision notices (督办单): numbering, facts from the ledger or the verdicts, issuing,
replies, closing, overdue, reminders and the one-page PDF."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, District
from ledger import access, ledger, notifications
from ledger.models import Contribution, LedgerState, Notice, NoticeReply
from plans.models import Part, Plan, Task, TaskDepartment
from targets.search import PER_KIND, Hit
from zibo_edu.lib import official

DEFAULT_REPLY_DAYS = 15


def next_sequence(city_id: int, year: int) -> int:
    last = Notice.objects.filter(city_id=city_id, year=year).aggregate(m=Max("sequence"))["m"]
    return (last or 0) + 1


# Facts -----------------------------------------------------------------------------------------


def facts_for_task(task: Task, reporting_round=None) -> tuple[str, str]:
    """(subject, facts) for a notice about a task, from the ledger."""
    plan = task.part.plan
    reporting_round = reporting_round or ledger.latest_round(plan)
    subject = f"关于加快推进“{task.code} {task.title}”的督办通知"
    if reporting_round is None:
        return subject, f"重点任务{task.code}“{task.title}”尚无报送轮次。"
    report = task.reports.filter(round=reporting_round).first()
    lines = [f"重点任务{task.code}“{task.title}”，{reporting_round.title}报送情况："]
    if report is None or report.state in (LedgerState.DRAFT, LedgerState.RETURNED):
        lines.append(
            f"牵头部门{task.lead_department}未按期报送进展报告（截止{reporting_round.deadline:%Y年%-m月%-d日}）。"
        )
    elif report.status:
        lines.append(f"牵头部门报告任务状态为“{report.get_status_display()}”。")
        if report.lag_reason:
            lines.append(f"滞后原因：{report.lag_reason}")
    submitted = set(
        Contribution.objects.filter(
            round=reporting_round, task=task, state=LedgerState.SUBMITTED
        ).values_list("department_id", flat=True)
    )
    missing = [d.name for d in task.co_operating_departments if d.pk not in submitted]
    if missing:
        lines.append(f"配合部门未报送落实情况：{'、'.join(missing)}。")
    since = (
        task.reports.filter(status="lagging", state=LedgerState.APPROVED)
        .order_by("round__period_end")
        .select_related("round")
        .first()
    )
    if since:
        lines.append(f"自{since.round.title}起报告进度滞后。")
    return subject, "\n".join(lines)


def facts_for_target(target, district, year: int | None = None) -> tuple[str, str]:
    """(subject, facts) for a notice to a district about a target, from the stored verdicts:
    its status, how far from the required path, since when it has been behind."""
    from targets.models import Standing
    from targets.progress import BEHIND, Status, is_warned, midterm_year

    plan = target.task.part.plan
    year = year or plan.reporting_year()
    subject = f"关于{district.name}“{target.name}”进度滞后的督办通知"
    standings = {
        s.as_of: s
        for s in Standing.objects.filter(
            target=target, district=district, approved_only=True, as_of__lte=year
        )
    }
    current = standings.get(year)
    lines = [
        f"指标{target.code}“{target.name}”（规划要求：{target.value_text}，{target.deadline_year}年）："
    ]
    if current is None:
        lines.append(f"{district.name}截至{year}年尚无评估结果。")
        return subject, "\n".join(lines)
    label = Status(current.status).label if current.status in Status.values else current.status
    lines.append(f"{district.name}截至{year}年的状态为“{label}”。")
    if is_warned(target, current.status, year):
        subject = f"关于{district.name}“{target.name}”序时进度预警的督办通知"
        lines.append(
            f"该指标为约束性指标，自规划中期（{midterm_year(plan.start_year, plan.end_year)}年）"
            "起落后于序时进度，予以预警。"
        )
    if current.value is not None:
        value = f"{_short(current.value)}{target.unit}"
        if current.expected is not None:
            gap = _short(current.expected - current.value)
            gap_unit = "个百分点" if target.unit == "%" else target.unit
            lines.append(
                f"最新值{value}（{current.year}年），按期应达{_short(current.expected)}{target.unit}，"
                f"差距{gap}{gap_unit}。"
            )
        else:
            lines.append(f"最新值{value}（{current.year}年）。")
    behind_since = None
    for as_of in sorted(standings, reverse=True):
        if standings[as_of].status in {s.value for s in BEHIND}:
            behind_since = as_of
        else:
            break
    if behind_since is not None:
        lines.append(f"自{behind_since}年起持续落后。")
    return subject, "\n".join(lines)


@dataclass
class Suggestion:
    """A district's target a notice could be issued about: behind (or its final figure missing)
    as of the plan's reporting year; `warned`: 序时进度 预警 (a 约束性 target behind its path)."""

    target: object
    district: District
    status: str
    warned: bool

    @property
    def label(self) -> str:
        from targets.progress import Status

        return Status(self.status).label


SUGGESTIONS_SHOWN = 20


def suggestions(plan: Plan, year: int | None = None) -> list[Suggestion]:
    """The districts' targets the city chases (progress.CHASED) as of the reporting year, on
    approved figures, without an open notice about them: 预警 first, then by status and plan
    order. One query for the standings, one for the open notices."""
    from targets.models import Standing
    from targets.progress import CHASED, ORDER, is_warned

    year = year or plan.reporting_year()
    rows = (
        Standing.objects.filter(
            target__task__part__plan=plan,
            as_of=year,
            approved_only=True,
            district__isnull=False,
            status__in=[s.value for s in CHASED],
        )
        .select_related("target__task__part__plan", "district")
        .order_by(
            "target__task__part__order", "target__task__number", "target__order", "district__order"
        )
    )
    open_about = set(
        Notice.objects.filter(plan=plan, target__isnull=False, district__isnull=False)
        .exclude(state=Notice.State.CLOSED)
        .values_list("target_id", "district_id")
    )
    found = [
        Suggestion(row.target, row.district, row.status, is_warned(row.target, row.status, year))
        for row in rows
        if (row.target_id, row.district_id) not in open_about
    ]
    found.sort(key=lambda s: (not s.warned, ORDER.index(s.status)))  # stable: plan order kept
    return found


def _short(value) -> str:
    """One decimal at most, as the bureau writes figures in a notice: 45.3, 55, 4.4."""
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


# Issuing and answering -------------------------------------------------------------------------


def issue(
    plan: Plan,
    user,
    *,
    subject: str,
    facts: str,
    requirements: str,
    reply_deadline: datetime.date,
    department: Department | None = None,
    district=None,
    task: Task | None = None,
    target=None,
    is_demo: bool = False,
    issued_at=None,
) -> Notice:
    errors = {}
    if (department is None) == (district is None):
        errors["recipient"] = _("Address the notice to one department or one district.")
    if department is not None and department.city_id != plan.city_id:
        errors["recipient"] = _("The department is not one of this plan's city.")
    if district is not None and district.city_id != plan.city_id:
        errors["recipient"] = _("The district is not one of this plan's city.")
    for name, value in (("subject", subject), ("facts", facts), ("requirements", requirements)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    issued_at = issued_at or timezone.now()
    if reply_deadline is None or reply_deadline <= timezone.localdate(issued_at):
        errors["reply_deadline"] = _("The reply deadline must be after today.")
    if errors:
        raise ValidationError(errors)
    year = timezone.localtime(issued_at).year
    for _attempt in range(5):  # two admins issuing at once: the unique number decides
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    plan=plan,
                    city_id=plan.city_id,
                    prefix=settings.NOTICE_NUMBER_PREFIX,
                    year=year,
                    sequence=next_sequence(plan.city_id, year),
                    department=department,
                    district=district,
                    task=task,
                    target=target,
                    subject=subject.strip(),
                    facts=facts.strip(),
                    requirements=requirements.strip(),
                    reply_deadline=reply_deadline,
                    issued_by=user,
                    issued_at=issued_at,
                    is_demo=is_demo,
                )
                if not is_demo:
                    notifications.notice_issued(notice)
                return notice
        except IntegrityError:
            continue
    raise RuntimeError("could not number the notice")


def reply(notice: Notice, user, text: str) -> NoticeReply:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the measures taken.")})
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state not in (Notice.State.ISSUED, Notice.State.SENT_BACK):
            raise ledger.LockedError(_("This notice is not waiting for a reply."))
        answer = NoticeReply.objects.create(notice=locked, text=text, replied_by=user)
        locked.state = Notice.State.REPLIED
        locked.save(update_fields=["state"])
    return answer


def review(notice: Notice, user, *, close: bool, reason: str = "") -> Notice:
    """The city admin closes a notice, or sends the reply back with a reason."""
    reason = (reason or "").strip()
    if not close and not reason:
        raise ValidationError({"reason": _("Say why the reply is sent back.")})
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state == Notice.State.CLOSED:
            raise ledger.LockedError(_("This notice is closed."))
        if not close and locked.state != Notice.State.REPLIED:
            raise ledger.LockedError(_("Only a reply can be sent back."))
        if close:
            locked.state, locked.closed_at = Notice.State.CLOSED, timezone.now()
        else:
            locked.state = Notice.State.SENT_BACK
            last = locked.replies.last()
            last.sent_back_reason = reason
            last.save(update_fields=["sent_back_reason"])
        locked.save(update_fields=["state", "closed_at"])
    return locked


def open_overdue_for(
    district=None, department=None, today: datetime.date | None = None, among=None, plan=None
) -> list[Notice]:
    """Notices to this district or department (or every one) still awaiting a reply after their
    deadline, out of `among` (e.g. access.notices_for(user)) when given, of `plan` only when
    given (a plan's pages show its own notices): for the dashboards, the department's page and
    the monthly report."""
    today = today or timezone.localdate()
    notices = (
        (Notice.objects.all() if among is None else among)
        .filter(state__in=[Notice.State.ISSUED, Notice.State.SENT_BACK], reply_deadline__lt=today)
        .select_related("department", "district", "task", "target")
    )
    if plan is not None:
        notices = notices.filter(plan=plan)
    if district is not None:
        notices = notices.filter(district=district)
    if department is not None:
        notices = notices.filter(department=department)
    return list(notices.order_by("reply_deadline"))


def remind(today: datetime.date) -> int:
    """Contributions due within LEDGER_REMIND_DAYS of an open round's deadline, and overdue
    notices; each announced once. Returns how many deliveries were created."""
    created = 0
    soon = today + datetime.timedelta(days=settings.LEDGER_REMIND_DAYS)
    for plan in Plan.objects.all():
        for reporting_round in plan.rounds.filter(
            opened_at__isnull=False, deadline__gte=today, deadline__lte=soon
        ):
            done = set(
                reporting_round.contributions.filter(state=LedgerState.SUBMITTED).values_list(
                    "task_id", "department_id"
                )
            )
            approved = set(
                reporting_round.reports.filter(state=LedgerState.APPROVED).values_list(
                    "task_id", flat=True
                )
            )
            owing: dict[Department, list[Task]] = {}
            for assignment in TaskDepartment.objects.filter(
                task__part__kind__in=Part.WORKED_KINDS, task__part__plan=plan, position__gt=0
            ).select_related("task", "department"):
                key = (assignment.task_id, assignment.department_id)
                if key not in done and assignment.task_id not in approved:
                    owing.setdefault(assignment.department, []).append(assignment.task)
            for department, tasks in owing.items():
                created += len(notifications.contribution_due(reporting_round, department, tasks))
    for notice in open_overdue_for(today=today):
        if not notice.is_demo:
            created += len(notifications.notice_overdue(notice))
    return created


# The one-page PDF ------------------------------------------------------------------------------


def notice_document(notice: Notice) -> official.Document:
    """The notice as an official document (GB/T 9704): the bureau's mark in red, the number
    (发文字号, 淄教督〔2026〕3号), the subject as title, the recipient line, the facts, what is
    required and by when, the signature and the date of issue."""
    bureau = f"{notice.plan.city.name}教育局"
    blocks = [
        official.Paragraph(line.strip()) for line in notice.facts.splitlines() if line.strip()
    ]
    blocks.append(official.Paragraph(f"督办要求：{notice.requirements.strip()}"))
    blocks.append(
        official.Paragraph(
            f"请于{notice.reply_deadline:%Y}年{notice.reply_deadline.month}月"
            f"{notice.reply_deadline.day}日前将落实情况和整改措施书面回复{bureau}。"
        )
    )
    if notice.is_demo:
        blocks.append(official.Paragraph("（演示数据，非真实督办）", "note"))
    issued = timezone.localtime(notice.issued_at).date()
    return official.Document(
        title=notice.subject,
        blocks=blocks,
        issuer=f"{bureau}督办单",
        number=notice.number,
        recipient=f"{notice.recipient.name}：",
        signature=bureau,
        date=f"{issued.year}年{issued.month}月{issued.day}日",
        watermark="演示" if notice.is_demo else "",
    )


def render_notice_pdf(notice: Notice) -> bytes:
    """The notice as a one-page PDF, through the official-document layout every 公文 of the
    app uses (zibo_edu/lib/official.py)."""
    return official.render_pdf(notice_document(notice))


def search_hits(user, plan: Plan, words: list[str]):
    """The header's search over notices (`targets.search`, registered at ready): those the user
    may see (`access.notices_for`), a word matching the number, subject, facts, recipient, task
    or target."""
    hits = []
    for notice in access.notices_for(user).filter(plan=plan):
        haystack = " ".join(
            str(part)
            for part in (
                notice.number,
                notice.subject,
                notice.facts,
                notice.recipient,
                notice.task.code if notice.task else "",
                notice.target.code if notice.target else "",
            )
        ).casefold()
        if all(word.casefold() in haystack for word in words):
            hit = Hit(
                _("Supervision notice"),
                notice.number,
                notice.subject,
                notice.get_absolute_url(),
                notice.get_state_display(),
            )
            hits.append(hit)
            if len(hits) == PER_KIND:
                break
    return hits
