"""Monthly progress reports: who receives them, and each report's way from pending to sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.audit import Change
from zibo_edu.lib.outbox import OutboxRow
from zibo_edu.lib.single_line import validate_single_line


class Recipient(models.Model):
    """Someone who receives a district's report by email (district empty: the city's report)."""

    city = models.ForeignKey(
        "departments.City",
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="report_recipients",
        help_text=_("The city whose reports they receive (taken from the district if any)."),
    )
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_recipients",
        help_text=_("Empty for the city-wide report."),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    email = models.EmailField(_("email"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        ordering = ["district__order", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs) -> None:
        """A district's recipient is its city's; a city report's names the city."""
        if self.district_id:
            self.city_id = self.district.city_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.district_id and self.city_id and self.district.city_id != self.city_id:
            raise ValidationError({"district": _("The district is not one of the city's.")})


class Report(OutboxRow):
    """One district's (or the city's) report on one plan for one month, generated and sent
    exactly once. The plan names the city: its title, its districts, its recipients.

    Each step claims the row with a conditional update that must change exactly one row, so a
    retried task, a second worker or a beat firing twice cannot render or send it twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        GENERATING = "generating", _("generating")
        GENERATED = "generated", _("generated")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reports"
    )
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    sent_to = models.TextField(_("sent to"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # state_since, queued_at, sweeps: an outbox row (zibo_edu/lib/outbox.py)
    deliver = models.BooleanField(
        _("to be mailed"), default=False, help_text=_("Asked by the schedule or the admin.")
    )
    # Deliveries asked by the admin's "send again": part of the Message-ID, so that a resend is a
    # new message while a repeat after a crash keeps the same one.
    resent = models.PositiveSmallIntegerField(_("sent again"), default=0)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-month", "district__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "district", "month"],
                condition=models.Q(district__isnull=False),
                name="report_once_per_plan_district_month",
            ),
            models.UniqueConstraint(
                fields=["plan", "month"],
                condition=models.Q(district__isnull=True),
                name="report_once_per_plan_city_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.district or _('city')} {self.month:%Y-%m}"

    @property
    def filename(self) -> str:
        slug = self.district.slug if self.district else "city"
        return f"{self.plan.slug}-progress-{slug}-{self.month:%Y-%m}.pdf"


class EvaluationReport(OutboxRow):
    """An evaluation of a plan (final, or mid-term for a year inside it) rendered in one format,
    built by a worker and kept in the archive: an outbox row, queued → building → done."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (.docx)"
        XLSX = "xlsx", "Excel (.xlsx)"

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        BUILDING = "building", _("building")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey(
        "departments.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        help_text=_("Empty for the whole city."),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.BinaryField(_("file"), null=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Published by the city admin on the plan's public page (reports.publishing); never a draft.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.year} {self.district or _('city')} {self.format}"

    @property
    def filename(self) -> str:
        scope = self.district.slug if self.district else "city"
        return f"{self.plan.slug}-evaluation-{self.year}-{scope}.{self.format}"


class EvaluationChange(Change):
    """The audit of publishing evaluations: who published a built evaluation on the plan's
    public page or withdrew it, and when."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("published")
        WITHDRAW = "withdraw", _("withdrawn")

    report = models.ForeignKey(
        EvaluationReport,
        verbose_name=_("evaluation report"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(Change.Meta):
        verbose_name = _("evaluation publication change")
        verbose_name_plural = _("evaluation publication changes")

    def __str__(self) -> str:
        return f"{self.report} {self.action}"
