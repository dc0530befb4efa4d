"""GET /api/districts/: the county-level units of the plan's city, with their kind."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from departments.models import District
from plans.models import Plan


@require_GET
def districts_api(request: HttpRequest) -> JsonResponse:
    plan = Plan.objects.from_request(request)
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
