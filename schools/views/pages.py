"""The schools pages: a district's schools, a school's statistics by school year, the
indicators and an indicator's values by district and year with the schools behind them."""

import csv
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.db.models import F, Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from departments.access import own_district, require, scope_districts
from plans.access import plan_for_request
from schools import access, indicators
from schools.models import GradeEnrolment, School, SchoolYearStatistics
from schools.statistics import (
    FIELDS,
    GRADES,
    LEVEL_LABELS,
    LEVELS,
    school_year_name,
    section_students,
)
from schools.views.imports import _school_year
from zibo_edu.lib.charts import sparkline
from zibo_edu.lib.params import BadParameter

FILTERS = {"category": School.Category, "ownership": School.Ownership, "locality": School.Locality}
SORTS = {
    "code": "code",
    "name": "name",
    "category": "category",
    "enrolled": "enrolled",
    "teachers": "teachers",
    "classes": "classes",
    "places": "approved_places",
}
SHOWN = ["enrolled", "classes", "teachers"]


@login_required
def schools_home(request: HttpRequest) -> HttpResponse:
    require(access.may_see_schools(request.user))
    own = own_district(request.user)
    if own is not None:
        return redirect("district_schools", slug=own.slug)
    plan = plan_for_request(request)
    districts = scope_districts(list(plan.city.districts.all()), request.user)
    counts = School.objects.for_user(request.user).filter(district__in=districts)
    by_district = {d: counts.filter(district=d).count() for d in districts}
    context = {
        "plan": plan,
        "districts": by_district.items(),
        "indicators": indicators.indicators().values(),
    }
    return render(request, "schools/home.html", context)


def _choice(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    if value and value not in FILTERS[name].values:
        allowed = "、".join(FILTERS[name].values)
        raise BadParameter(
            _("%(name)s must be one of %(allowed)s") % {"name": name, "allowed": allowed}
        )
    return value


@login_required
def district_schools(request: HttpRequest, slug: str) -> HttpResponse:
    require(access.may_see_schools(request.user))
    plan = plan_for_request(request)
    district = access.get_district_for_user(request, slug, plan.city_id)
    latest = SchoolYearStatistics.objects.filter(school__district=district).aggregate(
        latest=Max("school_year")
    )["latest"]
    year = _school_year(request, latest)  # by default the latest school year with statistics
    sort = request.GET.get("sort", "code")
    if sort.lstrip("-") not in SORTS:
        raise BadParameter(_("sort must be one of %(allowed)s") % {"allowed": "、".join(SORTS)})
    chosen = {name: _choice(request, name) for name in FILTERS}
    of_year = SchoolYearStatistics.objects.filter(school=OuterRef("pk"), school_year=year)
    schools = (
        School.objects.for_user(request.user)
        .filter(district=district)
        .open_in(year)
        .filter(**{k: v for k, v in chosen.items() if v})
        .annotate(**{name: Subquery(of_year.values(name)[:1]) for name in SHOWN})
    )
    key = SORTS[sort.lstrip("-")]
    order = F(key).desc(nulls_last=True) if sort.startswith("-") else F(key).asc(nulls_last=True)
    schools = schools.order_by(order, "code")
    if request.GET.get("_export") == "csv":
        return _export(schools, district, year)
    context = {
        "plan": plan,
        "district": district,
        "year": year,
        "schools": schools,
        "label": school_year_name(year),
        "chosen": chosen,
        "sort": sort,
        "filters": {n: c.choices for n, c in FILTERS.items()},
    }
    return render(request, "schools/district.html", context)


def _export(schools, district, year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schools-{district.slug}-{year}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with its mark
    writer = csv.writer(response)
    writer.writerow(
        [
            "学校标识码",
            "学校名称",
            "类别",
            "办别",
            "普惠性质",
            "城乡",
            "核定学位",
            "在校生数",
            "班数",
            "专任教师数",
        ]
    )
    for s in schools:
        writer.writerow(
            [
                s.code,
                s.name,
                s.get_category_display(),
                s.get_ownership_display(),
                s.get_inclusiveness_display(),
                s.get_locality_display(),
                s.approved_places,
                s.enrolled,
                s.classes,
                s.teachers,
            ]
        )
    return response


@login_required
def school_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(access.may_see_schools(request.user))
    school = access.get_school_for_user(request, code)
    rows = list(school.statistics.order_by("school_year"))
    years = [r.school_year for r in rows]
    table = [
        (
            spec,
            [getattr(r, spec.name) for r in rows],
            sparkline({r.school_year: getattr(r, spec.name) for r in rows}, years) if years else "",
        )
        for spec in FIELDS
    ]
    by_year: dict[int, dict[int, int]] = {}
    for year, grade, students in GradeEnrolment.objects.filter(
        statistics__school=school
    ).values_list("statistics__school_year", "grade", "students"):
        by_year.setdefault(year, {})[grade] = students
    present = sorted({g for grades in by_year.values() for g in grades})
    grade_rows = [(GRADES[g], [by_year.get(y, {}).get(g) for y in years], False) for g in present]
    sections = [section_students(by_year.get(y, {})) for y in years]
    levels = [level for level in LEVELS if any(level in s for s in sections)]
    if len(levels) > 1:  # a mixed school: its sections' students
        grade_rows += [
            (LEVEL_LABELS[level], [s.get(level) if by_year.get(y) else None
                                   for s, y in zip(sections, years, strict=True)], True)
            for level in levels
        ]  # fmt: skip
    context = {
        "school": school,
        "years": [school_year_name(y) for y in years],
        "table": table,
        "grade_rows": grade_rows if present else [],
        "merged_from": list(school.merged_from.all()),
    }
    return render(request, "schools/school.html", context)


@login_required
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    require(access.may_see_schools(request.user))
    indicator = indicators.get(key)
    if indicator is None:
        raise Http404
    plan = plan_for_request(request)
    districts = scope_districts(list(plan.city.districts.all()), request.user)
    years = list(plan.years)
    by_district, city = indicators.derive(indicator, plan.city_id, years)
    rows = [(d, [by_district.get((d.pk, y)) for y in years]) for d in districts]
    context = {
        "plan": plan,
        "indicator": indicator,
        "years": years,
        "rows": rows,
        "city_row": [city.get(y) for y in years] if len(districts) > 1 else None,
    }
    slug = request.GET.get("district")
    if slug:
        district = access.get_district_for_user(request, slug, plan.city_id)
        year = _school_year(request)
        context |= {
            "behind": indicators.schools_behind(indicator, district, year, _entered(request)),
            "behind_district": district,
            "behind_year": year,
            "entered": request.GET.get("entered", ""),
        }
    return render(request, "schools/indicator.html", context)


def _entered(request: HttpRequest) -> Decimal | None:
    """?entered=: the district's entered value, to see which schools weigh most against it."""
    raw = request.GET.get("entered", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise BadParameter(_("entered must be a number, not %(value)s") % {"value": raw[:20]})
    return value
