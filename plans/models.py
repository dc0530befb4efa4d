"""A five-year plan as data: its parts, its numbered tasks and the departments of each task."""

import datetime
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.models import City, Department
from zibo_edu.lib.single_line import check_single_line

PLAN_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def plan_query(request: HttpRequest) -> str:
    """`?plan=<slug>` when the request named a plan, for links that keep it; else ""."""
    slug = request.GET.get("plan", "")
    return f"?plan={slug}" if PLAN_SLUG.fullmatch(slug) else ""


def keep_plan(plan: "Plan") -> dict:
    """For the context of a page about one plan's object (an evaluation, a figure, a task):
    the header's links (`plan_query`, `plan_param`) name that plan, whatever plan the request
    would pick (another plan's `?plan=`, or the default); no query needed."""
    return {"plan_query": f"?plan={plan.slug}", "plan_param": f"&plan={plan.slug}"}


class PlanQuerySet(models.QuerySet):
    def default(self, today: datetime.date | None = None) -> "Plan | None":
        """The plan shown when none is named: the current plan of settings.ZIBO_DEFAULT_PLAN's
        city (of any city when that plan is not loaded), as `preferred` picks it."""
        plans = self.select_related("city")
        of_city = list(plans.filter(city__plans__slug=settings.ZIBO_DEFAULT_PLAN))
        return preferred(of_city or list(plans), today)

    def for_city(self, city: "City | None") -> "Plan | None":
        """The plan a city's reports and reminders speak of: the default plan when it is the
        city's (or no city is given), else the city's newest."""
        default = self.default()
        if city is None or (default is not None and default.city_id == city.pk):
            return default
        return self.select_related("city").filter(city=city).first()

    def listing(self, today: datetime.date | None = None) -> list["Plan"]:
        """Plans as the switcher and `/` list them: current ones first, then the newest."""
        plans = list(self.select_related("city", "follows"))
        return sorted(plans, key=lambda p: (not p.is_current(today), -p.end_year, p.city.name))

    def from_request(self, request: HttpRequest) -> "Plan":
        """The one way a page, an export or an endpoint picks its plan: ?plan=<slug>, else the
        default plan. 404 for an unknown or malformed slug, or when no plan is loaded."""
        from targets import access  # the role rules; access imports this module

        slug = request.GET.get("plan")
        user = getattr(request, "user", None)
        if slug is None or slug == "":
            plan = self.default()
            if plan is not None and user is not None and not access.may_see_plan(user, plan):
                plan = preferred(access.plans_for(user))  # the user's city's plan
        elif PLAN_SLUG.fullmatch(slug):
            plan = self.select_related("city").filter(slug=slug).first()
        else:
            plan = None
        if plan is None or (user is not None and not access.may_see_plan(user, plan)):
            raise Http404("No such plan has been loaded.")  # another city's: as if none
        return plan


def preferred(plans: "list[Plan]", today: datetime.date | None = None) -> "Plan | None":
    """The plan a page shows when none is named, among a city's: a current open one (a real
    one before a made-up demo one), then one not yet begun, an ended (closed) one only when
    there is nothing else; the newest first within each."""
    return min(
        plans,
        key=lambda p: (p.is_ended(today), not p.is_current(today), p.is_demo, -p.end_year),
        default=None,
    )


