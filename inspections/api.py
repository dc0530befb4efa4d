"""GET /api/inspections/balanced/?district=&year= and /api/inspections/preschool/: a county's
evaluation (per level each indicator's 差异系数 and threshold, each school's values and whether
it meets the standard, the county's standing; for 普及普惠 each indicator's value and threshold).
Signed-in roles; district staff their own county (another is a 404)."""

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema

from inspections import access
from inspections.evaluation import evaluate
from inspections.models import Kind
from inspections.serialize import as_data
from inspections.views import latest_year
from plans.access import plan_for_request
from zibo_edu.lib.params import BadParameter
from zibo_edu.views.api_auth import signed_in_as
from zibo_edu.views.api_input import SIGNED_IN_READ, refusals

router = Router(tags=["inspections"])
reader = signed_in_as(access.may_see_inspections)


class CountyQuery(Schema):
    district: str
    year: int | None = None
    plan: str | None = None


def _answer(request: HttpRequest, kind: str, query: CountyQuery) -> JsonResponse:
    plan = plan_for_request(request)
    district = access.get_district(request.auth, query.district, plan.city_id)
    year = query.year if query.year is not None else latest_year(plan.city_id) or plan.end_year
    if not 2000 <= year <= 2100:
        raise BadParameter("year must be a school year between 2000 and 2100")
    data = as_data(evaluate(kind, district, year))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/balanced/",
    url_name="inspections_balanced",
    auth=reader,
    response={200: dict, **refusals(SIGNED_IN_READ)},
    summary="A county's 县域义务教育优质均衡 evaluation for a school year",
)
def balanced_api(request: HttpRequest, query: Query[CountyQuery]) -> JsonResponse:
    return _answer(request, Kind.BALANCED, query)


@router.get(
    "/preschool/",
    url_name="inspections_preschool",
    auth=reader,
    response={200: dict, **refusals(SIGNED_IN_READ)},
    summary="A county's 学前教育普及普惠 evaluation for a school year",
)
def preschool_api(request: HttpRequest, query: Query[CountyQuery]) -> JsonResponse:
    return _answer(request, Kind.PRESCHOOL, query)
