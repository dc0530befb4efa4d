"""The ledger's JSON API: GET /api/tasks/, GET /api/notices/, POST /api/contributions/."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from plans import access, ledger
from plans.models import Contribution, Plan
from targets.views.api import api_user


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _unauthorized() -> JsonResponse:
    response = _json({"error": "authentication required"}, 401)
    response["WWW-Authenticate"] = 'Basic realm="zibo-edu"'
    return response


@require_GET
def tasks_api(request: HttpRequest) -> JsonResponse:
    user = api_user(request)
    if user is None or not access.may_see_ledger(user):
        return _unauthorized()
    plan = Plan.objects.from_request(request)
    latest = ledger.latest_round(plan)
    rows = ledger.ledger_rows(plan, latest)
    return _json(
        {
            "plan": plan.slug,
            "round": {
                "code": latest.code,
                "title": latest.title,
                "deadline": latest.deadline.isoformat(),
                "final": latest.is_final,
            }
            if latest
            else None,
            "tasks": [
                {
                    "code": row.task.code,
                    "title": row.task.title,
                    "chapter": row.task.part.code,
                    "lead_department": row.lead.name if row.lead else None,
                    "co_operating_departments": [d.name for d in row.co_operating],
                    "status": row.report.status or None if row.report else None,
                    "state": row.report.state if row.report else None,
                    "contributions_in": [d.name for d in row.contributions_in],
                    "contributions_missing": [d.name for d in row.contributions_missing],
                    "open_notices": row.open_notices,
                }
                for row in rows
            ],
        }
    )


@require_GET
def notices_api(request: HttpRequest) -> JsonResponse:
    user = api_user(request)
    if user is None or not access.may_see_ledger(user):
        return _unauthorized()
    plan = Plan.objects.from_request(request)
    today = timezone.localdate()
    return _json(
        {
            "notices": [
                {
                    "id": n.pk,
                    "number": n.number,
                    "subject": n.subject,
                    "department": n.department.name if n.department else None,
                    "district": n.district.slug if n.district else None,
                    "task": n.task.code if n.task else None,
                    "target": n.target.code if n.target else None,
                    "state": n.state,
                    "reply_deadline": n.reply_deadline.isoformat(),
                    "overdue": n.is_overdue(today),
                    "issued_at": n.issued_at.isoformat(),
                }
                for n in access.notices_for(user).filter(plan=plan)
            ]
        }
    )


def _contribution_json(contribution: Contribution) -> dict:
    return {
        "id": contribution.pk,
        "round": contribution.round.code,
        "task": contribution.task.code,
        "department": contribution.department.name,
        "text": contribution.text,
        "measures": contribution.measures,
        "numbers": contribution.numbers,
        "state": contribution.state,
        "version": contribution.version,
        "updated_at": contribution.updated_at.isoformat(),
    }


@csrf_exempt  # session requests are checked below; Basic-auth clients carry no cookie to forge
@require_POST
def contributions_api(request: HttpRequest) -> JsonResponse:
    """Body: {round: "2025H2", task: "二(一)4", text, measures, numbers, version, submit}."""
    user = api_user(request)
    if user is None:
        return _unauthorized()
    if "Authorization" not in request.headers:
        if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
            return _json({"error": "CSRF check failed"}, 403)
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return _json({"error": "the body must be a JSON object"}, 400)
    plan = Plan.objects.from_request(request)
    reporting_round = plan.rounds.filter(code=body.get("round")).first()
    task = ledger.key_tasks(plan).filter(code=body.get("task")).first()
    errors = {}
    if reporting_round is None:
        errors["round"] = f"no round {body.get('round')!r} in {plan.slug}"
    if task is None:
        errors["task"] = f"no task {body.get('task')!r} in {plan.slug}"
    if errors:
        return _json({"error": "invalid", "errors": errors}, 400)
    if not access.may_write_plan(user, plan):
        return _json({"error": f"{plan.slug} is closed: its ledger is read-only"}, 403)
    if not access.may_contribute(user, task):
        return _json({"error": "your department does not co-operate on this task"}, 403)
    version = body.get("version")
    if version is not None and not isinstance(version, int):
        return _json({"error": "invalid", "errors": {"version": "a whole number"}}, 400)
    contribution = ledger.contribution_for(reporting_round, task, access.department_of(user))
    try:
        contribution = ledger.save_contribution(
            contribution,
            user,
            {k: str(body.get(k) or "") for k in ledger.CONTRIBUTION_FIELDS},
            version=version,
            submit=bool(body.get("submit")),
            channel=ledger.Channel.API,
        )
    except ValidationError as error:
        return _json(
            {"error": "invalid", "errors": {k: " ".join(v) for k, v in error.message_dict.items()}},
            400,
        )
    except ledger.ConflictError as error:
        contribution.refresh_from_db()
        return _json({"error": str(error), "current": _contribution_json(contribution)}, 409)
    except ledger.LockedError as error:
        return _json({"error": str(error)}, 409)
    return _json({"contribution": _contribution_json(contribution)})