class Plan(models.Model):
    """One city's education plan, e.g. 淄博市教育事业发展“十四五”规划 (淄政发〔2022〕2号)."""

    slug = models.SlugField(_("short code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    city = models.ForeignKey(
        City,
        verbose_name=pgettext_lazy("a place", "city"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    preamble = models.TextField(_("preamble"), blank=True)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text=_("The plan this one succeeds (十五五 after 十四五)."),
    )
    closed_on = models.DateField(
        _("read-only from"),
        null=True,
        blank=True,
        help_text=_(
            "The day the plan is closed: from then on its figures, ledger and notices are "
            "read-only. Set it once the final figures are in and the evaluation is issued."
        ),
    )
    is_demo = models.BooleanField(
        _("made-up example"),
        default=False,
        help_text=_("A made-up plan for the demonstration, marked 演示 on every page."),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-end_year", "city__name"]
        constraints = [
            models.CheckConstraint(
                name="plan_years_in_order",
                condition=models.Q(baseline_year__lt=models.F("start_year"))
                & models.Q(start_year__lte=models.F("end_year")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.slug])

    def clean(self) -> None:
        # TODO when the models move: validators=[validate_single_line] on the field instead
        check_single_line(self, "title")

    def reporting_year(self, today: datetime.date | None = None) -> int:
        """The year whose figures are being reported now: last calendar year, within the plan.
        A plan that follows another has its baseline carried over, never reported: its first
        year to report is its first year (十五五 in 2026: 2026, not the 2025 baseline)."""
        last_year = (today or timezone.localdate()).year - 1
        first = self.start_year if self.follows_id else self.baseline_year
        return min(max(last_year, first), self.end_year)

    @property
    def years(self) -> range:
        """Every year a figure may be reported for: the baseline, then the plan's years."""
        return range(self.baseline_year, self.end_year + 1)

    def is_ended(self, today: datetime.date | None = None) -> bool:
        """The one rule for a plan that is over: closed (closed_on reached), so read-only.

        Its period ending is not enough: the final year's figures are reported, reviewed and
        evaluated in the year after it, so a plan stays writable until the city closes it."""
        return self.closed_on is not None and self.closed_on <= (today or timezone.localdate())

    def is_current(self, today: datetime.date | None = None) -> bool:
        """Not closed, and its period (baseline year included) has begun."""
        year = (today or timezone.localdate()).year
        return not self.is_ended(today) and self.baseline_year <= year


class Part(models.Model):
    """A part of the plan: 一(一)…(三) of 总体要求, the chapters 二(一)…(八), or 三 组织实施."""

    class Kind(models.TextChoices):
        OVERALL = "overall", _("overall requirements")
        KEY_TASKS = "key_tasks", _("key tasks")
        IMPLEMENTATION = "implementation", _("implementation")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=10, help_text=_("As numbered in the plan."))
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="part_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        # TODO when the models move: validators=[validate_single_line] on the field instead
        check_single_line(self, "title")


class TaskQuerySet(models.QuerySet):
    def with_departments(self) -> "TaskQuerySet":
        """Prefetch the departments in the plan's order (one query, whatever the count)."""
        return self.prefetch_related(
            models.Prefetch(
                "assignments",
                queryset=TaskDepartment.objects.select_related("department").order_by("position"),
            )
        )

    def led_by(self, department: Department) -> "TaskQuerySet":
        return self.filter(assignments__department=department, assignments__position=0)

    def co_operated_by(self, department: Department) -> "TaskQuerySet":
        return self.filter(assignments__department=department, assignments__position__gt=0)


class Task(models.Model):
    """A numbered task of the plan, e.g. 二(一)4 提升学生体质健康水平."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    slug = models.SlugField(_("short code"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    departments = models.ManyToManyField(
        Department, through="TaskDepartment", related_name="tasks", verbose_name=_("departments")
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["part__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="task_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("task_detail", args=[self.part.plan.slug, self.slug])

    def clean(self) -> None:
        # TODO when the models move: validators=[validate_single_line] on the field instead
        check_single_line(self, "title")

    @property
    def ordered_assignments(self) -> list["TaskDepartment"]:
        return sorted(self.assignments.all(), key=lambda assignment: assignment.position)

    @property
    def lead_department(self) -> Department | None:
        """The first department the plan names: the lead (牵头部门), as the plan says in 二(一)1."""
        assignments = self.ordered_assignments
        return assignments[0].department if assignments else None

    @property
    def co_operating_departments(self) -> list[Department]:
        return [assignment.department for assignment in self.ordered_assignments[1:]]


class TaskDepartment(models.Model):
    """A department named for a task; position 0 is the lead, the others co-operate."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("task department")
        verbose_name_plural = _("task departments")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="task_department_position"),
            models.UniqueConstraint(fields=["task", "department"], name="task_department_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} · {self.department}"

    @property
    def is_lead(self) -> bool:
        return self.position == 0


# The task ledger (任务台账): reporting rounds, departments' contributions, the lead department's
# report, attachments, supervision notices (督办单) and their notifications.


class ReportingRound(models.Model):
    """A half-year (or other) reporting round of a plan, e.g. 2025年下半年 (终期)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2025H2"))
    title = models.CharField(_("title"), max_length=50)
    period_end = models.DateField(_("period ends"))
    deadline = models.DateField(_("reporting deadline"))
    is_final = models.BooleanField(_("final round"), default=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["plan", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="round_unique_code"),
            models.CheckConstraint(
                name="round_deadline_after_period", condition=Q(deadline__gte=F("period_end"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # TODO when the models move: validators=[validate_single_line] on the field instead
        check_single_line(self, "title")

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


class LedgerState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class Contribution(models.Model):
    """What one department did for a task in a round (a co-operating department's part)."""

    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="contributions"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="contributions"
    )
    text = models.TextField(_("what was done"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    numbers = models.TextField(_("numbers"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=LedgerState.choices, default=LedgerState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["round", "task", "department__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "task", "department"], name="contribution_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.task.code} · {self.department}"

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return timezone.localdate() > self.round.deadline
        return timezone.localtime(self.submitted_at).date() > self.round.deadline


class TaskReport(models.Model):
    """The lead department's progress report on a task for a round, built from contributions."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("completed")
        ON_TRACK = "on_track", _("on schedule")
        LAGGING = "lagging", _("lagging behind")
        NOT_STARTED = "not_started", _("not started")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reports")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("progress report"), blank=True)
    status = models.CharField(_("task status"), max_length=12, choices=Status.choices, blank=True)
    lag_reason = models.TextField(_("reason for lagging"), blank=True)
    targets = models.ManyToManyField(
        "targets.Target", blank=True, related_name="task_reports", verbose_name=_("targets")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=LedgerState.choices, default=LedgerState.DRAFT
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        ordering = ["round", "task"]
        constraints = [
            models.UniqueConstraint(fields=["round", "task"], name="task_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.task.code}"

    @property
    def is_locked(self) -> bool:
        return self.state in (LedgerState.SUBMITTED, LedgerState.APPROVED)


class LedgerChange(models.Model):
    """The audit trail of contributions and task reports, like targets.FigureChange."""

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        API = "api", _("API")
        REVIEW = "review", _("review")
        DEMO = "demo", _("demo data")

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    report = models.ForeignKey(
        TaskReport, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=20)
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("ledger change")
        verbose_name_plural = _("ledger changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="ledger_change_one_subject",
                condition=Q(contribution__isnull=False, report__isnull=True)
                | Q(contribution__isnull=True, report__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution or self.report} {self.action}"

    @property
    def action_label(self) -> str:
        labels = {"save": _("saved"), "submit": _("submitted"), "approve": _("approved"),
                  "return": _("returned"), "demo": _("demo data")}  # fmt: skip
        return str(labels.get(self.action, self.action))


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # The stored name is ours (no user text in paths); the user's file name is kept in `name`.
    suffix = Path(filename).suffix.lower()[:10]
    return f"ledger/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """Evidence attached to a contribution, stored through Django's storage API."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A supervision notice (督办单), e.g. 淄教督〔2026〕3号, to a department or a district."""

    class State(models.TextChoices):
        ISSUED = "issued", _("awaiting reply")
        REPLIED = "replied", _("replied")
        SENT_BACK = "sent_back", _("sent back")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notices")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(_("number prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, null=True, blank=True
    )
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("target"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    subject = models.CharField(_("subject"), max_length=200)
    facts = models.TextField(_("facts"))
    requirements = models.TextField(_("what is required"))
    reply_deadline = models.DateField(_("reply deadline"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "sequence"], name="notice_unique_number"
            ),
            models.CheckConstraint(
                name="notice_one_recipient",
                condition=Q(department__isnull=False, district__isnull=True)
                | Q(department__isnull=True, district__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("notice_detail", args=[self.pk])

    def clean(self) -> None:
        # TODO when the models move: validators=[validate_single_line] on the field instead
        check_single_line(self, "subject")

    @property
    def number(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.sequence}号"

    @property
    def recipient(self):
        return self.department or self.district

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Awaiting a reply (issued, or sent back) after the reply deadline."""
        today = today or timezone.localdate()
        waiting = self.state in (self.State.ISSUED, self.State.SENT_BACK)
        return waiting and today > self.reply_deadline


class NoticeReply(models.Model):
    """The recipient's reply to a notice: the measures taken; the city admin accepts or not."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("measures taken"))
    replied_at = models.DateTimeField(_("replied at"), default=timezone.now)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_back_reason = models.TextField(_("reason for sending back"), blank=True)

    class Meta:
        verbose_name = _("notice reply")
        verbose_name_plural = _("notice replies")
        ordering = ["replied_at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.replied_at:%Y-%m-%d}"


class WebhookEndpoint(models.Model):
    """A group robot (企业微信 or 钉钉) of a department or a district."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("DingTalk 加签 only.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.CheckConstraint(
                name="webhook_one_owner",
                condition=Q(department__isnull=False, district__isnull=True)
                | Q(department__isnull=True, district__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department or self.district} · {self.get_kind_display()}"

    def clean(self) -> None:
        """Robots are reached over HTTPS at the robot hosts only (zibo_edu.lib.webhooks).
        TODO after the move to ledger/: validators=[validate_robot_url] on the field."""
        from django.core.exceptions import ValidationError

        from zibo_edu.lib.webhooks import robot_url_problem

        problem = robot_url_problem(self.url)
        if problem:
            raise ValidationError({"url": problem})
        if self.kind == self.Kind.WECOM and self.secret:
            raise ValidationError({"secret": _("Only DingTalk robots are signed with a secret.")})


class Delivery(models.Model):
    """One notification to one channel (an email, a robot), claimed once and sent once."""

    class Event(models.TextChoices):
        ROUND_OPENED = "round_opened", _("round opened")
        CONTRIBUTION_DUE = "contribution_due", _("contribution due")
        REPORT_RETURNED = "report_returned", _("report returned")
        NOTICE_ISSUED = "notice_issued", _("notice issued")
        NOTICE_OVERDUE = "notice_overdue", _("notice overdue")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    emails = models.JSONField(_("email recipients"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.endpoint or ', '.join(self.emails)}"


@receiver(models.signals.post_delete, sender=Attachment)
def delete_attachment_file(sender, instance: Attachment, **kwargs) -> None:
    """A deleted attachment (alone, or with its discarded contribution) takes its file along,
    once the deletion is committed, so nothing is left orphaned in the storage."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
