"""A five-year plan as data: its parts, its numbered tasks and the departments of each task."""

import datetime
import re

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.models import City, Department
from zibo_edu.lib.single_line import validate_single_line

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
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
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

    def is_reporting_final(self, today: datetime.date | None = None) -> bool:
        """Its period is over but it is not closed: its final year's figures are being
        reported, reviewed and evaluated (十四五 in 2026). No longer the current plan."""
        year = (today or timezone.localdate()).year
        return not self.is_ended(today) and self.end_year < year

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

    # The parts whose tasks departments carry out and report on (the task ledger, notices):
    # the chapters of 二、重点任务 and the items of 三、组织实施. 一、总体要求 has no tasks to do.
    WORKED_KINDS = (Kind.KEY_TASKS, Kind.IMPLEMENTATION)

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="parts", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=10, help_text=_("As numbered in the plan."))
    title = models.CharField(_("title"), max_length=100, validators=[validate_single_line])
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


class TaskQuerySet(models.QuerySet):
    def with_departments(self) -> "TaskQuerySet":
        """Prefetch the departments in the plan's order (one query, whatever the count)."""
        return self.prefetch_related(
            models.Prefetch(
                "assignments",
                queryset=TaskDepartment.objects.select_related("department").order_by("position"),
            )
        )

    def worked(self) -> "TaskQuerySet":
        """The tasks departments carry out and report on (Part.WORKED_KINDS)."""
        return self.filter(part__kind__in=Part.WORKED_KINDS)

    def led_by(self, department: Department) -> "TaskQuerySet":
        return self.filter(assignments__department=department, assignments__position=0)

    def co_operated_by(self, department: Department) -> "TaskQuerySet":
        return self.filter(assignments__department=department, assignments__position__gt=0)


class Task(models.Model):
    """A numbered task of the plan, e.g. 二(一)4 提升学生体质健康水平."""

    part = models.ForeignKey(
        Part, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("part")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    slug = models.SlugField(_("short code"), max_length=20)
    title = models.CharField(_("title"), max_length=100, validators=[validate_single_line])
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

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("department"),
    )
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
