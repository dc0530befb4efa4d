"""The yearly entry page: one district (or the city), one year, every target that applies."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import District, Role, role_of
from plans.models import Plan
from targets import figures
from targets.models import Figure, FigureChange, ReportingPeriod, Target
from targets.views.forms import FigureForm

CITY = "city"


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
    plan = Plan.objects.default()
    if plan is None:
        raise Http404
    district = None if slug == CITY else get_object_or_404(District, city=plan.city, slug=slug)
    if write and not figures.may_enter(request.user, district):
        role = role_of(request.user)
        if role and role.kind == Role.Kind.DISTRICT_STAFF:
            raise Http404
        raise PermissionDenied
    return Scope(plan, district)


@login_required
def entry_start(request: HttpRequest) -> HttpResponse:
    """Straight to the user's own district and the year now being reported."""
    role = role_of(request.user)
    plan = Plan.objects.default()
    if plan is None:
        raise Http404
    year = plan.reporting_year()
    if role and role.kind == Role.Kind.DISTRICT_STAFF:
        return redirect("figure_entry", role.district.slug, year)
    if figures.may_enter(request.user, None):
        return redirect("figure_entry", CITY, year)
    raise PermissionDenied


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
            return redirect("figure_entry", scope.slug, year)
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


def display_value(figure: Figure | None) -> str:
    """A figure as people read it: "87.5%（350/400）", "12", "是（2023-06-30）"."""
    if figure is None or not figure.is_filled:
        return "—"
    target = figure.target
    if target.entry == Target.Entry.FRACTION:
        if figure.numerator is None or not figure.denominator:
            return "—"
        ratio = target.measure(figure.numerator, figure.denominator)  # as progress reads it
        shown = f"{ratio:.1f}%" if target.is_percentage else f"{ratio:.2f}"
        return f"{shown}（{_plain(figure.numerator)}/{_plain(figure.denominator)}）"
    if figure.value is not None:
        return f"{_plain(figure.value)} {target.figure_unit}".strip()
    done = _("yes") if figure.achieved else _("no")
    return f"{done}（{figure.achieved_on:%Y-%m-%d}）" if figure.achieved_on else done


def _plain(value) -> str:
    return format(value.normalize(), "f")


def _deadline_state(period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    days = (period.deadline - timezone.localdate()).days
    return {"deadline": period.deadline, "days": abs(days), "overdue": days < 0}
