"""What the public sees of a published plan, as plain data: one function per page (the plan, a
target, a district) and the whole plan as one table. The pages, their CSV and JSON downloads and
the API all show what these return, so they never disagree.

Only approved figures reach here (targets.progress.load_points and the stored standings on the
approved basis), of targets not withheld; no note, source, return reason, user or attachment is
ever read. Statuses are judged as of the data year (`data_year`): the last year whose figures
are final (approved, none waiting), and no later year's figure is shown.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import District
from plans import documents
from plans.models import Plan
from schools import indicators
from targets import goals, standings
from targets.display import (
    binding_label,
    city_level,
    describe,
    goal_used,
    level,
    requirement,
    unit_of,
)
from targets.models import Figure, Target
from targets.progress import ORDER, Progress, Status, city_at, load_points, measure, series_of
from zibo_edu.lib.charts import Series, city_line, line_chart, other_districts

LICENCE = "CC BY 4.0 https://creativecommons.org/licenses/by/4.0/"


def target_key(target: Target) -> str:
    """A target's stable public key: its indicator key, else its place in the plan."""
    return target.indicator or f"{target.task.slug}-{target.order}"


def public_targets(plan: Plan) -> list[Target]:
    """The plan's targets the public sees: every one not withheld, in the plan's order."""
    return list(
        Target.objects.of_plan(plan)
        .filter(withholding__isnull=True)
        .for_listing()
        .order_by("task__part__order", "task__number", "order")
    )


@dataclass
class Basis:
    """What every public page of a plan rests on."""

    plan: Plan
    targets: list[Target]
    districts: list[District]
    year: int  # the data year: statuses are as of it
    updated: datetime.datetime | None  # the last approval of a figure shown
    root: str = ""  # where the pages' links start: the public pages, or the admin's preview

    def __post_init__(self) -> None:
        self.root = self.root or f"/public/{self.plan.slug}/"

    def by_key(self, key: str) -> Target:
        for target in self.targets:
            if target_key(target) == key:
                return target
        raise Http404

    def district(self, slug: str) -> District:
        for district in self.districts:
            if district.slug == slug:
                return district
        raise Http404


def data_year(plan: Plan, targets: list[Target]) -> int:
    """The last year whose figures are final: some approved, none still waiting for review or
    correction (entered, submitted or returned), up to the year being reported. A year still
    under review is not shown, so the public never reads a verdict of half a year's figures."""
    figures = Figure.objects.filter(
        target__in=[t.pk for t in targets], year__lte=plan.reporting_year()
    )
    approved = set(
        figures.filter(state=Figure.State.APPROVED).values_list("year", flat=True).distinct()
    )
    waiting = set(
        figures.filled().exclude(state=Figure.State.APPROVED).values_list("year", flat=True)
    )
    final = approved - waiting
    return max(final or approved or {plan.baseline_year})


def basis(plan: Plan) -> Basis:
    targets = public_targets(plan)
    year = data_year(plan, targets)
    updated = Figure.objects.filter(
        target__in=[t.pk for t in targets], state=Figure.State.APPROVED, year__lte=year
    ).aggregate(updated=Max("updated_at"))["updated"]
    districts = list(District.objects.filter(city=plan.city))
    return Basis(plan, targets, districts, year, updated)


def _status(progress: Progress, target: Target) -> dict:
    """The status, and the value it was judged against (targets.progress.goal_of): the city's,
    the adjusted one (规划调整) or the district's own (分解目标)."""
    return {
        "status": str(progress.status),
        "status_label": str(Status(progress.status).label),
        "goal": _amount(progress.goal),
        "goal_basis": progress.goal_basis,
        "goal_text": goal_used(target, progress),
    }


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(Decimal("0.01")), "f")


def _head(base: Basis) -> dict:
    plan = base.plan
    updated = timezone.localtime(base.updated).date().isoformat() if base.updated else None
    return {
        "plan": plan.slug,
        "title": plan.title,
        "city": plan.city.name,
        "document_number": plan.document_number,
        "years": [plan.start_year, plan.end_year],
        "as_of": base.year,
        "data_updated": updated,
        "licence": LICENCE,
    }


