"""Reviewing figures: one by one on the figure's page, in bulk on the review list; completeness."""

from urllib.parse import urlencode

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from departments.access import (
    READ_ONLY,
    headed_department,
    may_enter,
    may_remind,
    may_reopen,
    may_use_review_list,
    require,
    scope_districts,
)
from departments.models import District
from plans.access import plan_for_request, require_open
from plans.models import Part, Plan, keep_plan, plan_query
from targets import access, figures, reminders, review_queue, succession
from targets.completeness import applicable, is_past, tallies
from targets.models import Figure, ReportingPeriod, Target
from zibo_edu.lib.params import int_list, to_int


@login_required
@require_http_methods(["GET", "POST"])
def figure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    figure = access.get_figure_for_user(request, pk, write=request.method == "POST")
    if request.method == "POST":
        if "queue" in request.POST and request.POST.get("action") in ("approve", "return"):
            return _act_in_queue(request, figure)
        return _act_on(request, figure) or redirect(figure)
    history = figure.changes.select_related(
        "changed_by__role__district", "changed_by__role__department"
    )
    plan = figure.target.task.part.plan
    context = {
        "plan": plan,  # the figure's plan is the page's: header, links, the 演示 banner
        **keep_plan(plan),
        "figure": figure,
        "target": figure.target,
        "history": history,
        "may_review": access.may_review(request.user, figure.target),
        "may_reopen": may_reopen(request.user),
        "may_enter": may_enter(request.user, figure.district),
        "queue": request.GET.get("queue"),
    }
    return render(request, "targets/figure_detail.html", context)


def _act_in_queue(request: HttpRequest, figure: Figure) -> HttpResponse:
    """Approve or return a figure opened from the review queue, then land on the queue's next
    item (same filter), or back on the list when none is left."""
    queue_query = request.POST["queue"]
    plan = figure.target.task.part.plan
    queue = _queue(request, plan, QueryDict(queue_query))[1]
    order = list(queue.filter(state=Figure.State.SUBMITTED).values_list("pk", flat=True))
    refused = _act_on(request, figure)
    figure.refresh_from_db(fields=["state"])
    if refused is not None or figure.state == Figure.State.SUBMITTED:
        return refused or redirect(
            f"{figure.get_absolute_url()}?{urlencode({'queue': queue_query})}"
        )
    after = review_queue.next_after(order, {figure.pk})
    if after is None:
        messages.info(request, _("Nothing else waits in this filter."))
        return redirect(reverse("review_list") + "?" + queue_query)
    return redirect(
        reverse("figure_detail", args=[after]) + "?" + urlencode({"queue": queue_query})
    )


def _act_on(request: HttpRequest, figure: Figure) -> HttpResponse | None:
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    if action in ("approve", "return"):
        require(access.may_review(request.user, figure.target), READ_ONLY)
    if action in ("reopen", "restore"):
        require(may_reopen(request.user), READ_ONLY)
    if figure.is_carried:  # its state follows its source in the previous plan
        messages.error(request, figures.carried_message(figure))
        return None
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


class ReviewFilter(django_filters.FilterSet):
    """The review queue's filters (GET): district, year, chapter, target and state."""

    district = django_filters.ModelChoiceFilter(
        label=_l("District"), to_field_name="slug", queryset=District.objects.none(),
        empty_label=_l("All"),
    )  # fmt: skip
    year = django_filters.ChoiceFilter(label=_l("year"), choices=[], empty_label=_l("All"))
    chapter = django_filters.ModelChoiceFilter(
        label=_l("chapter"), field_name="target__task__part", queryset=Part.objects.none(),
        empty_label=_l("All"),
    )  # fmt: skip
    target = django_filters.ModelChoiceFilter(
        label=_l("target"), queryset=Target.objects.none(), empty_label=_l("All")
    )
    state = django_filters.ChoiceFilter(
        label=_l("state"), choices=Figure.State.choices, empty_label=None, method="filter_state"
    )

    class Meta:
        model = Figure
        fields = ["district", "year", "chapter", "target", "state"]

    def __init__(self, data, *args, plan: Plan, user, **kwargs):
        data = data.copy()
        data.setdefault("state", Figure.State.SUBMITTED)  # the queue: what waits
        super().__init__(data, *args, **kwargs)
        self.filters["district"].queryset = District.objects.filter(city=plan.city)
        self.filters["year"].extra["choices"] = [(y, y) for y in plan.years]
        self.filters["chapter"].queryset = plan.parts.exclude(kind=Part.Kind.OVERALL)
        self.filters["target"].queryset = (
            access.scope_targets(Target.objects.of_plan(plan), user)
            .filter(pk__in=access.reviewable(user).values("target"))
            .select_related("task__part")
        )

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value)

    @property
    def chosen_state(self) -> str:
        return self.form.cleaned_data.get("state") or Figure.State.SUBMITTED

    def query(self, **extra) -> str:
        """The filter as a query string (to link to and come back to)."""
        params = {k: v for k, v in self.data.items() if k in self.filters and v}
        params.update(extra)
        if params.get("state") == Figure.State.SUBMITTED:
            params.pop("state")
        return urlencode(params)


