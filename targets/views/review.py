"""Reviewing figures: one by one on the figure's page, in bulk on the review list; completeness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from departments.models import District
from plans.models import Plan
from targets import access, figures
from targets import completeness as completeness_of
from targets.models import Figure, ReportingPeriod, Target
from zibo_edu.lib.params import int_list, int_param, to_int


@login_required
@require_http_methods(["GET", "POST"])
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = access.get_figure_for_user(request, pk, write=request.method == "POST")
    if request.method == "POST":
        return _act_on(request, figure) or redirect(figure)
    history = figure.changes.select_related(
        "changed_by__role__district", "changed_by__role__department"
    )
    context = {
        "figure": figure,
        "target": figure.target,
        "history": history,
        "may_review": access.may_review(request.user, figure.target),
        "may_reopen": access.may_reopen(request.user),
        "may_enter": access.may_enter(request.user, figure.district),
    }
    return render(request, "targets/figure_detail.html", context)


def _act_on(request: HttpRequest, figure: Figure) -> HttpResponse | None:
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    if action in ("approve", "return"):
        access.require(access.may_review(request.user, figure.target), access.READ_ONLY)
    if action in ("reopen", "restore"):
        access.require(access.may_reopen(request.user), access.READ_ONLY)
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
        change = get_object_or_404(
            figure.changes, pk=to_int(request.POST.get("change", ""), "change")
        )
        if request.POST.get("confirmed") != "yes":  # the figure page asks first
            return redirect(f"{figure.get_absolute_url()}?restore={change.pk}#restore")
        try:
            figures.restore(figure, change, user=request.user)
        except figures.FigureRefused as refused:
            messages.error(request, str(refused))
            return None
        messages.success(request, _("The earlier value is restored (and logged)."))
    else:
        raise Http404


def _report(request, done: list, success: str, nothing: str) -> None:
    if done:
        messages.success(request, success)
    else:
        messages.warning(request, nothing)


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    access.require(access.may_use_review_list(request.user))
    plan = Plan.objects.from_request(request)
    pending = access.reviewable(request.user).filter(
        state=Figure.State.SUBMITTED, target__task__part__plan=plan
    )
    if request.method == "POST":
        chosen = list(pending.filter(pk__in=int_list(request.POST, "figure")))
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
    year = int_param(request.GET, "year")
    if year is not None:
        pending = pending.filter(year=year)
    rows = pending.select_related("target__task__part", "district", "updated_by").order_by(
        "year",
        "district__order",
        "target__task__part__order",
        "target__task__number",
        "target__order",
    )
    department = access.headed_department(request.user)
    leads_nothing = (
        department is not None and not Target.objects.of_plan(plan).led_by(department).exists()
    )
    context = {
        "plan": plan,
        "figures": rows,
        "year": year,
        "department": department,
        "leads_nothing": leads_nothing,
    }
    return render(request, "targets/review_list.html", context)


@login_required
def completeness_latest(request: HttpRequest) -> HttpResponse:
    """The year now being reported: last calendar year, within the plan's years."""
    plan = Plan.objects.from_request(request)
    url = reverse("completeness", args=[plan.reporting_year()])
    return redirect(url + (f"?{request.GET.urlencode()}" if request.GET.get("plan") else ""))


@login_required
def completeness(request: HttpRequest, year: int) -> HttpResponse:
    """For each district: applicable targets missing, draft, submitted, approved, returned, late
    (as targets.completeness defines them)."""
    plan = Plan.objects.from_request(request)
    if year not in plan.years:
        raise Http404
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    applicable = access.scope_targets(completeness_of.applicable(plan), request.user)
    districts = access.scope_districts(District.objects.filter(city=plan.city), request.user)
    rows = completeness_of.tallies(
        applicable, districts, year, period, timezone.now(), Figure.objects.for_user(request.user)
    )
    enterable = {row.district.pk for row in rows if access.may_enter(request.user, row.district)}
    context = {
        "plan": plan,
        "year": year,
        "period": period,
        "total": rows[0].total if rows else applicable.count(),
        "rows": rows,
        "years": list(plan.years),
        "department": access.headed_department(request.user),
        "enterable": enterable,
    }
    return render(request, "targets/completeness.html", context)
