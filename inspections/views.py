"""The county 督导 evaluation pages: the city's counties (certified / ready / gaps), a county's
evaluation (its standing, the 差异系数 table, the schools failing, the schools weighing most),
the items the city admin records, the county's report (PDF, Word, Excel annex) and the evidence
files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from departments.access import require
from inspections import access, document, items
from inspections.evaluation import evaluate, evaluate_many
from inspections.models import CountyItem, Kind
from plans.access import plan_for_request
from schools.models import SchoolYearStatistics
from schools.statistics import school_year_label
from zibo_edu.lib.params import BadParameter

TOP_WEIGHTS = 3  # schools named per indicator as weighing most on its 差异系数


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def latest_year(city_id: int) -> int | None:
    return SchoolYearStatistics.objects.filter(school__district__city_id=city_id).aggregate(
        latest=Max("school_year")
    )["latest"]


def _year(request: HttpRequest, city_id: int) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return latest_year(city_id) or 2025
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadParameter(_("year must be a school year between 2000 and 2100"))
    return int(raw)


def _common(request, kind, year) -> dict:
    return {
        "kind": kind,
        "kind_label": Kind(kind).label,
        "kinds": Kind.choices,
        "year": year,
        "year_label": school_year_label(year),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(access.may_see_inspections(request.user))
    own = access.own_district(request.user)
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    if own is not None:
        return redirect(reverse("inspections_county", args=[Kind.BALANCED, own.slug]) + suffix)
    return redirect(reverse("inspections_city", args=[Kind.BALANCED]) + suffix)


@login_required
def city(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    require(access.may_see_inspections(request.user))
    own = access.own_district(request.user)
    if own is not None:
        return redirect("inspections_county", kind=kind, slug=own.slug)
    plan = plan_for_request(request)
    year = _year(request, plan.city_id)
    districts = access.visible_districts(request.user, plan.city)
    evaluations = evaluate_many(kind, districts, year, summary=True)
    counts = {
        s: sum(1 for e in evaluations if e.standing == s) for s in ("certified", "ready", "gaps")
    }
    context = {
        **_common(request, kind, year),
        "plan": plan,
        "evaluations": evaluations,
        "counts": counts,
        "standard": evaluations[0].standard if evaluations else None,
    }
    return render(request, "inspections/city.html", context)


@login_required
def county(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    kind = _kind(kind)
    require(access.may_see_inspections(request.user))
    plan = plan_for_request(request)
    district = access.get_district(request.user, slug, plan.city_id)
    year = _year(request, plan.city_id)
    e = evaluate(kind, district, year)
    context = {
        **_common(request, kind, year),
        "plan": plan,
        "district": district,
        "e": e,
        "top": TOP_WEIGHTS,
        "may_record": access.may_record_items(request.user),
        "may_see_city": access.may_see_city_page(request.user),
        "formats": document.FORMATS,
    }
    return render(request, "inspections/county.html", context)


@login_required
def record_items(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    kind = _kind(kind)
    require(access.may_see_inspections(request.user))
    plan = plan_for_request(request)
    district = access.get_district(request.user, slug, plan.city_id)
    require(access.may_record_items(request.user))
    year = _year(request, plan.city_id) if request.method == "GET" else _posted_year(request)
    e = evaluate(kind, district, year)
    errors: list[str] = []
    if request.method == "POST":
        try:
            changed = items.record(
                district, kind, year, e.standard, request.POST, request.FILES, request.user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if changed:
                messages.success(request, _("%(n)s items saved.") % {"n": changed})
            else:
                messages.info(request, _("Nothing changed."))
            url = reverse("inspections_county", args=[kind, district.slug])
            return redirect(f"{url}?year={year}")
    recorded = {
        (i.part, i.number): i
        for i in CountyItem.objects.filter(district=district, kind=kind, school_year=year)
    }
    posted = request.POST if errors else None
    rows = [
        (slot, recorded.get((slot.part, slot.number)), items.shown(slot, recorded, posted))
        for slot in items.slots(e.standard)
    ]
    context = {
        **_common(request, kind, year),
        "plan": plan,
        "district": district,
        "e": e,
        "rows": rows,
        "errors": errors,
        "posted": request.POST if errors else None,
        "statuses": items.Status.choices,
    }
    return render(request, "inspections/items.html", context, status=422 if errors else 200)


def _posted_year(request: HttpRequest) -> int:
    raw = request.POST.get("year", "")
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadParameter(_("year must be a school year between 2000 and 2100"))
    return int(raw)


@login_required
def report(request: HttpRequest, kind: str, slug: str, fmt: str) -> HttpResponse:
    kind = _kind(kind)
    if fmt not in document.FORMATS:
        raise Http404
    require(access.may_see_inspections(request.user))
    plan = plan_for_request(request)
    district = access.get_district(request.user, slug, plan.city_id)
    year = _year(request, plan.city_id)
    e = evaluate(kind, district, year)
    content = document.render(e, fmt)
    response = HttpResponse(content, content_type=document.FORMATS[fmt])
    name = document.file_name(e, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(CountyItem.objects.select_related("district"), pk=pk)
    if not item.evidence or not access.may_download_evidence(request.user, item.district):
        raise Http404
    try:
        content = item.evidence.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        content, as_attachment=True, filename=item.evidence_name, content_type=item.evidence_type
    )
