"""GET /api/projections/: each district's school-age population projection (学龄人口预测) by
school year, level and grade, with the approved places, their use, the warnings and the
backtest; the app's router, added by `ProjectionsConfig.ready`. District staff read their
district's; the other roles every district of their city."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from plans.access import plan_for_request
from projections import access, cohorts, outlook
from zibo_edu.lib.params import BadParameter
from zibo_edu.views.api_auth import signed_in_as
from zibo_edu.views.api_input import SIGNED_IN_READ, refusals

router = Router(tags=["projections"])
reader = signed_in_as(access.may_see)


class ProjectionsQuery(Schema):
    plan: str | None = None
    district: str | None = Field(None, description="a district's short code; all if omitted")
    from_: int | None = Field(
        None, alias="from", description="the school year projected from; the latest by default"
    )


def _number(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _level(level: outlook.LevelOutlook) -> dict:
    base = level.years[0]
    return {
        "level": level.level,
        "label": level.label,
        "places": level.places,
        "warnings": {"surplus_from": level.surplus_from, "shortfall_from": level.shortfall_from},
        "backtest": None
        if level.backtest is None
        else {
            "projected_from": base - cohorts.BACKTEST_YEARS,
            "year": base,
            "projected": round(level.backtest.projected),
            "actual": level.backtest.actual,
            "error_students": round(level.backtest.students),
            "error_percent": _number(level.backtest.percent),
        },
        "years": [
            {
                "year": year,
                "kind": "actual" if year == base else "projected",
                "students": _number(students),
                "use": _number(None if use is None else 100 * use),
                "band": band,
                "assumed_births": assumed,
                "grades": {
                    str(row.grade): _number(
                        row.actual if year == base else row.projected[year - base - 1]
                    )
                    for row in level.grades
                },
            }
            for year, students, use, band, assumed in level.cells()
        ],
    }


@router.get(
    "/projections/",
    url_name="projections",
    auth=reader,
    response={200: dict, **refusals(SIGNED_IN_READ)},
    summary="Each district's projected students by school year, level and grade, with places, "
    "their use, warnings and the backtest",
)
def projections_api(request: HttpRequest, query: Query[ProjectionsQuery]) -> JsonResponse:
    plan = plan_for_request(request)
    if query.from_ is not None and not 2000 <= query.from_ <= 2100:
        raise BadParameter(_("from must be a school year between 2000 and 2100"))
    if query.district:
        districts = [access.get_district_for_user(request, query.district, plan.city_id)]
    else:
        districts = access.districts_for(request.auth, list(plan.city.districts.all()))
    rows = outlook.outlooks(districts, query.from_)
    return JsonResponse(
        {
            "plan": plan.slug,
            "method": "grade progression (cohort survival), mean ratio of the last "
            f"{cohorts.RATIO_YEARS} years",
            "thresholds": {
                "surplus_below": 100 * cohorts.SURPLUS_BELOW,
                "shortfall_above": 100 * cohorts.SHORTFALL_ABOVE,
            },
            "districts": [
                {
                    "district": row.district.slug,
                    "name": row.district.name,
                    "base_year": row.base_year,
                    "last_births_year": row.last_births,
                    "assumed_births": {str(y): n for y, n in row.assumed_births.items()},
                    "levels": [_level(level) for level in row.levels],
                }
                for row in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