LIMIT = 200  # rows shown at once; the counts cover the whole filter


def _queue(request: HttpRequest, plan: Plan, data) -> tuple[ReviewFilter, QuerySet[Figure]]:
    base = access.reviewable(request.user).filter(target__task__part__plan=plan)
    filterset = ReviewFilter(data, queryset=base, plan=plan, user=request.user)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, review_queue.ordered(filterset.qs)


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    require(may_use_review_list(request.user))
    plan = plan_for_request(request)
    filterset, queue = _queue(request, plan, request.GET)
    here = reverse("review_list") + "?" + filterset.query(**_plan_param(request))
    if request.method == "POST":
        require_open(request.user, plan)
        return _act_on_list(request, queue, here)
    today = timezone.localdate()
    total = queue.count()
    rows = queue.select_related("target__task__part", "district", "updated_by")[:LIMIT]
    previous = review_queue.previous_figures(list(rows))  # evaluates (and caches) the rows
    flags = review_queue.flags(list(rows))
    for figure in rows:
        figure.flags = flags.get(figure.pk, [])
        figure.previous = previous.get((figure.target_id, figure.district_id, figure.year))
        figure.change = review_queue.change(figure, figure.previous)
        figure.waiting = review_queue.waiting_days(figure, today)
    department = headed_department(request.user)
    leads_nothing = (
        department is not None and not Target.objects.of_plan(plan).led_by(department).exists()
    )
    pending = access.reviewable(request.user).filter(target__task__part__plan=plan)
    context = {
        "plan": plan,
        "filter": filterset,
        "figures": rows,
        "total": total,
        "limited": total > len(rows),
        "queue_query": filterset.query(**_plan_param(request)),
        "reviewing": filterset.is_valid() and filterset.chosen_state == Figure.State.SUBMITTED,
        "confirm_all": request.GET.get("confirm_all") == "1" and total > 0,
        "waiting": review_queue.waiting_by_department(pending, today),
        "department": department,
        "leads_nothing": leads_nothing,
    }
    # A filter that cannot be read is named on the page, and answered as the bad request it is.
    status = 200 if filterset.is_valid() else 400
    return render(request, "targets/review_list.html", context, status=status)


def _plan_param(request: HttpRequest) -> dict:
    return {"plan": request.GET["plan"]} if plan_query(request) else {}


def _act_on_list(request: HttpRequest, queue: QuerySet[Figure], here: str) -> HttpResponse:
    """Approve or return the ticked figures, or all of the filter (its count confirmed first);
    then back to the same filter, at the next item."""
    pending = queue.filter(state=Figure.State.SUBMITTED)
    action = request.POST.get("action")
    if action == "approve_all":
        count = pending.count()
        if request.POST.get("confirmed") != "yes":
            return redirect(here + "&confirm_all=1#approve-all")
        if request.POST.get("count") != str(count):
            messages.warning(
                request,
                _(
                    "The filter now holds %(n)d figures waiting, not %(asked)s: check them and "
                    "confirm again."
                )
                % {"n": count, "asked": request.POST.get("count", "?")},
            )
            return redirect(here + "&confirm_all=1#approve-all")
        done = figures.approve(list(pending), user=request.user)
        messages.success(request, _("Approved %(n)d figures.") % {"n": len(done)})
        return redirect(here)
    order = list(pending.values_list("pk", flat=True))
    chosen = list(pending.filter(pk__in=int_list(request.POST, "figure")))
    done = []
    if not chosen:
        messages.warning(request, _("Tick the figures to approve or return."))
    elif action == "approve":
        done = figures.approve(chosen, user=request.user)
        messages.success(request, _("Approved %(n)d figures.") % {"n": len(done)})
    elif action == "return":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, _("Say why the figures are returned."))
        else:
            done = figures.send_back(chosen, user=request.user, reason=reason)
            messages.success(request, _("Returned %(n)d figures.") % {"n": len(done)})
    after = review_queue.next_after(order, {f.pk for f in done})
    return redirect(here + (f"#figure-{after}" if done and after else ""))


