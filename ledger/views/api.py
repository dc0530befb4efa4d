"""The ledger's JSON API: GET /api/tasks/, GET /api/notices/, POST /api/contributions/ (the ledger
app's router, added to the API by `LedgerConfig.ready`). The ledger is for the plan's roles:
anyone else gets a 401."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, StrictBool

from ledger import access, ledger
from ledger.models import Contribution, LedgerState, Notice, ReportingRound, TaskReport
from plans.access import plan_for_request
from plans.models import Task
from zibo_edu.views.api_auth import signed_in, signed_in_as
from zibo_edu.views.api_input import (
    SIGNED_IN_READ,
    WRITE,
    PlanQuery,
    Refusal,
    Version,
    one_of,
    refusals,
    text,
)

router = Router(tags=["ledger"])


ledger_user = signed_in_as(access.may_see_ledger)  # any role of a plan


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


class RoundOut(Schema):
    code: str
    title: str
    deadline: datetime.date
    final: bool


class LedgerTaskOut(Schema):
    code: str
    title: str
    chapter: str
    lead_department: str | None
    co_operating_departments: list[str]
    status: one_of(TaskReport.Status) | None
    state: one_of(LedgerState) | None
    contributions_in: list[str]
    contributions_missing: list[str]
    open_notices: int


class TasksOut(Schema):
    plan: str
    round: RoundOut | None = Field(description="the latest round opened; null before the first")
    tasks: list[LedgerTaskOut]


@router.get(
    "/tasks/",
    url_name="tasks",
    auth=ledger_user,
    response={200: TasksOut, **refusals(SIGNED_IN_READ)},
    summary="Every key task with its latest round's report and contributions",
)
def tasks_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    plan = plan_for_request(request)
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


class NoticeOut(Schema):
    id: int
    number: str
    subject: str
    department: str | None
    district: str | None
    task: str | None
    target: str | None
    state: one_of(Notice.State)
    reply_deadline: datetime.date
    overdue: bool
    issued_at: datetime.datetime


class NoticesOut(Schema):
    notices: list[NoticeOut]


@router.get(
    "/notices/",
    url_name="notices",
    auth=ledger_user,
    response={200: NoticesOut, **refusals(SIGNED_IN_READ)},
    summary="The supervision notices the user may see",
)
def notices_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    user = request.auth
    plan = plan_for_request(request)
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


# Contributions -----------------------------------------------------------------------------------

Passage = text(5000)  # ledger.save_contribution's bound, said here so the schema shows it


class ContributionIn(Schema):
    """A co-operating department's contribution to a task in a round. `version`: the version you
    read, to change a contribution someone else may have changed (left out: no check)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    round: text(ReportingRound._meta.get_field("code").max_length) = Field(examples=["2025H2"])
    task: text(Task._meta.get_field("code").max_length) = Field(examples=["二(一)4"])
    text: Passage | None = None
    measures: Passage | None = None
    numbers: Passage | None = None
    version: Version | None = None
    submit: StrictBool = False


class ContributionOut(Schema):
    id: int
    round: str
    task: str
    department: str
    text: str
    measures: str
    numbers: str
    state: one_of(LedgerState)
    version: int
    updated_at: datetime.datetime


class SavedContributionOut(Schema):
    contribution: ContributionOut


class ContributionRefusal(Refusal):
    current: ContributionOut | None = Field(
        None, description="409: the contribution as it stands now"
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


@router.post(
    "/contributions/",
    url_name="contributions",
    auth=signed_in,
    response={200: SavedContributionOut, **refusals(WRITE, ContributionRefusal)},
    summary="Save (and submit) your department's contribution, with the form's rules",
)
def contributions_api(
    request: HttpRequest, body: ContributionIn, query: Query[PlanQuery]
) -> JsonResponse:
    user = request.auth
    plan = plan_for_request(request)
    reporting_round = plan.rounds.filter(code=body.round).first()
    task = ledger.key_tasks(plan).filter(code=body.task).first()
    errors = {}
    if reporting_round is None:
        errors["round"] = _("no round '%(code)s' in %(plan)s") % {
            "code": body.round,
            "plan": plan.slug,
        }
    if task is None:
        errors["task"] = _("no task '%(code)s' in %(plan)s") % {
            "code": body.task,
            "plan": plan.slug,
        }
    if errors:
        return _json({"error": _("invalid"), "errors": errors}, 400)
    if not access.may_write_plan(user, plan):
        return _json(
            {"error": _("%(plan)s is closed: its ledger is read-only") % {"plan": plan.slug}}, 403
        )
    if not access.may_contribute(user, task):
        return _json({"error": _("your department does not co-operate on this task")}, 403)
    contribution = ledger.contribution_for(reporting_round, task, access.department_of(user))
    try:
        contribution = ledger.save_contribution(
            contribution,
            user,
            {name: getattr(body, name) or "" for name in ledger.CONTRIBUTION_FIELDS},
            version=body.version,
            submit=body.submit,
            channel=ledger.Channel.API,
        )
    except ValidationError as error:
        return _json(
            {
                "error": _("invalid"),
                "errors": {k: " ".join(v) for k, v in error.message_dict.items()},
            },
            400,
        )
    except ledger.ConflictError as error:
        contribution.refresh_from_db()
        return _json({"error": str(error), "current": _contribution_json(contribution)}, 409)
    except ledger.LockedError as error:
        return _json({"error": str(error)}, 409)
    return _json({"contribution": _contribution_json(contribution)})