def _target_head(target: Target, adjusted: dict | None = None) -> dict:
    """`adjusted`: goals.adjusted_texts of the targets shown, when some may be adjusted."""
    lead = target.lead_department
    original = (adjusted or {}).get(target.pk)
    return {
        "original_requirement": original[0] if original else None,  # before a 规划调整
        "key": target_key(target),
        "code": target.code,
        "name": target.name,
        "requirement": requirement(target),
        "deadline_year": target.deadline_year,
        "unit": unit_of(target),
        "lead_department": lead.name if lead else "",
        # 属性: binding (约束性), expected (预期性), "" where the plan does not say (未标注)
        "binding": target.binding,
        "binding_label": binding_label(target),
    }


def plan_page(base: Basis) -> dict:
    """The plan: its chapters and tasks with their lead departments and targets, each target's
    city status as of the data year, and the count of targets by status."""
    board = standings.stored_board(
        base.plan, base.year, targets=base.targets, show=[], include_submitted=False
    )
    by_task: dict[int, list[dict]] = {}
    counts = dict.fromkeys(ORDER, 0)
    rows = []
    adjusted = goals.adjusted_texts(base.targets)
    for target in base.targets:
        city = board.city[target.pk]
        counts[Status(city.status)] += 1
        row = {
            **_target_head(target, adjusted),
            "task": target.task.code,
            "value": _amount(city.value),
            "value_text": describe(target, city),
            "year": city.year,
            **_status(city, target),
        }
        rows.append(row)
        by_task.setdefault(target.task_id, []).append(row)
    chapters = []
    for part in base.plan.parts.prefetch_related("tasks__assignments__department").order_by(
        "order"
    ):
        tasks = [
            {
                "code": task.code,
                "title": task.title,
                "lead_department": getattr(task.lead_department, "name", ""),
                "targets": by_task.get(task.pk, []),
            }
            for task in part.tasks.all().order_by("number")
        ]
        chapters.append({"code": part.code, "title": part.title, "tasks": tasks})
    summary = [
        {"status": str(s), "status_label": str(s.label), "count": n} for s, n in counts.items() if n
    ]
    return {
        **_head(base),
        "summary": summary,
        "documents": published_documents(base.plan),
        "chapters": chapters,
        "targets": rows,
    }


def published_documents(plan: Plan) -> list[dict]:
    """The evaluations the city admin published (never a draft), newest year first, each with
    its files' stable addresses."""
    return [
        {
            "key": document.key,
            "title": document.title,
            "year": document.year,
            "published": timezone.localtime(document.published_at).date().isoformat(),
            "files": [
                {"format": fmt, "url": f"/public/{plan.slug}/documents/{document.key}.{fmt}"}
                for fmt in document.formats
            ],
        }
        for document in sorted(documents.published(plan), key=lambda d: -d.year)
    ]


def target_page(base: Basis, target: Target) -> dict:
    """A target: its wording, the city's value and every district's by year (approved figures
    only), its status as of the data year."""
    board = standings.stored_board(
        base.plan, base.year, targets=[target], show=base.districts, include_submitted=False
    )
    years = [y for y in base.plan.years if y <= base.year]
    city = board.city[target.pk]
    points = load_points([target], years, include_submitted=False).get(target.pk, {})
    n = len(base.districts)
    city_rows = []
    for year in years:
        at = city_at(target, city, year, n)
        own = points.get(None, {}).get(year)  # a figure entered for the city itself
        value = at.value if at.value is not None else measure(target, own)
        text = city_level(target, at) if at.value is not None else level(target, value)
        city_rows.append({"year": year, "value": _amount(value), "value_text": text})
    districts = []
    for district in base.districts:
        own = points.get(district.pk, {})
        progress = board.cells[(target.pk, district.pk)]
        districts.append(
            {
                "district": district.slug,
                "name": district.name,
                **_status(progress, target),
                "values": [
                    {
                        "year": year,
                        "value": _amount(measure(target, own.get(year))),
                        "value_text": level(target, measure(target, own.get(year))),
                    }
                    for year in years
                ],
            }
        )
    definition = ""
    if target.numerator_label and target.denominator_label:
        definition = f"{target.numerator_label} / {target.denominator_label}"
    return {
        **_head(base),
        "target": {
            **_target_head(target, goals.adjusted_texts([target])),
            "wording": target.source_sentence,
            "target_value": _amount(target.value),
            "definition": definition,
            "method": method(target),
            "reported_by": str(target.get_reported_by_display()),
        },
        "years": years,
        "status": {
            **_status(city, target),
            "value_text": describe(target, city),
            "year": city.year,
        },
        "city": city_rows,
        "districts": districts,
    }


