"""The task ledger (任务台账) as data: reporting rounds, departments' contributions, the lead
department's report, attachments, supervision notices (督办单) and their notifications."""

import datetime
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.audit import Change
from departments.models import City, Department
from plans.models import Plan, Task
from targets.completeness import is_past_deadline
from zibo_edu.lib.outbox import OutboxRow
from zibo_edu.lib.single_line import validate_single_line
from zibo_edu.lib.webhooks import validate_robot_url


class ReportingRound(models.Model):
    """A half-year (or other) reporting round of a plan, e.g. 2025年下半年 (终期)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("plan")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2025H2"))
    title = models.CharField(_("title"), max_length=50, validators=[validate_single_line])
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
        return self.label

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    @property
    def label(self) -> str:
        """The round's name in the reader's language: a half-year round as the default rounds
        name it (2025年下半年（终期）, "second half of 2025 (final)"); a round the city named
        otherwise, as it is named."""
        half = HALF_YEAR.fullmatch(self.code)
        if half is None or self.title != default_title(int(half[1]), int(half[2]), self.is_final):
            return self.title
        year, which = int(half[1]), int(half[2])
        name = (_("first half of %(year)s") if which == 1 else _("second half of %(year)s")) % {
            "year": year
        }
        return _("%(round)s (final)") % {"round": name} if self.is_final else name


HALF_YEAR = re.compile(r"(\d{4})H([12])")


def default_title(year: int, half: int, final: bool) -> str:
    """A half-year round's stored title, as the plan's documents write it: 2025年下半年（终期）."""
    return f"{year}年{'上' if half == 1 else '下'}半年" + ("（终期）" if final else "")


class LedgerState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class Contribution(models.Model):
    """What one department did for a task in a round (a co-operating department's part)."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("reporting round"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("task")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("department"),
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
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
        submitted = self.submitted_at
        day = timezone.localdate(submitted) if submitted else timezone.localdate()
        return is_past_deadline(self.round.deadline, day)


class TaskReport(models.Model):
    """The lead department's progress report on a task for a round, built from contributions."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("completed")
        ON_TRACK = "on_track", _("on schedule")
        LAGGING = "lagging", _("lagging behind")
        NOT_STARTED = "not_started", _("not started")

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("reporting round"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task")
    )
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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
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


class LedgerChange(Change):
    """The audit trail of contributions and task reports, like targets.FigureChange."""

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        API = "api", _("API")
        REVIEW = "review", _("review")
        DEMO = "demo", _("demo data")

    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("contribution"),
    )
    report = models.ForeignKey(
        TaskReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("task report"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta(Change.Meta):
        verbose_name = _("ledger change")
        verbose_name_plural = _("ledger changes")
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
        Contribution,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("contribution"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
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

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="notices", verbose_name=_("plan")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
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
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_single_line])
    facts = models.TextField(_("facts"))
    requirements = models.TextField(_("what is required"))
    reply_deadline = models.DateField(_("reply deadline"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
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
        return waiting and is_past_deadline(self.reply_deadline, today)


class NoticeReply(models.Model):
    """The recipient's reply to a notice: the measures taken; the city admin accepts or not."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="replies", verbose_name=_("notice")
    )
    text = models.TextField(_("measures taken"))
    replied_at = models.DateTimeField(_("replied at"), default=timezone.now)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
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
    url = models.URLField(_("webhook URL"), max_length=500, validators=[validate_robot_url])
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
        """The URL is checked by its field (https, a robot host: zibo_edu.lib.webhooks)."""
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.WECOM and self.secret:
            raise ValidationError({"secret": _("Only DingTalk robots are signed with a secret.")})


class Delivery(OutboxRow):
    """One notification to one channel (an email, a robot), claimed once and sent once: an outbox
    row (zibo_edu/lib/outbox.py), pending → sending → sent, or failed."""

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
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("robot"),
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
