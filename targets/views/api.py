"""GET /api/targets/: every target of the plan, with task, lead department and source sentence."""

import base64
import datetime
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from departments.models import District
from plans.models import Plan
from targets import access, figures
from targets.display import display_value
from targets.models import Figure, FigureChange, ReportingPeriod, Target


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@require_GET
def targets_api(request: HttpRequest) -> JsonResponse:
    plan = Plan.objects.from_request(request)
    targets = Target.objects.of_plan(plan).for_listing()
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
                    "scope": target.scope,
                    "reported_by": target.reported_by,
                    "numerator": target.numerator_label or None,
                    "denominator": target.denominator_label or None,
                    "value_text": target.value_text,
                    "source_sentence": target.source_sentence,
                }
                for target in targets
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# Figures -------------------------------------------------------------------------------------


def api_user(request: HttpRequest):
    """The session's user, or the one named by HTTP Basic credentials; None if neither."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            username, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        user = authenticate(request, username=username, password=password)
        request.authenticated_by_basic = user is not None
        return user
    if request.user.is_authenticated:
        return request.user
    return None


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


def _forgery_check(request: HttpRequest) -> JsonResponse | None:
    """Session requests need the CSRF token. Only a request Basic actually authenticated skips
    it, and then a browser's cached Basic credentials must not be ridden by a foreign page: the
    body must be JSON (a cross-site form cannot send it without a CORS preflight, which this API
    never grants) and an Origin, where sent, must be this site's."""
    if not getattr(request, "authenticated_by_basic", False):
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        return _error(403, "CSRF check failed") if rejected is not None else None
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.get_host()}"
    if origin and origin not in {own, *settings.CSRF_TRUSTED_ORIGINS}:
        return _error(403, "CSRF check failed: foreign Origin")
    if request.content_type != "application/json":
        return _error(415, "the body must be JSON (Content-Type: application/json)")
    return None


@csrf_exempt  # session requests are checked below; Basic-auth clients carry no cookie to forge
@require_http_methods(["GET", "POST"])
def figures_api(request: HttpRequest) -> JsonResponse:
    user = api_user(request)
    if user is None:
        response = _error(401, "authentication required")
        response["WWW-Authenticate"] = 'Basic realm="zibo-edu"'
        return response
    if request.method == "POST":
        refused = _forgery_check(request)
        if refused is not None:
            return refused
        return _post_figure(request, user)
    plan = Plan.objects.from_request(request)
    figures_ = (
        Figure.objects.for_user(user)
        .filter(target__task__part__plan=plan)
        .select_related("target", "district")
    )
    district = request.GET.get("district")
    if district:
        figures_ = (
            figures_.filter(district__isnull=True)
            if district == "city"
            else figures_.filter(district__slug=district)
        )
    if request.GET.get("year", "").isdigit():
        figures_ = figures_.filter(year=int(request.GET["year"]))
    if request.GET.get("target"):
        figures_ = figures_.filter(target__code=request.GET["target"])
    return JsonResponse(
        {"figures": [_figure_json(f) for f in figures_]}, json_dumps_params={"ensure_ascii": False}
    )


def _post_figure(request: HttpRequest, user) -> JsonResponse:
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return _error(400, "the body must be a JSON object")
    plan = Plan.objects.from_request(request)
    target = (
        Target.objects.of_plan(plan)
        .select_related("task")
        .prefetch_related("task__assignments")
        .filter(code=body.get("target"))
        .first()
    )
    if target is None:
        return _error(400, "unknown target", field="target")
    slug = body.get("district")
    district = (
        None if slug == "city" else District.objects.filter(city=plan.city, slug=slug).first()
    )
    if slug != "city" and district is None:
        return _error(400, "unknown district", field="district")
    year = body.get("year")
    if year not in plan.years:
        return _error(
            400, f"year must be within {plan.baseline_year}–{plan.end_year}", field="year"
        )
    if not access.may_enter(user, district):
        return _error(403, "you may not enter this district's figures")
    try:
        data = _input_from_json(body)
    except ValueError as error:
        return _error(400, str(error))
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
            {"error": "invalid figure", "errors": errors},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        outcome = figures.record(
            [figures.Entry(key, data, body.get("version"))],
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
    except figures.FigureLocked:
        return _error(409, "the figure is under review or approved")
    saved = (outcome.created or outcome.updated or outcome.unchanged)[0]
    return JsonResponse(
        _figure_json(Figure.objects.select_related("target", "district").get(pk=saved.pk)),
        status=201 if outcome.created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


def _input_from_json(body: dict) -> figures.FigureInput:
    def decimal(name):
        raw = body.get(name)
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError(f"{name} must be a number")
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(f"{name} must be a number") from None

    achieved = body.get("achieved")
    if achieved is not None and not isinstance(achieved, bool):
        raise ValueError("achieved must be true, false or null")
    achieved_on = body.get("achieved_on")
    try:
        achieved_on = datetime.date.fromisoformat(achieved_on) if achieved_on else None
    except (TypeError, ValueError):
        raise ValueError("achieved_on must be a date, YYYY-MM-DD") from None
    return figures.FigureInput(
        numerator=decimal("numerator"),
        denominator=decimal("denominator"),
        value=decimal("value"),
        achieved=achieved,
        achieved_on=achieved_on,
        note=str(body.get("note") or "").strip(),
        source=str(body.get("source") or "").strip(),
    )
