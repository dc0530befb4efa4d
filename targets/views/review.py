"""Reviewing figures: one by one on the figure's page, in bulk on the review list; completeness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from departments.models import District, Role, role_of
from plans.models import Plan
from targets import completeness as completeness_of
from targets import figures
from targets.models import Figure, ReportingPeriod, Target


def _get_figure_for_user(request: HttpRequest, pk: int) -> Figure:
    """404 for a figure outside the user's scope (the one scoping rule, Figure.objects.for_user)."""
    queryset = Figure.objects.for_user(request.user).select_related(
        "target__task__part__plan", "district", "updated_by"
    )
    return get_object_or_404(queryset.prefetch_related("target__task__assignments"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = _get_figure_for_user(request, pk)
    if request.method == "POST":
        _act_on(request, figure)
        return redirect(figure)
    history = figure.changes.select_related("changed_by")
    context = {
        "figure": figure,
        "target": figure.target,
        "history": history,
        "may_review": figures.may_review(request.user, figure.target),
        "may_reopen": figures.may_reopen(request.user),
        "may_enter": figures.may_enter(request.user, figure.district),
    }
    return render(request, "targets/figure_detail.html", context)


def _act_on(request: HttpRequest, figure: Figure) -> None:
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    if action in ("approve", "return") and not figures.may_review(request.user, figure.target):
        raise PermissionDenied
    if action in ("reopen", "restore") and not figures.may_reopen(request.user):
        raise PermissionDenied
    if action == "approve":
        done = figures.approve([figure], user=request.user)
        _report(request, done, _("Approved."), _("Only submitted figures can be approved."))
    elif action == "return":
        if not reason:
            messages.error(request, _("Say why the figure is returned."))
            return
        done = figures.send_back([figure], user=request.user, reason=reason)
        _report(
            request,
            done,
            _("Returned to the district."),
            _("Only submitted figures can be returned."),
        )
    elif action == "reopen":
        if not reason:
            messages.error(request, _("Say why the approved figure is reopened."))
            return
        figures.reopen(figure, user=request.user, reason=reason)
        messages.success(request, _("Reopened: the district can edit it again."))
    elif action == "restore":
        change = get_object_or_404(figure.changes, pk=request.POST.get("change"))
        figures.restore(figure, change, user=request.user)
        messages.success(request, _("The earlier value is restored (and logged)."))
    else:
        raise Http404


def _report(request, done: list, success: str, nothing: str) -> None:
    if done:
        messages.success(request, success)
    else:
        messages.warning(request, nothing)


def reviewable(user) -> QuerySet[Figure]:
    """Figures the user may approve or return: the lead department's targets, or all for the
    city admin."""
    role = role_of(user)
    scoped = Figure.objects.for_user(user)
    if role and role.kind == Role.Kind.DEPARTMENT_HEAD:
        return scoped.filter(target__in=Target.objects.led_by(role.department).values("pk"))
    if figures.may_reopen(user):
        return scoped
    return scoped.none()


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if not (figures.may_reopen(request.user) or (role and role.kind == Role.Kind.DEPARTMENT_HEAD)):
        raise PermissionDenied
    pending = reviewable(request.user).filter(state=Figure.State.SUBMITTED)
    if request.method == "POST":
        chosen = list(pending.filter(pk__in=request.POST.getlist("figure")))
        if not chosen:
            messages.warning(request, _("Tick the figures to approve or return."))
        elif request.POST.get("action") == "approve":
            done = figures.approve(chosen, user=request.user)
            messages.success(request, _("Approved %(n)d figures.") % {"n": len(done)})
        elif request.POST.get("action") == "return":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                messages.error(request, _("Say why the figures are returned."))
            else:
                done = figures.send_back(chosen, user=request.user, reason=reason)
                messages.success(request, _("Returned %(n)d figures.") % {"n": len(done)})
        return redirect(request.get_full_path())
    year = request.GET.get("year")
    if year and year.isdigit():
        pending = pending.filter(year=int(year))
    rows = pending.select_related("target__task__part", "district", "updated_by").order_by(
        "year",
        "district__order",
        "target__task__part__order",
        "target__task__number",
        "target__order",
    )
    return render(request, "targets/review_list.html", {"figures": rows, "year": year})


@login_required
def completeness_latest(request: HttpRequest) -> HttpResponse:
    """The year now being reported: last calendar year, within the plan's years."""
    plan = Plan.objects.default()
    if plan is None:
        raise Http404
    return redirect("completeness", plan.reporting_year())


@login_required
def completeness(request: HttpRequest, year: int) -> HttpResponse:
    """For each district: applicable targets missing, draft, submitted, approved, returned, late
    (as targets.completeness defines them)."""
    plan = Plan.objects.default()
    if plan is None or year not in plan.years:
        raise Http404
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    role = role_of(request.user)
    applicable = completeness_of.applicable(plan)
    districts = District.objects.filter(city=plan.city)
    if role and role.kind == Role.Kind.DEPARTMENT_HEAD:
        applicable = applicable.involving(role.department)
    if role and role.kind == Role.Kind.DISTRICT_STAFF:
        districts = districts.filter(pk=role.district_id)
    rows = completeness_of.tallies(
        applicable, districts, year, period, timezone.now(), Figure.objects.for_user(request.user)
    )
    context = {
        "plan": plan,
        "year": year,
        "period": period,
        "total": rows[0].total if rows else applicable.count(),
        "rows": rows,
        "years": list(plan.years),
    }
    return render(request, "targets/completeness.html", context)
