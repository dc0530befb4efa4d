"""The plans app's router of the JSON API: GET /api/plan/ (the plan's parts, tasks and departments,
lead or co-operating)."""

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from plans.models import Plan, Task
from zibo_edu.views.api_input import PlanQuery, Refusal

router = Router(tags=["plan"])


class PlanInfoOut(Schema):
    slug: str
    title: str
    city: str
    document_number: str
    issued_on: datetime.date | None
    start_year: int
    end_year: int
    baseline_year: int


class TaskDepartmentOut(Schema):
    name: str
    role: Literal["lead", "co-operating"]


class TaskOut(Schema):
    code: str
    number: int
    title: str
    text: str
    departments: list[TaskDepartmentOut]


class PartOut(Schema):
    code: str
    kind: str
    title: str
    text: str
    tasks: list[TaskOut]


class PlanOut(Schema):
    plan: PlanInfoOut
    parts: list[PartOut]


@router.get(
    "/plan/",
    url_name="plan",
    response={200: PlanOut, 400: Refusal, 404: Refusal},
    summary="The plan: its parts, tasks and their departments",
)
def plan_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    plan = Plan.objects.from_request(request)
    parts = plan.parts.prefetch_related(Prefetch("tasks", queryset=Task.objects.with_departments()))
    return JsonResponse(
        {
            "plan": {
                "slug": plan.slug,
                "title": plan.title,
                "city": plan.city.name,
                "document_number": plan.document_number,
                "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
                "start_year": plan.start_year,
                "end_year": plan.end_year,
                "baseline_year": plan.baseline_year,
            },
            "parts": [
                {
                    "code": part.code,
                    "kind": part.kind,
                    "title": part.title,
                    "text": part.text,
                    "tasks": [
                        {
                            "code": task.code,
                            "number": task.number,
                            "title": task.title,
                            "text": task.text,
                            "departments": [
                                {
                                    "name": assignment.department.name,
                                    "role": "lead" if assignment.is_lead else "co-operating",
                                }
                                for assignment in task.ordered_assignments
                            ],
                        }
                        for task in part.tasks.all()
                    ],
                }
                for part in parts
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
