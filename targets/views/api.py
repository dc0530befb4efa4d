"""The figures API on django-ninja: GET /api/targets/, GET and POST /api/figures/.

Input is declared as typed schemas (pydantic): numbers bounded to the columns' digits, no NaN or
Infinity, no NUL or lone surrogates, lengths from the model. `zibo_edu.views.api` parses bodies
strictly and turns every refusal into a 400 naming the field; the OpenAPI schema is published
at /api/openapi.json. The answers are the ones the hand-written views gave.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator, ConfigDict, StrictBool

from departments.access import may_enter
from departments.models import District
from plans import access
from plans.access import plan_for_request
from targets import figures
from targets.display import display_value
from targets.models import Figure, FigureChange, ReportingPeriod, Target
from targets.progress import Status
from targets.views import dashboards
from zibo_edu.views.api_auth import signed_in
from zibo_edu.views.api_input import (
    READ,
    SIGNED_IN_READ,
    WRITE,
    Blank,
    PlanQuery,
    Refusal,
    Version,
    Year,
    blank_is_none,
    no_bool,
    one_of,
    refusals,
    text,
)

router = Router(tags=["targets and figures"])


# Input types -------------------------------------------------------------------------------------


def _iso_date(value):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date, YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date, YYYY-MM-DD") from None


def _column(name: str):
    return Figure._meta.get_field(name)


Amount = Annotated[
    Decimal,
    Field(
        max_digits=_column("value").max_digits,
        decimal_places=_column("value").decimal_places,
        allow_inf_nan=False,
    ),
    BeforeValidator(no_bool),  # after the Field, so the schema keeps standard keywords only
]


class FigureQuery(PlanQuery):
    district: text(50) | None = None
    year: Year = None
    target: text(40) | None = None


class FigureIn(Schema):
    """One figure to create or change. `version`: the version you read (GET), 0 or left out to
    create one that must not exist yet; a figure that exists changes only with its version."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    target: text(Target._meta.get_field("code").max_length)
    district: Annotated[text(50), Field(description='a district slug, or "city"')]
    year: int
    numerator: Amount | None = None
    denominator: Amount | None = None
    value: Amount | None = None
    achieved: StrictBool | None = None
    achieved_on: Annotated[datetime.date | None, BeforeValidator(_iso_date)] = None
    note: text(10_000) | None = None
    source: text(_column("source").max_length) | None = None
    version: Version | None = None


class FigureOut(Schema):
    id: int
    target: str
    district: str
    year: int
    numerator: float | None
    denominator: float | None
    percentage: float | None
    value: float | None
    achieved: bool | None
    achieved_on: datetime.date | None
    note: str
    source: str
    state: one_of(Figure.State)
    version: int
    updated_at: datetime.datetime


class FiguresOut(Schema):
    figures: list[FigureOut]


class FigureRefusal(Refusal):
    current: FigureOut | None = Field(None, description="409: the figure as it stands now")


class DocumentOut(Schema):
    title: str
    number: str
    issued_on: datetime.date | None


class AdjustmentOut(Schema):
    old_value: float | None
    new_value: float | None
    old_year: int
    new_year: int
    reason: str
    document: DocumentOut
    changed_at: datetime.datetime


def _document(record) -> dict:
    return {"title": record.title, "number": record.number, "issued_on": record.issued_on}


def _goals_json(target: Target) -> dict:
    adjustments = list(target.adjustments.all())
    first = adjustments[0] if adjustments else None
    latest = max(target.decompositions.all(), key=lambda d: (d.created_at, d.pk), default=None)
    return {
        "original_value": _number(first.old_value if first else target.value),
        "original_deadline_year": first.old_year if first else target.deadline_year,
        "adjustments": [
            {
                "old_value": _number(a.old_value),
                "new_value": _number(a.new_value),
                "old_year": a.old_year,
                "new_year": a.new_year,
                "reason": a.reason,
                "document": _document(a),
                "changed_at": a.created_at,
            }
            for a in adjustments
        ],
        "district_values": {g.district.slug: _number(g.value) for g in target.district_goals.all()},
        "decomposition": _document(latest) if latest else None,
    }


