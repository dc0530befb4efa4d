"""What the public may see of a plan (政务公开): whether the city admin published it, which of its
targets are withheld and why, and the audit of every publish and withhold."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.audit import Change
from plans.models import Plan
from targets.models import Target


class Publication(models.Model):
    """A plan's public state. `version` grows whenever what the public sees may have changed (a
    publish, a withhold, an approved or reopened figure): the public pages' cache key holds it,
    so every process drops its cached pages at once, without a shared cache."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="publication"
    )
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return str(self.plan)


class Withholding(models.Model):
    """A target of a published plan kept off the public pages, with the reason."""

    target = models.OneToOneField(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="withholding"
    )
    reason = models.TextField(_("reason"))
    withheld_at = models.DateTimeField(_("withheld at"), auto_now_add=True)

    class Meta:
        verbose_name = _("withheld target")
        verbose_name_plural = _("withheld targets")

    def __str__(self) -> str:
        return str(self.target)


class PublicationChange(Change):
    """The audit of publishing: who published or unpublished a plan, withheld or released a
    target, when, and why (the comment)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("published")
        UNPUBLISH = "unpublish", _("unpublished")
        WITHHOLD = "withhold", _("withheld")
        RELEASE = "release", _("released")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="publication_changes"
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication_changes",
    )

    class Meta(Change.Meta):
        verbose_name = _("publication change")
        verbose_name_plural = _("publication changes")

    def __str__(self) -> str:
        return f"{self.plan} {self.action}"
