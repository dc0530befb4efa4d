"""The parts of a county 督导 evaluation the statistics do not give: each item of 政府保障程度 and
教育质量 (or the preschool method's 政府保障 and 保教质量保障), met / not met / not assessed with a
note and an evidence file; 社会认可度 as a percentage; for 普及普惠 the county's population aged
3–5 (the denominator of 毛入园率); and whether the county was certified (通过国家督导评估认定).
Recorded per county, kind and school year by the city admin, every change audited."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.audit import Change
from departments.models import District


class Kind(models.TextChoices):
    BALANCED = "balanced", _("quality-balanced compulsory education")
    PRESCHOOL = "preschool", _("universal and affordable pre-school education")


class Status(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("not assessed")
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")


# Parts with no number: one row each per county, kind and school year.
RECOGNITION = "recognition"
POPULATION = "population"
CERTIFICATION = "certification"


def evidence_path(item: "CountyItem", filename: str) -> str:
    # The stored name is ours (no user text in paths); the user's file name is kept in a field.
    suffix = Path(filename).suffix.lower()[:10]
    return f"inspections/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CountyItem(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("evaluation"), max_length=10, choices=Kind.choices)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    part = models.CharField(_("part"), max_length=20)  # government, quality, recognition, …
    number = models.PositiveSmallIntegerField(_("item"), default=0)  # 1… within its part
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_ASSESSED
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("content type"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("county evaluation item")
        verbose_name_plural = _("county evaluation items")
        ordering = ["district", "kind", "school_year", "part", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "school_year", "part", "number"],
                name="county_item_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.school_year} {self.kind} {self.part} {self.number}"


class CountyItemChange(Change):
    """The audit trail of county items (departments.audit.Change's shape)."""

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        DEMO = "demo", _("demo data")

    item = models.ForeignKey(
        CountyItem, on_delete=models.CASCADE, related_name="changes", verbose_name=_("item")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta(Change.Meta):
        verbose_name = _("county item change")
        verbose_name_plural = _("county item changes")