class TargetOut(Schema):
    code: str
    name: str
    task: str
    lead_department: str
    kind: str
    unit: str
    comparator: str | None
    value: float | None
    per_units: int
    direction: str | None
    every_year: bool
    deadline_year: int
    binding: Literal["binding", "expected"] | None = Field(
        description="属性: binding (约束性), expected (预期性), or null when the plan does not say "
        "(未标注)"
    )
    scope: str
    reported_by: str
    numerator: str | None
    denominator: str | None
    value_text: str
    source_sentence: str
    original_value: float | None = Field(description="the plan's value before any adjustment")
    original_deadline_year: int = Field(description="the plan's year before any adjustment")
    adjustments: list[AdjustmentOut]
    district_values: dict[str, float] = Field(description="分解目标: district slug → own value")
    decomposition: DocumentOut | None


class TargetsOut(Schema):
    plan: str
    targets: list[TargetOut]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@router.get(
    "/targets/",
    url_name="targets",
    response={200: TargetsOut, **refusals(READ)},
    summary="Every target of the plan",
)
def targets_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    plan = plan_for_request(request)
    targets = (
        Target.objects.of_plan(plan)
        .for_listing()
        .prefetch_related("adjustments", "decompositions", "district_goals__district")
    )
    return JsonResponse(
        {
            "plan": plan.slug,
            "targets": [
                {
                    "code": target.code,
                    "name": target.name,
                    "task": target.task.code,
                    "lead_department": str(target.lead_department),
                    "kind": target.kind,
                    "unit": target.unit,
                    "comparator": target.comparator or None,
                    "value": _number(target.value),
                    "per_units": target.per_units,
                    "direction": target.direction or None,
                    "every_year": target.every_year,
                    "deadline_year": target.deadline_year,
                    "binding": target.binding or None,
                    "scope": target.scope,
                    "reported_by": target.reported_by,
                    "numerator": target.numerator_label or None,
                    "denominator": target.denominator_label or None,
                    "value_text": target.value_text,
                    "source_sentence": target.source_sentence,
                    **_goals_json(target),
                }
                for target in targets
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# Figures -------------------------------------------------------------------------------------


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse(
        {"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _figure_json(figure: Figure) -> dict:
    return {
        "id": figure.pk,
        "target": figure.target.code,
        "district": figure.district.slug if figure.district else "city",
        "year": figure.year,
        "numerator": _number(figure.numerator),
        "denominator": _number(figure.denominator),
        "percentage": round(float(figure.percentage), 2) if figure.percentage is not None else None,
        "value": _number(figure.value),
        "achieved": figure.achieved,
        "achieved_on": figure.achieved_on.isoformat() if figure.achieved_on else None,
        "note": figure.note,
        "source": figure.source,
        "state": figure.state,
        "version": figure.version,
        "updated_at": figure.updated_at.isoformat(),
    }


@router.get(
    "/figures/",
    url_name="figures",
    auth=signed_in,
    response={200: FiguresOut, **refusals(SIGNED_IN_READ)},
    summary="The figures the user may see",
)
def figures_api(request: HttpRequest, query: Query[FigureQuery]) -> JsonResponse:
    user = request.auth
    plan = plan_for_request(request)
    figures_ = (
        Figure.objects.for_user(user)
        .filter(target__task__part__plan=plan)
        .select_related("target", "district")
    )
    if query.district:
        figures_ = (
            figures_.filter(district__isnull=True)
            if query.district == "city"
            else figures_.filter(district__slug=query.district)
        )
    if query.year is not None:
        figures_ = figures_.filter(year=query.year)
    if query.target:
        figures_ = figures_.filter(target__code=query.target)
    return JsonResponse(
        {"figures": [_figure_json(f) for f in figures_]}, json_dumps_params={"ensure_ascii": False}
    )


@router.post(
    "/figures/",
    url_name="figures",
    auth=signed_in,
    response={200: FigureOut, 201: FigureOut, **refusals(WRITE, FigureRefusal)},
    summary="Create or change one figure (a draft), checked and audited like the entry form",
)
def post_figure(request: HttpRequest, body: FigureIn, query: Query[PlanQuery]) -> JsonResponse:
    user = request.auth
    plan = plan_for_request(request)
    target = (
        Target.objects.of_plan(plan)
        .select_related("task")
        .prefetch_related("task__assignments")
        .filter(code=body.target)
        .first()
    )
    if target is None:
        return _error(400, _("unknown target"), field="target")
    district = (
        None
        if body.district == "city"
        else District.objects.filter(city=plan.city, slug=body.district).first()
    )
    if body.district != "city" and district is None:
        return _error(400, _("unknown district"), field="district")
    year = body.year
    if year not in plan.years:
        return _error(
            400,
            _("year must be within %(first)s–%(last)s")
            % {"first": plan.baseline_year, "last": plan.end_year},
            field="year",
        )
    if not access.may_write_plan(user, plan):
        return _error(403, _("%(plan)s is closed: its figures are read-only") % {"plan": plan.slug})
    if not may_enter(user, district):
        return _error(403, _("you may not enter this district's figures"))
    data = figures.FigureInput(
        numerator=body.numerator,
        denominator=body.denominator,
        value=body.value,
        achieved=body.achieved,
        achieved_on=body.achieved_on,
        note=body.note or "",
        source=body.source or "",
    )
    key = figures.Key(target.pk, district.pk if district else None, year)
    stored = figures.existing({key, figures.Key(target.pk, key.district_id, year - 1)})
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    errors = figures.check(
        target,
        data,
        stored.get(figures.Key(target.pk, key.district_id, year - 1)),
        period.change_note_threshold if period else None,
    )
    if errors:
        return JsonResponse(
            {"error": _("invalid figure"), "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        outcome = figures.record(
            [figures.Entry(key, data, body.version)],
            user=user,
            channel=FigureChange.Channel.API,
            current={k: v for k, v in stored.items() if k == key},
        )
    except figures.FigureConflict as conflict:
        current = conflict.figures[0]
        return _error(
            409,
            figures.conflict_message(current, display_value(current)),
            current=_figure_json(current),
        )
    except figures.FigureCarried as carried:
        return _error(409, figures.carried_message(carried.figures[0]), field="value")
    except figures.FigureLocked:
        return _error(409, _("the figure is under review or approved"))
    saved = next(iter(outcome.created or outcome.updated or outcome.unchanged), None)
    if saved is None:  # no values for a figure that does not exist: nothing to create
        return _error(400, _("nothing to save: give the figure's values"), field="value")
    return JsonResponse(
        _figure_json(Figure.objects.select_related("target", "district").get(pk=saved.pk)),
        status=201 if outcome.created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


# Progress ----------------------------------------------------------------------------------------


class ProgressQuery(PlanQuery):
    year: Year = None  # a year outside the plan: its reporting year
    district: text(50) | None = None  # only this district's own progress
    submitted: Annotated[
        Literal["0", "1"] | Blank | None,
        BeforeValidator(blank_is_none),
        Field(description="1: count submitted figures too, not only approved ones"),
    ] = None


class ProgressOut(Schema):
    status: one_of(Status)
    status_label: str
    value: float | None
    year: int | None
    expected: float | None
    ratio: float | None
    districts_meeting: list[int] | None = Field(description="[districts meeting, districts]")
    provisional: bool
    final: bool
    baseline: float | None
    baseline_year: int | None
    years_met: list[int] | None = Field(description="[years met, years judged]")
    districts_reported: list[int] | None = Field(description="[districts in, districts]")
    warning: bool = Field(
        description="序时进度 预警: a binding (约束性) target behind its straight path (ratio "
        "below 0.95), from the plan's mid-term year on, before its deadline year"
    )
    goal: float | None = Field(description="the target value this judgement used")
    goal_basis: Literal["city", "adjusted", "district"] | None = Field(
        description="whose: the city's, adjusted (规划调整), the district's own (分解目标)"
    )


class TargetProgressOut(Schema):
    code: str
    name: str
    binding: Literal["binding", "expected"] | None
    city: ProgressOut
    districts: dict[str, ProgressOut]


class BoardOut(Schema):
    year: int
    approved_only: bool
    targets: list[TargetProgressOut]


@router.get(
    "/progress/",
    url_name="progress",
    auth=signed_in,
    response={200: BoardOut, **refusals(SIGNED_IN_READ)},
    summary="Status, value, expected value and ratio of every target the user may see",
)
def progress_api(request: HttpRequest, query: Query[ProgressQuery]) -> JsonResponse:
    return JsonResponse(
        dashboards.progress_json(request), json_dumps_params={"ensure_ascii": False}
    )
