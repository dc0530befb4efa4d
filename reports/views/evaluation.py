"""The evaluation page of a plan, its archive of built reports, and their downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import may_build_evaluation, require
from departments.models import District
from plans.access import get_plan_for_user, may_see_plan, plan_for_request
from plans.models import Plan, keep_plan
from reports.access import Access, evaluation_access, evaluations_for
from reports.evaluation import SHORTFALL, Evaluation, evaluate, evaluation_years
from reports.evaluation_document import FORMATS
from reports.models import EvaluationReport
from reports.tasks import request_evaluation
from targets.display import VERDICT_PALETTE, count_bar
from zibo_edu.lib.charts import Series, city_line, line_chart
from zibo_edu.lib.params import int_param

CHARTS = 4  # charts of the targets furthest from their goal


def _access(request: HttpRequest) -> Access:
    access = evaluation_access(request.user)
    if access is None:
        raise PermissionDenied
    return access


def _district(request: HttpRequest, plan: Plan, access: Access) -> District | None:
    """District staff: their own; others: the one asked for (?district=slug), or the city."""
    if access.district is not None:
        return access.district
    slug = request.GET.get("district") or request.POST.get("district") or ""
    if not slug:
        return None
    return get_object_or_404(District, city=plan.city, slug=slug)


def _year(raw: str, plan: Plan) -> int | None:
    year = int_param({"year": raw}, "year")
    return year if year in evaluation_years(plan) else None


@login_required
@require_safe  # a page to read: a POST is 405, never treated as a GET
def evaluation_start(request: HttpRequest) -> HttpResponse:
    """The evaluation of the plan asked for (?plan=), or of the user's current plan."""
    plan = plan_for_request(request)
    return redirect("evaluation", plan.slug)


@login_required
@require_safe  # a page to read: a POST is 405, never treated as a GET
def evaluation_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request)
    plan = get_plan_for_user(request, slug)
    district = _district(request, plan, access)
    year = _year(request.GET.get("year", ""), plan)
    evaluation = evaluate(plan, year, district=district, department=access.department)
    mine = access.department is not None and request.GET.get("mine") == "1"
    chapters = []
    for chapter in evaluation.chapters:
        rows = [
            (t, t.districts.get(district.pk) if district else None)
            for t in chapter.targets
            if t.own or not mine
        ]
        if rows:
            chapters.append((chapter, rows))
    reports = _archive(request, plan)
    context = {
        "plan": plan,
        **keep_plan(plan),  # the header's links stay on the evaluated plan
        "evaluation": evaluation,
        "access": access,
        "mine": mine,
        "chapters": chapters,
        "counts": [(v, v.label, n) for v, n in evaluation.counts],
        "verdict_bar": _verdict_bar(evaluation.counts),
        "charts": _charts(evaluation),
        "missing_by_unit": _missing_by_unit(evaluation),
        "years": evaluation_years(plan),
        "districts": evaluation.districts if access.may_choose_district else [],
        "district_table": [
            (row, [row.count(v) for v, _n in evaluation.counts]) for row in evaluation.district_rows
        ],
        "reports": reports,
        "working": any(r.state in ("queued", "building") for r in reports),
        "formats": EvaluationReport.Format.choices,
        "may_build": may_build_evaluation(request.user),
    }
    return render(request, "reports/evaluation.html", context)


def _archive(request: HttpRequest, plan: Plan) -> list[EvaluationReport]:
    return list(evaluations_for(request.user).filter(plan=plan).defer("file")[:30])


@login_required
@require_POST
def evaluation_build(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue a report of the evaluation shown (year, district, format); a worker builds it."""
    access = _access(request)
    require(may_build_evaluation(request.user))
    plan = get_plan_for_user(request, slug)
    district = _district(request, plan, access)
    fmt = request.POST.get("format", "")
    year = _year(request.POST.get("year", ""), plan)
    if fmt not in FORMATS or year is None:
        messages.error(request, _("Choose a format (PDF, Word or Excel) and a year of the plan."))
        return redirect("evaluation", plan.slug)
    _report, queued = request_evaluation(
        plan=plan, year=year, district=district, format=fmt, requested_by=request.user
    )
    if queued:
        messages.success(request, _("The report is being built; it appears in the archive below."))
    else:
        messages.warning(
            request,
            _(
                "Recorded: the report will be built automatically as soon as the task queue is "
                "back; it cannot be reached right now. It appears in the archive below."
            ),
        )
    query = f"?year={year}" + (
        f"&district={district.slug}" if district and access.may_choose_district else ""
    )
    return redirect(reverse("evaluation", args=[plan.slug]) + query + "#archive")


@login_required
@require_safe  # a page to read: a POST is 405, never treated as a GET
def evaluation_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(evaluations_for(request.user), pk=pk)
    if not may_see_plan(request.user, report.plan):
        raise Http404  # another city's
    if report.state != EvaluationReport.State.DONE or not report.file:
        raise Http404
    response = HttpResponse(bytes(report.file), content_type=FORMATS[report.format])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


def _missing_by_unit(evaluation: Evaluation) -> list[dict]:
    """What is still missing for a complete evaluation, by reporting unit and state."""
    units: dict = {}
    for figure in evaluation.missing:
        key = figure.district.pk if figure.district else 0
        unit = units.setdefault(
            key,
            {
                "name": figure.district.name if figure.district else _("city"),
                "figures": [],
                "order": figure.district.order if figure.district else -1,
            },
        )
        unit["figures"].append(figure)
    return sorted(units.values(), key=lambda u: u["order"])


def _verdict_bar(counts) -> str:
    """One horizontal bar of verdicts, each part labelled with its count (a table is beside)."""
    return count_bar(counts, VERDICT_PALETTE, _("Targets by verdict"))


def _charts(evaluation: Evaluation) -> list[str]:
    """The targets furthest from their goal, drawn as on the target dashboard."""
    plan = evaluation.plan
    behind = [
        t
        for t in evaluation.targets
        if t.city.verdict in SHORTFALL
        and t.city.progress.series
        and t.target.kind not in ("district_minimum", "milestone", "annual_change")
    ]
    behind.sort(key=lambda t: (t.city.progress.ratio is None, t.city.progress.ratio or 0))
    charts = []
    for item in behind[:CHARTS]:
        target = item.target
        series = []
        if evaluation.district is not None:
            own = item.districts.get(evaluation.district.pk)
            if own and own.progress.series:
                series.append(Series(evaluation.district.name, own.progress.series, highlight=True))
        series.append(Series(city_line(plan.city.name), item.city.progress.series, emphasis=True))
        city = item.city.progress.series
        first = min(city)
        charts.append(
            line_chart(
                f"{target.code} {target.name}",
                list(plan.years),
                series,
                path={first: city[first], target.deadline_year: target.value},
                target=target.value,
                unit="%" if target.is_percentage else "",
                width=640,
                height=260,
            )
        )
    return charts
