"""The plans app's router of the JSON API: GET /api/plan/ (the plan's parts, tasks and departments,
lead or co-operating) and GET /api/districts/ (the county-level units of the plan's city)."""

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from departments.models import District
from plans.access import plan_for_request
from plans.models import Task
from zibo_edu.views.api_input import READ, PlanQuery, refusals

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
    response={200: PlanOut, **refusals(READ)},
    summary="The plan: its parts, tasks and their departments",
)
def plan_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    plan = plan_for_request(request)
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


# The districts of the plan's city ------------------------------------------------------------


class DistrictOut(Schema):
    name: str
    full_name: str
    slug: str
    kind: str
    kind_label: str


class DistrictsOut(Schema):
    city: str
    districts: list[DistrictOut]


@router.get(
    "/districts/",
    tags=["districts"],
    url_name="districts",
    response={200: DistrictsOut, **refusals(READ)},
    summary="The districts, counties and functional areas of the plan's city",
)
def districts_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
    plan = plan_for_request(request)
    districts = District.objects.filter(city=plan.city)
    return JsonResponse(
        {
            "city": plan.city.name,
            "districts": [
                {
                    "name": district.name,
                    "full_name": district.full_name,
                    "slug": district.slug,
                    "kind": district.kind,
                    "kind_label": district.get_kind_display(),
                }
                for district in districts
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
