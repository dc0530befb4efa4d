"""The projection pages: the city's table (districts × school years, by use of places), a
district's page (by level and grade, with places, warnings and the backtest), their CSV and
Excel exports, and births (entered one by one or imported)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.access import own_district, require
from plans.access import plan_for_request
from projections import access, births, cohorts, display, outlook
from projections.models import Births, BirthsChange
from projections.views.forms import BirthsForm
from schools.statistics import LEVEL_LABELS, LEVELS
from zibo_edu.lib.cells import csv_text, workbook_bytes
from zibo_edu.lib.params import BadParameter

EXPORT_HEADERS = [
    "区县",
    "学段",
    "学年",
    "类型",
    "在校生数",
    "核定学位",
    "学位使用率",
    "预警",
    "假定出生人口",
]


def _base_year(request: HttpRequest) -> int | None:
    raw = request.GET.get("from", "")
    if not raw:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadParameter(_("from must be a school year between 2000 and 2100"))
    return int(raw)


def _export_kind(request: HttpRequest) -> str:
    kind = request.GET.get("_export", "")
    if kind not in ("", "csv", "xlsx"):
        raise BadParameter(_("_export must be csv or xlsx"))
    return kind


def _export(rows: list[outlook.DistrictOutlook], kind: str, name: str) -> HttpResponse:
    table = [EXPORT_HEADERS]
    for row in rows:
        for level in row.levels:
            for year, students, use, band, assumed in level.cells():
                table.append(
                    [
                        row.district.name,
                        level.label,
                        year,
                        "实际" if year == row.base_year else "预测",
                        None if students is None else round(students),
                        level.places,
                        None if use is None else round(100 * use, 1),
                        display.band_word(band),
                        "是" if assumed else "",
                    ]
                )
    if kind == "csv":
        response = HttpResponse(csv_text(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        workbook_bytes(table, title="学位预警"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def projections_home(request: HttpRequest) -> HttpResponse:
    require(access.may_see(request.user))
    own = own_district(request.user)
    kind = _export_kind(request)
    if own is not None and not kind:
        return redirect("projections_district", slug=own.slug)
    plan = plan_for_request(request)
    level = request.GET.get("level", "primary")
    if level not in LEVELS:
        raise BadParameter(_("level must be one of %(allowed)s") % {"allowed": "、".join(LEVELS)})
    districts = access.districts_for(request.user, list(plan.city.districts.all()))
    rows = outlook.outlooks(districts, _base_year(request))
    if kind:
        return _export(rows, kind, f"projections-{plan.city_id}")
    base = next((r.base_year for r in rows if r.base_year), None)
    context = {
        "plan": plan,
        "rows": [(r, r.level(level)) for r in rows],
        "level": level,
        "levels": [(key, LEVEL_LABELS[key]) for key in LEVELS],
        "label": LEVEL_LABELS[level],
        "years": list(range(base, base + outlook.HORIZON + 1)) if base else [],
        "base_year": base,
        "bands": [
            (b, display.band_class(b), display.band_word(b), display.band_symbol(b))
            for b in cohorts.BANDS
        ],
        "may_enter": bool(access.enterable_districts(request.user, districts)),
    }
    return render(request, "projections/city.html", context)


@login_required
def projections_district(request: HttpRequest, slug: str) -> HttpResponse:
    require(access.may_see(request.user))
    plan = plan_for_request(request)
    district = access.get_district_for_user(request, slug, plan.city_id)
    kind = _export_kind(request)
    (row,) = outlook.outlooks([district], _base_year(request))
    if kind:
        return _export([row], kind, f"projections-{district.slug}")
    context = {
        "plan": plan,
        "district": district,
        "outlook": row,
        "bands": [
            (b, display.band_class(b), display.band_word(b), display.band_symbol(b))
            for b in cohorts.BANDS
        ],
        "surplus": f"{100 * cohorts.SURPLUS_BELOW:.0f}%",
        "shortfall": f"{100 * cohorts.SHORTFALL_ABOVE:.0f}%",
    }
    return render(request, "projections/district.html", context)


def _births_context(request: HttpRequest, plan, form=None, problems=None) -> dict:
    districts = access.districts_for(request.user, list(plan.city.districts.all()))
    enterable = access.enterable_districts(request.user, districts)
    rows = Births.objects.filter(district__in=districts).select_related("district")
    by_key = {(b.district_id, b.year): b for b in rows}
    years = sorted({b.year for b in rows})
    return {
        "plan": plan,
        "years": years,
        "table": [(d, [by_key.get((d.pk, y)) for y in years]) for d in districts],
        "form": form or (BirthsForm(districts=enterable) if enterable else None),
        "problems": problems or [],
        "changes": BirthsChange.objects.filter(district__in=districts).select_related(
            "district", "changed_by"
        )[:10],
        "demo": any(b.is_demo for b in rows),
        "headers": "、".join(births.HEADERS),
    }


@login_required
def births_page(request: HttpRequest) -> HttpResponse:
    require(access.may_see(request.user))
    plan = plan_for_request(request)
    kind = _export_kind(request)
    if kind:
        districts = access.districts_for(request.user, list(plan.city.districts.all()))
        rows = list(Births.objects.filter(district__in=districts).select_related("district"))
        if kind == "csv":
            response = HttpResponse(births.export_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                births.export_xlsx(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="births.{kind}"'
        return response
    if request.method != "POST":
        return render(request, "projections/births.html", _births_context(request, plan))
    districts = access.districts_for(request.user, list(plan.city.districts.all()))
    enterable = access.enterable_districts(request.user, districts)
    require(bool(enterable))
    form = BirthsForm(request.POST, districts=enterable)
    if not form.is_valid():
        context = _births_context(request, plan, form=form)
        return render(request, "projections/births.html", context, status=422)
    entry = births.Entry(**form.cleaned_data)
    if births.record([entry], user=request.user, channel=BirthsChange.Channel.FORM):
        messages.success(
            request,
            _("Births saved: %(district)s %(year)s.")
            % {"district": entry.district.name, "year": entry.year},
        )
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("projections_births")


@login_required
@require_POST
def births_import(request: HttpRequest) -> HttpResponse:
    require(access.may_see(request.user))
    plan = plan_for_request(request)
    districts = access.districts_for(request.user, list(plan.city.districts.all()))
    enterable = access.enterable_districts(request.user, districts)
    require(bool(enterable))
    upload = request.FILES.get("file")
    if upload is None:
        problems = [_("Choose a file to upload.")]
    else:
        try:
            entries = births.read(upload, enterable)
        except births.ImportRefused as refused:
            problems = refused.problems
        else:
            changed = births.record(entries, user=request.user, channel=BirthsChange.Channel.IMPORT)
            messages.success(
                request,
                _("Imported %(rows)s rows; %(changed)s changed.")
                % {"rows": len(entries), "changed": changed},
            )
            return redirect("projections_births")
    context = _births_context(request, plan, problems=problems)
    return render(request, "projections/births.html", context, status=422)