def method(target: Target) -> dict | None:
    """The 口径 in full where the target is linked to an indicator card (schools/indicators):
    what it measures, the formula, the statistics behind it, school or calendar year, the census
    day and the document defining it. None for a target without a card (its numerator and
    denominator, `definition`, are all that is known)."""
    card = indicators.get(target.indicator)
    if card is None:
        return None
    school_year = card.year_basis == "school_year"
    return {
        "indicator": card.key,
        "version": card.version,
        "name": card.name,
        "definition": card.definition,
        "formula": card.formula,
        "numerator": card.numerator.source_fields,
        "denominator": card.denominator.source_fields,
        "source": card.source_tables(),
        "year_basis": card.year_basis,
        "year_basis_label": str(
            _("School year: the figure of year Y reads the Y school year (Y/Y+1)")
            if school_year
            else _("Calendar year")
        ),
        "census_day": card.census_day,
        "document": card.document,
    }


def target_chart(base: Basis, target: Target, page: dict) -> str | None:
    """The city's line (emphasised) and each district's, with the plan's value: SVG."""
    if target.entry in (Target.Entry.YES_NO, Target.Entry.MILESTONE):
        return None
    years = list(base.plan.years)
    points = load_points([target], years, include_submitted=False).get(target.pk, {})
    series = [
        Series(d.name, values)
        for d in base.districts
        if (values := series_of(target, points.get(d.pk, {}), until=base.year))
    ]
    city = {r["year"]: Decimal(r["value"]) for r in page["city"] if r["value"] is not None}
    if city and target.kind != Target.Kind.DISTRICT_MINIMUM and not target.per_head:
        series.append(Series(city_line(base.plan.city.name), city, emphasis=True))
    goal = target.value if target.kind != Target.Kind.ANNUAL_CHANGE else None
    return line_chart(
        f"{target.code} {target.name}", years, series, target=goal,
        unit="%" if target.is_percentage else "", labels={"others": other_districts()},
    )  # fmt: skip


def district_page(base: Basis, district: District) -> dict:
    """A district: each target it reports with its value and status as of the data year."""
    board = standings.stored_board(
        base.plan, base.year, targets=base.targets, show=[district], include_submitted=False
    )
    rows = []
    adjusted = goals.adjusted_texts(base.targets)
    for target in base.targets:
        if target.reported_by != Target.Reporter.DISTRICTS:
            continue
        progress = board.cells[(target.pk, district.pk)]
        rows.append(
            {
                **_target_head(target, adjusted),
                "value": _amount(progress.value),
                "value_text": describe(target, progress),
                "year": progress.year,
                **_status(progress, target),
            }
        )
    return {**_head(base), "district": {"slug": district.slug, "name": district.name},
            "targets": rows}  # fmt: skip


def everything(base: Basis) -> dict:
    """Everything published of the plan in one table: one row per target, unit and year."""
    rows = []
    for target in base.targets:
        page = target_page(base, target)
        head = page["target"]
        for row in page["city"]:
            if row["value"] is not None:
                rows.append(_data_row(head, "", _("whole city"), row))
        for district in page["districts"]:
            for row in district["values"]:
                if row["value"] is not None:
                    rows.append(_data_row(head, district["district"], district["name"], row))
    return {**_head(base), "rows": rows}


def _data_row(head: dict, slug: str, name: str, row: dict) -> dict:
    return {
        "key": head["key"],
        "code": head["code"],
        "name": head["name"],
        "district": slug,
        "district_name": name,
        "year": row["year"],
        "value": row["value"],
        "unit": head["unit"],
        "value_text": row["value_text"],
        "binding": head["binding"],
    }
