"""The yearly entry page: one district (or the city), one year, every target that applies."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import District
from plans.models import Plan
from targets import access, figures
from targets.display import display_value
from targets.models import Figure, FigureChange, ReportingPeriod, Target
from targets.views.forms import FigureForm

CITY = access.CITY


@dataclass
class Scope:
    """Whose figures a page is about: a district, or the city (district None)."""

    plan: Plan
    district: District | None

    @property
    def slug(self) -> str:
        return self.district.slug if self.district else CITY

    @property
    def name(self) -> str:
        return self.district.name if self.district else self.plan.city.name

    def targets(self) -> QuerySet[Target]:
        reporter = Target.Reporter.DISTRICTS if self.district else Target.Reporter.CITY
        return Target.objects.of_plan(self.plan).filter(reported_by=reporter).for_listing()


def scope_for(request: HttpRequest, slug: str, *, write: bool) -> Scope:
    """404 for a district the user may not see; 403 for one they may see but not enter."""
    plan = Plan.objects.from_request(request)
    return Scope(plan, access.get_district_for_user(request, slug, plan, write=write))


@login_required
def entry_start(request: HttpRequest) -> HttpResponse:
    """Straight to the user's own district and the year now being reported."""
    plan = Plan.objects.from_request(request)
    year = plan.reporting_year()
    district = access.own_district(request.user)
    if district is not None:
        return _to_entry(request, district.slug, year)
    access.require(access.may_enter(request.user, None))
    return _to_entry(request, CITY, year)


def _to_entry(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    url = reverse("figure_entry", args=[slug, year])
    return redirect(url + (f"?{request.GET.urlencode()}" if request.GET.get("plan") else ""))


@login_required
def figure_entry(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    scope = scope_for(request, slug, write=True)
    if year not in scope.plan.years:
        raise Http404
    period = ReportingPeriod.objects.filter(plan=scope.plan, year=year).first()
    targets = list(scope.targets())
    district_id = scope.district.pk if scope.district else None
    stored = figures.existing_for({district_id}, {year, year - 1})
    by_pk = {target.pk: target for target in targets}
    for figure in stored.values():  # the targets are loaded already: no query per figure
        if figure.target_id in by_pk:
            figure.target = by_pk[figure.target_id]
    forms = [
        FigureForm(
            request.POST or None,
            target=target,
            figure=stored.get(figures.Key(target.pk, district_id, year)),
            previous=stored.get(figures.Key(target.pk, district_id, year - 1)),
            note_threshold=period.change_note_threshold if period else None,
        )
        for target in targets
    ]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        if _save(request, scope, year, forms, stored):
            return _to_entry(request, scope.slug, year)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    chapters = [
        (part, list(group)) for part, group in groupby(forms, key=lambda f: f.target.task.part)
    ]
    context = {
        "plan": scope.plan,
        "scope": scope,
        "year": year,
        "period": period,
        "deadline_state": _deadline_state(period),
        "chapters": chapters,
        "years": list(scope.plan.years),
    }
    return render(request, "targets/figure_entry.html", context)


def _save(request, scope: Scope, year: int, forms: list[FigureForm], stored) -> bool:
    district_id = scope.district.pk if scope.district else None
    entries = [
        figures.Entry(
            figures.Key(form.target.pk, district_id, year),
            form.figure_input(),
            form.cleaned_data.get("version"),
        )
        for form in forms
        if form.figure is None or form.figure.is_editable
    ]
    try:
        outcome = figures.record(
            entries, user=request.user, channel=FigureChange.Channel.FORM, current=stored
        )
    except figures.FigureConflict as conflict:
        for figure in conflict.figures:
            messages.error(request, _conflict_message(figure))
        return False
    except figures.FigureLocked as locked:
        names = "、".join(f.target.code for f in locked.figures)
        messages.error(
            request, _("Under review or approved, not changed: %(names)s") % {"names": names}
        )
        return False
    submitted = []
    if request.POST.get("action") == "submit":
        fresh = figures.existing_for({district_id}, {year})
        submitted = figures.submit(list(fresh.values()), user=request.user)
    messages.success(
        request,
        _("Saved: %(created)d new, %(updated)d changed, %(submitted)d submitted for review.")
        % {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "submitted": len(submitted),
        },
    )
    return True


def _conflict_message(figure: Figure) -> str:
    return figures.conflict_message(figure, display_value(figure))


def _deadline_state(period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    days = (period.deadline - timezone.localdate()).days
    return {"deadline": period.deadline, "days": abs(days), "overdue": days < 0}
