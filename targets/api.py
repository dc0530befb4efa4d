"""GET /api/targets/: every target of the plan, with task, lead department and source sentence."""

from decimal import Decimal

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from plans.views import plan_from_request
from targets.models import Target


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@require_GET
def targets_api(request: HttpRequest) -> JsonResponse:
    plan = plan_from_request(request)
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
