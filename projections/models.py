"""Births by district and year (出生人口, from the 卫健 statistics): what the entry grades of the
school-age population projection (学龄人口预测) are carried from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.audit import Change
from departments.models import District
from zibo_edu.lib.single_line import validate_single_line

FIRST_YEAR, LAST_YEAR = 1990, 2100


class Births(models.Model):
    """One district's births in one calendar year."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="births"
    )
    year = models.PositiveSmallIntegerField(_("year of birth"))
    births = models.PositiveIntegerField(_("births"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Where the number comes from, e.g. 区卫生健康局 出生登记 2025."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("births")
        verbose_name_plural = _("births")
        ordering = ["district", "year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="births_once_per_year"),
            models.CheckConstraint(
                name="births_year_in_range",
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district.name} {self.year}"


class BirthsChange(Change):
    """The audit trail of births: every entry, import and correction (written by
    projections.births.record only)."""

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        IMPORT = "import", _("import")
        DEMO = "demo", _("demo")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year of birth"))

    class Meta(Change.Meta):
        verbose_name = _("births change")
        verbose_name_plural = _("births changes")
