"""The departments app's router of the JSON API: GET /api/districts/, the county-level units of
the plan's city, with their kind."""

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from departments.models import District
from plans.models import Plan
from zibo_edu.views.api_input import PlanQuery, Refusal

router = Router(tags=["districts"])


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
    url_name="districts",
    response={200: DistrictsOut, 400: Refusal, 404: Refusal},
    summary="The districts, counties and functional areas of the plan's city",
)
def districts_api(request: HttpRequest, query: Query[PlanQuery]) -> JsonResponse:
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
