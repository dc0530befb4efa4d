"""Quantitative targets of a plan: what is measured, how, and what value is due when."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from plans.models import Plan, Task, TaskDepartment


class TargetQuerySet(models.QuerySet):
    def of_plan(self, plan: Plan) -> "TargetQuerySet":
        return self.filter(task__part__plan=plan)

    def led_by(self, department: Department) -> "TargetQuerySet":
        return self.filter(task__assignments__department=department, task__assignments__position=0)

    def involving(self, department: Department) -> "TargetQuerySet":
        """Targets of every task the department leads or co-operates on."""
        return self.filter(task__assignments__department=department).distinct()

    def for_listing(self) -> "TargetQuerySet":
        """Everything a list of targets shows, in a constant number of queries."""
        return self.select_related("task__part__plan").prefetch_related(
            models.Prefetch(
                "task__assignments",
                queryset=TaskDepartment.objects.select_related("department").order_by("position"),
            )
        )


class Target(models.Model):
    """A quantitative target, tied to its task and to the exact sentence of the plan it comes from.

    How the value reads depends on the kind:
    - rate: numerator / denominator in percent (城市值 = Σ分子 / Σ分母);
    - count: a number of things, city-wide unless the scope says otherwise;
    - district minimum: every district must reach the value (每个区县至少…);
    - annual change: the yearly change of a measure, in percentage points or percent;
    - district share: the percentage of districts that meet a yes/no criterion;
    - milestone: done by the end of the deadline year (no value);
    - unit ratio: numerator / denominator must reach value / per_units (每5所幼儿园配备1名).
    """

    class Kind(models.TextChoices):
        RATE = "rate", _("rate")
        COUNT = "count", _("count")
        DISTRICT_MINIMUM = "district_minimum", _("per-district minimum")
        ANNUAL_CHANGE = "annual_change", _("annual change")
        DISTRICT_SHARE = "district_share", _("share of districts")
        MILESTONE = "milestone", _("dated milestone")
        UNIT_RATIO = "unit_ratio", _("per-unit ratio")

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", "≥"
        MORE_THAN = "gt", ">"
        AT_MOST = "lte", "≤"
        LESS_THAN = "lt", "<"
        ABOUT = "about", "≈"

    class Direction(models.TextChoices):
        INCREASE = "increase", _("increase")
        DECREASE = "decrease", _("decrease")

    class Scope(models.TextChoices):
        CITY = "city", _("city-wide")
        DISTRICT = "district", _("each district")
        TOWN = "town", _("each town")
        SCHOOL = "school", _("each school")
        STUDENT = "student", _("each student")
        INSTITUTION = "institution", _("each institution")

    class Reporter(models.TextChoices):
        DISTRICTS = "districts", _("districts")
        CITY = "city", _("city")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    comparator = models.CharField(
        _("comparator"), max_length=5, choices=Comparator.choices, blank=True
    )
    value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    per_units = models.PositiveIntegerField(
        _("per units"), default=1, help_text=_("For unit ratios: 每5所…配备1名 has per_units 5.")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    every_year = models.BooleanField(_("every year"), default=False)
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    numerator_label = models.CharField(_("numerator"), max_length=100, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=100, blank=True)
    value_text = models.CharField(
        _("value as worded"),
        max_length=100,
        help_text=_("The words of the plan stating the value."),
    )
    source_sentence = models.TextField(_("source sentence"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["task__part__order", "task__number", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "code"], name="target_unique_code"),
            models.CheckConstraint(
                name="target_value_unless_milestone",
                condition=models.Q(kind="milestone", value__isnull=True)
                | (~models.Q(kind="milestone") & models.Q(value__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return f"{self.task.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """An ASCII fragment for links: 二(一)6-3 -> target-2-1-6-3."""
        return f"target-{self.task.slug}-{self.order}"

    @property
    def lead_department(self) -> Department | None:
        return self.task.lead_department

    @property
    def requirement(self) -> str:
        """The target in a few symbols: "≥ 55%", "≈ 10 个", "≥ 1 名 / 5 幼儿园", "2022年底前"."""
        if self.kind == self.Kind.MILESTONE:
            return _("by the end of %(year)s") % {"year": self.deadline_year}
        value = _plain(self.value)
        unit = self.unit if self.unit == "%" else f" {self.unit}" if self.unit else ""
        text = f"{self.get_comparator_display()} {value}{unit}"
        if self.kind == self.Kind.UNIT_RATIO and self.per_units != 1:
            text += f" / {self.per_units} {self.denominator_label.removesuffix('数')}"
        if self.kind == self.Kind.ANNUAL_CHANGE:
            text = f"{self.get_direction_display()} {text}"
        return text


def _plain(value: Decimal | None) -> str:
    """55.00 -> "55", 0.50 -> "0.5"."""
    if value is None:
        return ""
    return format(value.normalize(), "f")
