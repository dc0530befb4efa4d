"""The city admin publishes a built evaluation (终期评估, or 中期评估 for a year inside the plan)
on the plan's public page, or withdraws it; each step is audited (EvaluationChange). Only a
finished report of the whole city, as PDF or Word, may be published: never a district's, a
failed or unfinished one. Publishing a year's report in a format replaces the one published
before it (withdrawn, audited), so the public address of the year's document stays the same and
serves the newest. The public pages read what is published through plans.documents."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans import documents
from plans.models import Plan
from reports.evaluation_document import FORMATS
from reports.models import EvaluationChange, EvaluationReport

PUBLIC_FORMATS = ("pdf", "docx")


def why_not(report: EvaluationReport) -> str:
    """Why the report may not be published; "" when it may."""
    if report.state != EvaluationReport.State.DONE or not report.file:
        return _("it is not built yet (or its build failed)")
    if report.district_id is not None:
        return _("it is a district's evaluation, not the whole city's")
    if report.format not in PUBLIC_FORMATS:
        return _("only PDF and Word documents are published")
    return ""


def _log(report: EvaluationReport, action: str, user) -> None:
    EvaluationChange.objects.create(report=report, action=action, channel="admin", changed_by=user)


@transaction.atomic
def publish(report: EvaluationReport, *, user) -> bool:
    """Publish it (withdrawing the year's earlier one in its format); False when it already was.
    ValueError(why) when it may not be published."""
    reason = why_not(report)
    if reason:
        raise ValueError(reason)
    if report.published_at is not None:
        return False
    earlier = published_reports(report.plan).filter(year=report.year, format=report.format)
    for old in earlier.exclude(pk=report.pk):
        withdraw(old, user=user)
    report.published_at = timezone.now()
    report.save(update_fields=["published_at"])
    _log(report, EvaluationChange.Action.PUBLISH, user)
    documents.changed.send(sender=EvaluationReport, plan_ids=[report.plan_id])
    return True


@transaction.atomic
def withdraw(report: EvaluationReport, *, user) -> bool:
    if report.published_at is None:
        return False
    report.published_at = None
    report.save(update_fields=["published_at"])
    _log(report, EvaluationChange.Action.WITHDRAW, user)
    documents.changed.send(sender=EvaluationReport, plan_ids=[report.plan_id])
    return True


def published_reports(plan: Plan):
    return EvaluationReport.objects.filter(
        plan=plan,
        district__isnull=True,
        state=EvaluationReport.State.DONE,
        format__in=PUBLIC_FORMATS,
        published_at__isnull=False,
    )


def _kind(plan: Plan, year: int) -> str:
    return "final" if year >= plan.end_year else "midterm"


def _title(plan: Plan, year: int) -> str:
    if year >= plan.end_year:
        return _("Final evaluation (%(year)s)") % {"year": year}
    return _("Mid-term evaluation (%(year)s)") % {"year": year}


class Evaluations:
    """plans.documents' provider: the published evaluations of the whole city, one document a
    year, in the formats published; the newest published report of each."""

    def published(self, plan: Plan) -> list[documents.Document]:
        rows = (
            published_reports(plan)
            .order_by("-year", "format")
            .values_list("year", "format", "published_at")
        )
        years: dict[int, dict] = {}
        for year, fmt, at in rows:
            entry = years.setdefault(year, {"formats": [], "at": at})
            if fmt not in entry["formats"]:
                entry["formats"].append(fmt)
            entry["at"] = max(entry["at"], at)
        return [
            documents.Document(
                key=f"{_kind(plan, year)}-{year}",
                title=_title(plan, year),
                year=year,
                published_at=entry["at"],
                formats=tuple(sorted(entry["formats"], key=PUBLIC_FORMATS.index)),
            )
            for year, entry in years.items()
        ]

    def file(self, plan: Plan, key: str, fmt: str) -> documents.File | None:
        kind, _dash, year = key.partition("-")
        if fmt not in PUBLIC_FORMATS or not year.isdigit() or kind != _kind(plan, int(year)):
            return None
        report = (
            published_reports(plan)
            .filter(year=int(year), format=fmt)
            .order_by("-published_at", "-pk")
            .first()
        )
        if report is None:
            return None
        name = f"{plan.slug}-{key}.{fmt}"
        return documents.File(bytes(report.file), FORMATS[fmt], name)


provider = Evaluations()
