"""The schools app's JSON API: GET /api/schools/ (each school with its statistics for a school
year) and GET /api/indicators/ (each indicator's 口径 card and its derived value per district
and for the city); the app's router, added by `SchoolsConfig.ready`. For the plan's roles:
district staff read their district's schools and values."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from departments.access import scope_districts
from plans.access import plan_for_request
from schools import access, indicators
from schools.models import School, SchoolYearStatistics
from schools.statistics import FIELDS, census_day
from zibo_edu.lib.params import BadParameter
from zibo_edu.views.api_auth import signed_in_as
from zibo_edu.views.api_input import SIGNED_IN_READ, refusals

router = Router(tags=["schools"])
reader = signed_in_as(access.may_see_schools)


class SchoolsQuery(Schema):
    plan: str | None = None
    district: str | None = None
    year: int | None = None


class IndicatorsQuery(Schema):
    plan: str | None = None
    year: int | None = None


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _year(value: int | None, plan) -> int:
    year = value if value is not None else plan.end_year
    if not 2000 <= year <= 2100:
        raise BadParameter(_("year must be a school year between 2000 and 2100"))
    return year


def _number(value):
    return None if value is None else float(value) if not isinstance(value, int) else value


@router.get(
    "/schools/",
    url_name="schools",
    auth=reader,
    response={200: dict, **refusals(SIGNED_IN_READ)},
    summary="The schools the user sees, each with its statistics for a school year",
)
def schools_api(request: HttpRequest, query: Query[SchoolsQuery]) -> JsonResponse:
    plan = plan_for_request(request)
    year = _year(query.year, plan)
    schools = School.objects.for_user(request.auth).filter(district__city=plan.city).open_in(year)
    if query.district:
        district = access.get_district_for_user(request, query.district, plan.city_id)
        schools = schools.filter(district=district)
    stats = {
        s.school_id: s
        for s in SchoolYearStatistics.objects.filter(school__in=schools, school_year=year)
    }
    rows = []
    for school in schools.select_related("district").order_by("district__order", "code"):
        row = stats.get(school.pk)
        rows.append(
            {
                "code": school.code,
                "name": school.name,
                "district": school.district.slug,
                "category": school.category,
                "ownership": school.ownership,
                "inclusiveness": school.inclusiveness or None,
                "locality": school.locality,
                "approved_places": school.approved_places,
                "demo": school.is_demo,
                "statistics": None
                if row is None
                else {f.name: _number(getattr(row, f.name)) for f in FIELDS},
            }
        )
    units = {f.name: {"header": f.header, "unit": f.unit, "table": f.table} for f in FIELDS}
    return _json(
        {
            "plan": plan.slug,
            "school_year": year,
            "census_day": census_day(year).isoformat(),
            "fields": units,
            "schools": rows,
        }
    )


@router.get(
    "/indicators/",
    url_name="indicators",
    auth=reader,
    response={200: dict, **refusals(SIGNED_IN_READ)},
    summary="Each indicator's 口径 card and its derived value per district and the city",
)
def indicators_api(request: HttpRequest, query: Query[IndicatorsQuery]) -> JsonResponse:
    plan = plan_for_request(request)
    year = _year(query.year, plan)
    districts = scope_districts(list(plan.city.districts.all()), request.auth)
    out = []
    for indicator in indicators.indicators().values():
        school_year = indicators.school_year_of(indicator, year)
        by_district, city = indicators.derive(indicator, plan.city_id, [school_year])
        values = {d.slug: _derived(by_district.get((d.pk, school_year))) for d in districts}
        out.append(
            {
                "key": indicator.key,
                "version": indicator.version,
                "name": indicator.name,
                "definition": indicator.definition,
                "formula": indicator.formula,
                "source_fields": {
                    "numerator": list(indicator.numerator.fields),
                    "denominator": list(indicator.denominator.fields),
                },
                "source_tables": indicator.source_tables(),
                "year_basis": indicator.year_basis,
                "census_day": indicator.census_day,
                "document": indicator.document,
                "value_kind": indicator.value_kind,
                "tolerance": float(indicator.tolerance),
                "school_year": school_year,
                "districts": values,
                "city": _derived(city.get(school_year)) if len(districts) > 1 else None,
            }
        )
    return _json({"plan": plan.slug, "year": year, "indicators": out})


def _derived(derived) -> dict | None:
    if derived is None:
        return None
    return {
        "numerator": float(derived.numerator),
        "denominator": float(derived.denominator),
        "value": round(float(derived.value), 2),
    }
