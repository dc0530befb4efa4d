"""GET /api/plan/: the plan's parts, tasks and departments (lead or co-operating)."""

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from plans.models import Plan, Task


@require_GET
def plan_api(request: HttpRequest) -> JsonResponse:
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
