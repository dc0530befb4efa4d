"""Quantitative targets of a plan: what is measured, how, and what value is due when."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from departments.access import (
    city_id_of,
    headed_department,
    is_city_admin,
    is_province,
    staff_district_id,
)
from departments.audit import Change
from departments.models import Department
from plans.models import Plan, Task, TaskDepartment
from zibo_edu.lib.outbox import OutboxRow
from zibo_edu.lib.single_line import validate_single_line


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

    class Binding(models.TextChoices):
        """属性 in a plan's 主要指标 table: 约束性 targets bind (they are decomposed to the
        districts, who answer for them), 预期性 ones guide. A plan without the column: 未标注."""

        BINDING = "binding", pgettext_lazy("target binding", "binding")
        EXPECTED = "expected", pgettext_lazy("target binding", "expected")
        UNMARKED = "", pgettext_lazy("target binding", "not marked")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("code"), max_length=30)
    indicator = models.SlugField(
        _("indicator key"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_(
            "A short stable name of what is measured (kindergarten-public-share): the same "
            "indicator across plans and across cities."
        ),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
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
    binding = models.CharField(
        _("binding or expected"),
        max_length=10,
        choices=Binding.choices,
        blank=True,
        default="",
        help_text=_(
            "约束性 (binding) or 预期性 (expected), as the plan's table of main indicators says; "
            "empty when the plan does not say."
        ),
    )
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    reported_by = models.CharField(_("reported by"), max_length=10, choices=Reporter.choices)
    measure_unit = models.CharField(
        _("unit of the figure"),
        max_length=20,
        blank=True,
        help_text=_(
            "When the reported figure has another unit than the target (年均增长% ← 万元)."
        ),
    )
    per_head = models.BooleanField(
        _("per head"),
        default=False,
        help_text=_("The figure is per student (生均…): district figures are not summed."),
    )
    numerator_may_exceed = models.BooleanField(
        _("numerator may exceed the denominator"),
        default=False,
        help_text=_(
            "Yes for a ratio of two different things (督学 per 幼儿园, teachers' pay against civil "
            "servants'); no where the numerator counts part of the denominator (compliant schools "
            "out of all schools)."
        ),
    )
    doubt = models.TextField(
        _("doubtful number"),
        blank=True,
        help_text=_(
            "Why the number in the plan's text is doubtful and should be confirmed; empty when "
            "it is not."
        ),
    )
    doubt_reading = models.CharField(
        _("likely reading"),
        max_length=100,
        blank=True,
        help_text=_("The wording the value follows when the printed one is doubtful (1—2项)."),
    )
    numerator_label = models.CharField(
        _("numerator"), max_length=100, blank=True, validators=[validate_single_line]
    )
    denominator_label = models.CharField(
        _("denominator"), max_length=100, blank=True, validators=[validate_single_line]
    )
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

    class Entry(models.TextChoices):
        """What a figure of this target is entered as."""

        FRACTION = "fraction", _("numerator and denominator")
        WHOLE = "whole", _("whole number")
        AMOUNT = "amount", _("amount")
        YES_NO = "yes_no", _("yes or no")
        MILESTONE = "milestone", _("done, with date")

    @cached_property
    def entry(self) -> "Target.Entry":
        if self.numerator_label and self.denominator_label:
            return self.Entry.FRACTION
        if self.kind in (self.Kind.COUNT, self.Kind.DISTRICT_MINIMUM):
            return self.Entry.WHOLE
        if self.kind == self.Kind.DISTRICT_SHARE:
            return self.Entry.YES_NO
        if self.kind == self.Kind.MILESTONE:
            return self.Entry.MILESTONE
        return self.Entry.AMOUNT

    @property
    def is_average_change(self) -> bool:
        """An annual change the plan states as an average over the years (年均增长10%左右),
        judged by its compound rate from the baseline, not year by year like 每年降低 or
        逐年只增不减 (targets.progress.average_change)."""
        return self.kind == self.Kind.ANNUAL_CHANGE and "年均" in (self.value_text or self.name)

    @cached_property
    def is_percentage(self) -> bool:
        """A fraction read in percent (a rate, teachers' pay against civil servants'), unlike a
        per-unit ratio such as 督学/幼儿园 read as so many per `per_units`."""
        return self.entry == self.Entry.FRACTION and self.kind != self.Kind.UNIT_RATIO

    def measure(self, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """The one rule for a fraction in the target's terms: percent for rates, so many per
        `per_units` for unit ratios (26 督学 / 119 幼儿园 with per_units 5 reads 1.09)."""
        if numerator is None or not denominator:
            return None
        share = numerator / denominator
        return share * 100 if self.is_percentage else share * self.per_units

    @property
    def figure_unit(self) -> str:
        if self.entry == self.Entry.FRACTION:
            return "%" if self.is_percentage else ""
        return self.measure_unit or self.unit

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


class ReportingPeriod(models.Model):
    """One plan year's reporting round: its submission deadline and the rules that go with it."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_periods", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("submission deadline"))
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind days before"),
        default=7,
        help_text=_("District staff are emailed their missing figures this many days before."),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("overdue reminder every (days)"),
        default=7,
        help_text=_(
            "After the deadline, districts whose figures are not all in are reminded again at "
            "this interval until they are; 0: no overdue reminders."
        ),
    )
    change_note_threshold = models.DecimalField(
        _("change needing a note (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        help_text=_("A figure that moves more than this from last year's needs a note."),
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="reporting_period_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.year}"


class FigureQuerySet(models.QuerySet):
    def filled(self) -> "FigureQuerySet":
        """Figures with something entered (Figure.is_filled, in SQL); a note alone is none."""
        return self.filter(
            models.Q(numerator__isnull=False)
            | models.Q(denominator__isnull=False)
            | models.Q(value__isnull=False)
            | models.Q(achieved__isnull=False)
        )

    def for_user(self, user) -> "FigureQuerySet":
        """The one scoping rule: what figures a user may see.

        District staff: their district's. Department heads: every district's figures of the
        targets whose tasks their department leads or co-operates on. The city admin: all of the
        city's; the province: all. Others: none.
        """
        if is_city_admin(user) or is_province(user):
            city = city_id_of(user)
            return self.all() if city is None else self.filter(target__task__part__plan__city=city)
        district_id = staff_district_id(user)
        if district_id is not None:
            return self.filter(district=district_id)
        department = headed_department(user)
        if department is not None:
            return self.filter(target__in=Target.objects.involving(department).values("pk"))
        return self.none()


class Figure(models.Model):
    """A target's figure for one district (or the city) and one year.

    A rate keeps numerator and denominator (the percentage is derived, never stored); a count or an
    amount keeps `value`; a yes/no criterion or a milestone keeps `achieved` (and `achieved_on`).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="figures"
    )
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        help_text=_("Empty for a city-level figure."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    numerator = models.DecimalField(
        _("numerator"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text=_("A successor plan's baseline figure: the predecessor's final figure."),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["target__task__part__order", "target__task__number", "target__order", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "district", "year"],
                condition=models.Q(district__isnull=False),
                name="figure_once_per_district_year",
            ),
            models.UniqueConstraint(
                fields=["target", "year"],
                condition=models.Q(district__isnull=True),
                name="figure_once_per_city_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} · {self.district or _('city')} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("figure_detail", args=[self.pk])

    @property
    def percentage(self) -> Decimal | None:
        """numerator / denominator in percent, for rates and ratios."""
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator * 100 / self.denominator

    @property
    def measure(self) -> Decimal | None:
        """A fraction in its target's terms (Target.measure): what every page shows."""
        return self.target.measure(self.numerator, self.denominator)

    @property
    def is_locked(self) -> bool:
        """Approved: only the city admin can reopen it."""
        return self.state == self.State.APPROVED

    @property
    def is_carried(self) -> bool:
        """A successor plan's baseline figure taken from the predecessor's final figure
        (targets.succession): it changes with its source, never by hand."""
        return self.carried_from_id is not None

    @property
    def is_editable(self) -> bool:
        """Drafts and returned figures can be changed; submitted ones wait for review; a
        carried-over figure is never typed again."""
        return self.state in (self.State.DRAFT, self.State.RETURNED) and not self.is_carried

    @property
    def is_filled(self) -> bool:
        return any(
            v is not None for v in (self.numerator, self.denominator, self.value, self.achieved)
        )


class FigureChange(Change):
    """The audit trail: every change of a figure, who made it, through what, old → new."""

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("figure action", "created")
        UPDATE = "update", pgettext_lazy("figure action", "changed")
        SUBMIT = "submit", pgettext_lazy("figure action", "submitted")
        APPROVE = "approve", pgettext_lazy("figure action", "approved")
        RETURN = "return", pgettext_lazy("figure action", "returned")
        REOPEN = "reopen", pgettext_lazy("figure action", "reopened")
        RESTORE = "restore", pgettext_lazy("figure action", "restored")

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        EXCEL = "excel", _("Excel")
        CSV = "csv", _("CSV")
        API = "api", _("API")
        ADMIN = "admin", _("admin")
        REVIEW = "review", _("review")
        COMMAND = "command", _("command line")
        DEMO = "demo", _("demo data")
        STATISTICS = "statistics", _("education statistics")

    figure = models.ForeignKey(
        Figure, on_delete=models.CASCADE, related_name="changes", verbose_name=_("figure")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(Change.Meta):
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")

    def __str__(self) -> str:
        return f"{self.figure} {self.action} {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def before(self) -> list[tuple[str, str]]:
        """The old values as people read them: [("分子", "16000"), ("比率", "52.0%"), …]."""
        return describe_values(self.figure.target, self.old)

    @property
    def after(self) -> list[tuple[str, str]]:
        return describe_values(self.figure.target, self.new)

    @property
    def restorable(self) -> bool:
        """A change that left values behind (not a state change, not the demo's bare record)."""
        return self.action in (self.Action.CREATE, self.Action.UPDATE, self.Action.RESTORE) and any(
            name in self.new for name in SNAPSHOT_FIELDS
        )

    @property
    def offers_restore(self) -> bool:
        """Restorable, and not what the figure holds now (restoring it would change nothing)."""
        if not self.restorable:
            return False
        from targets.figures import FigureInput  # figures builds on this module

        now = FigureInput.of(self.figure).snapshot()
        return now != {name: self.new[name] for name in SNAPSHOT_FIELDS if name in self.new}


SNAPSHOT_FIELDS = ("numerator", "denominator", "value", "achieved", "achieved_on", "note", "source")


def describe_values(target: Target, values: dict) -> list[tuple[str, str]]:
    """A snapshot of the audit trail (field name → JSON value) in the field's label and the
    figure's terms; a fraction also gets its measure, read as every page reads it."""
    rows = []
    for name in (*SNAPSHOT_FIELDS, "state"):
        raw = values.get(name)
        if raw is None or raw == "":
            continue
        label = Figure._meta.get_field(name).verbose_name
        if name == "state":
            shown = Figure.State(raw).label if raw in Figure.State.values else raw
        elif name == "achieved":
            shown = _("yes") if raw else _("no")
        elif name in ("numerator", "denominator"):
            shown = _plain(Decimal(raw))
        elif name == "value":
            shown = f"{_plain(Decimal(raw))} {target.figure_unit}".strip()
        else:
            shown = raw
        rows.append((str(label), str(shown)))
        if name == "denominator" and values.get("numerator") is not None:
            measure = target.measure(Decimal(values["numerator"]), Decimal(raw))
            if measure is not None:
                from targets.display import percent  # display imports this module

                shown = percent(measure) if target.is_percentage else f"{measure:.2f}"
                rows.append((str(_("ratio")), shown))
    return rows


class FigureImport(models.Model):
    """An uploaded workbook or CSV, kept from preview to confirmation, and after as a record."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    fingerprint = models.CharField(
        _("state of the figures at preview"),
        max_length=64,
        help_text=_("Confirming refuses if it changed."),
    )
    seen = models.JSONField(
        _("figures as previewed"),
        default=list,
        blank=True,
        help_text=_("Each figure the file touches and its version at preview (0: absent)."),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("figure import")
        verbose_name_plural = _("figure imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class OutgoingMail(OutboxRow):
    """An email of the targets app as an outbox row (zibo_edu/lib/outbox.py): written, subject,
    body and recipients, in the transaction that decides it, sent after the commit by a task that
    claims it (queued → sending → sent, or failed after MAX_ATTEMPTS)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)  # comma-separated
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), null=True, blank=True, default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def addresses(self) -> list[str]:
        return [address.strip() for address in self.recipients.split(",") if address.strip()]

    @property
    def is_sent(self) -> bool:
        return self.state == self.State.SENT

    @property
    def waits_for_the_queue(self) -> bool:
        """Recorded but never handed to the task queue (it could not be reached): the outbox
        sweep sends it once the queue is back."""
        return self.state == self.State.QUEUED and self.queued_at is None


class Reminder(OutgoingMail):
    """One reminder email to a district for a reporting period on one day; claimed when it is
    decided (one per period, district and day), so a retried task, a second beat or a click on
    "remind now" never sends it twice."""

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("reporting period"),
    )
    district = models.ForeignKey(
        "departments.District",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("district"),
    )

    class Kind(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        OVERDUE = "overdue", _("overdue reminder")
        MANUAL = "manual", _("by hand")

    sent_on = models.DateField(_("sent on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BEFORE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    missing = models.PositiveIntegerField(_("missing figures"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)  # made up by the demo loader

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "district", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.period.year} {self.sent_on}"


class ReturnEmail(OutgoingMail):
    """The email telling a district's staff which of its figures were just returned and why,
    written in the transaction of the return."""

    district = models.ForeignKey(
        "departments.District",
        on_delete=models.CASCADE,
        related_name="return_emails",
        verbose_name=_("district"),
    )

    class Meta:
        verbose_name = _("return email")
        verbose_name_plural = _("return emails")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.district} {self.subject}"


class Standing(models.Model):
    """A target's progress as computed by targets.progress, stored for fast dashboards.

    One row per target, district (empty for the city), as-of year and figure basis (approved
    only, or with submitted figures too). Recomputed by targets.standings.refresh whenever a
    figure of the target changes; never edited by hand.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="standings")
    # No index of its own: PostgreSQL took the city's rows (NULL) to lie together and read every
    # city row of every year through it for the province page (20,000 rows for 850 wanted);
    # every query of standings names the targets, which the constraints' indexes lead with.
    district = models.ForeignKey(
        "departments.District",
        on_delete=models.CASCADE,
        null=True,
        related_name="standings",
        db_index=False,
    )
    as_of = models.PositiveSmallIntegerField()
    approved_only = models.BooleanField()
    status = models.CharField(max_length=12)
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    year = models.PositiveSmallIntegerField(null=True)
    expected = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    ratio = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    met = models.PositiveIntegerField(null=True)
    total = models.PositiveIntegerField(null=True)
    provisional = models.BooleanField(default=False)
    figure_id = models.PositiveBigIntegerField(null=True)
    behind = models.BooleanField(default=False)
    lagging = models.PositiveIntegerField(null=True)  # city rows: how many districts are behind
    series = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target", "district", "as_of", "approved_only"],
                condition=models.Q(district__isnull=False),
                name="standing_once_per_district",
            ),
            models.UniqueConstraint(
                fields=["target", "as_of", "approved_only"],
                condition=models.Q(district__isnull=True),
                name="standing_once_for_the_city",
            ),
        ]
        indexes = [models.Index(fields=["as_of", "approved_only", "target", "behind"])]

    def __str__(self) -> str:
        return f"{self.target_id}/{self.district_id or 'city'}/{self.as_of}: {self.status}"


def document_path(instance, filename: str) -> str:
    # The stored name is ours (no user text in paths); the user's file name is kept in `file_name`.
    suffix = Path(filename).suffix.lower()[:10]
    return f"targets/documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class GoalDocument(models.Model):
    """The document behind a change of what a target asks: a 目标责任书 setting the districts'
    values, or the approval of a 规划调整. Its title, 文号 and date, and the file if one is kept
    (checked by zibo_edu.lib.uploads, stored through Django's storage like ledger attachments)."""

    title = models.CharField(_("document title"), max_length=200, validators=[validate_single_line])
    number = models.CharField(
        _("document number"), max_length=50, validators=[validate_single_line]
    )
    issued_on = models.DateField(_("document date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def citation(self) -> str:
        """《淄博市教育目标责任书》（淄教发〔2023〕5号）."""
        return f"《{self.title}》（{self.number}）"


class Decomposition(GoalDocument):
    """A 分解目标: the document (目标责任书) that gave a target a value per district. The
    latest one of a target holds its districts' values (`DistrictGoal`); earlier ones stay as
    the record."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="decompositions", verbose_name=_("target")
    )

    class Meta:
        verbose_name = _("decomposition to districts")
        verbose_name_plural = _("decompositions to districts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target.code} {self.citation}"


class DistrictGoal(models.Model):
    """A district's own value of a target (分解目标值), set by a decomposition: the district is
    judged against it, the city against the city's value (targets.progress.goal_of)."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="district_goals", verbose_name=_("target")
    )
    district = models.ForeignKey(
        "departments.District",
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("district"),
    )
    value = models.DecimalField(_("district's target value"), max_digits=12, decimal_places=2)
    decomposition = models.ForeignKey(
        Decomposition,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name=_("decomposition to districts"),
    )

    class Meta:
        verbose_name = _("district's target value")
        verbose_name_plural = _("districts' target values")
        constraints = [
            models.UniqueConstraint(fields=["target", "district"], name="district_goal_once")
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.district}: {_plain(self.value)}"


class TargetAdjustment(GoalDocument):
    """A 规划调整: a target's value or deadline year changed after the plan was issued, with the
    reason and the approving document. The target holds the adjusted value; the first adjustment's
    `old_value` / `old_year` are the plan's original ones."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("target")
    )
    old_value = models.DecimalField(
        _("value before"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("value after"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    old_year = models.PositiveSmallIntegerField(_("deadline year before"))
    new_year = models.PositiveSmallIntegerField(_("deadline year after"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("adjustment of a target")
        verbose_name_plural = _("adjustments of targets")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.target.code} {self.citation}"


class GoalChange(Change):
    """The audit trail of what targets ask: decompositions set and adjustments made (old → new,
    who, when, through which channel)."""

    class Action(models.TextChoices):
        DECOMPOSE = "decompose", _("values per district set")
        ADJUST = "adjust", _("target adjusted")

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        EXCEL = "excel", _("Excel")
        ADMIN = "admin", _("admin")

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="goal_changes", verbose_name=_("target")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(Change.Meta):
        verbose_name = _("change of a target")
        verbose_name_plural = _("changes of targets")

    def __str__(self) -> str:
        return f"{self.target.code} {self.action} {self.changed_at:%Y-%m-%d %H:%M}"


@receiver(models.signals.post_delete, sender=Decomposition)
@receiver(models.signals.post_delete, sender=TargetAdjustment)
def delete_document_file(sender, instance: GoalDocument, **kwargs) -> None:
    """A deleted record takes its file along once the deletion is committed."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