def _missing_baselines(plan, districts) -> dict:
    """A successor's targets whose baseline is still missing, with the units (of those the
    user sees) that lack it."""
    if not plan.follows_id:
        return {}
    seen = {district.name for district in districts} | {plan.city.name}
    missing = {
        target: [unit for unit in units if unit in seen]
        for target, units in succession.missing_baselines(plan).items()
    }
    return {target: units for target, units in missing.items() if units}


@login_required
def completeness_latest(request: HttpRequest) -> HttpResponse:
    """The year now being reported: last calendar year, within the plan's years."""
    plan = plan_for_request(request)
    url = reverse("completeness", args=[plan.reporting_year()])
    return redirect(url + (f"?{request.GET.urlencode()}" if request.GET.get("plan") else ""))


@login_required
def completeness(request: HttpRequest, year: int) -> HttpResponse:
    """For each district: applicable targets missing, draft, submitted, approved, returned, late
    (as targets.completeness defines them)."""
    plan = plan_for_request(request)
    if year not in plan.years:
        raise Http404
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    targets = access.scope_targets(applicable(plan), request.user)
    districts = scope_districts(District.objects.filter(city=plan.city), request.user)
    rows = tallies(
        targets, districts, year, period, timezone.now(), Figure.objects.for_user(request.user)
    )
    enterable = {row.district.pk for row in rows if may_enter(request.user, row.district)}
    history = reminders.history(period) if period else {}
    remindable = period is not None and may_remind(request.user)
    reachable = reminders.reachable(districts) if remindable else set()
    for row in rows:
        row.reminded, row.times_reminded = history.get(row.district.pk, (None, 0))
        row.reachable = row.district.pk in reachable
    context = {
        "plan": plan,
        "year": year,
        "period": period,
        "total": rows[0].total if rows else targets.count(),
        "rows": rows,
        "years": list(plan.years),
        "department": headed_department(request.user),
        "enterable": enterable,
        "may_remind": remindable,
        "deadline_passed": is_past(period, timezone.now()),
        # a successor's baselines still waiting for the previous plan's final figures
        "missing_baselines": _missing_baselines(plan, districts),
    }
    return render(request, "targets/completeness.html", context)


@login_required
@require_POST
def remind_now(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    """The city admin's "remind now" for one district: the daily task's message, logged."""
    require(may_remind(request.user))
    plan = plan_for_request(request)
    require_open(request.user, plan)
    period = get_object_or_404(ReportingPeriod, plan=plan, year=year)
    district = get_object_or_404(District, city=plan.city, slug=slug)
    outcome = reminders.remind_now(period, district, user=request.user)
    if outcome.queued:
        reminder = outcome.reminder
        reminder.refresh_from_db()  # sent already when the queue runs it in-process
        answer = {"district": district, "recipients": reminder.recipients}
        if reminder.is_sent:
            messages.success(request, _("%(district)s is reminded: %(recipients)s.") % answer)
        elif not reminder.waits_for_the_queue:
            messages.success(
                request,
                _("%(district)s's reminder to %(recipients)s is queued; it goes out in a moment.")
                % answer,
            )
        else:
            messages.warning(
                request,
                _(
                    "%(district)s's reminder to %(recipients)s is recorded and will go out "
                    "automatically as soon as the task queue is back; it cannot be reached "
                    "right now."
                )
                % answer,
            )
    else:
        messages.warning(
            request,
            {
                "claimed": _(
                    "%(district)s was already reminded today; one reminder a day is sent."
                ),
                "complete": _("%(district)s has submitted every figure: nothing to remind of."),
                "no_recipients": _(
                    "Nobody was emailed and no reminder was recorded: %(district)s has no active "
                    "district staff account with an email address. Add an email address to its "
                    "staff account in the admin (Users), then remind again."
                ),
            }[outcome.reason]
            % {"district": district},
        )
    return redirect(reverse("completeness", args=[year]) + plan_query(request))
