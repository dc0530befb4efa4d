"""The yearly entry page: one district (or the city), one year, every target that applies."""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.access import READ_ONLY, may_enter, own_district, require
from departments.models import District
from plans.access import may_write_plan, plan_for_request
from plans.models import Plan
from targets import access, completeness, figures, succession
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
    plan = plan_for_request(request)
    return Scope(plan, access.get_district_for_user(request, slug, plan, write=write))


@login_required
def entry_start(request: HttpRequest) -> HttpResponse:
    """Straight to the user's own district and the year now being reported."""
    plan = plan_for_request(request)
    year = plan.reporting_year()
    district = own_district(request.user)
    if district is not None:
        return _to_entry(request, district.slug, year)
    require(may_enter(request.user, None))
    return _to_entry(request, CITY, year)


def _to_entry(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    url = reverse("figure_entry", args=[slug, year])
    return redirect(url + (f"?{request.GET.urlencode()}" if request.GET.get("plan") else ""))


@login_required
def figure_entry(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    plan = plan_for_request(request)
    # A closed plan's entry page is still shown to those who entered its figures, read-only;
    # only a write into it is refused.
    read_only = request.method != "POST" and not may_write_plan(request.user, plan)
    district = access.get_district_for_user(request, slug, plan, write=not read_only)
    if read_only:
        require(may_enter(request.user, district), READ_ONLY)
    scope = Scope(plan, district)
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
    threshold = period.change_note_threshold if period else None

    def form_for(target: Target, data=None) -> FigureForm:
        figure = stored.get(figures.Key(target.pk, district_id, year))
        return FigureForm(
            data,
            target=target,
            figure=figure,
            previous=stored.get(figures.Key(target.pk, district_id, year - 1)),
            note_threshold=threshold,
            # A figure submitted or approved since the page was loaded still gets its posted
            # values read, so that the change is refused out loud rather than dropped.
            locked=True
            if read_only
            else _locked_when_loaded(figure, data, target)
            if data is not None
            else None,
        )

    forms = [form_for(target, request.POST or None) for target in targets]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        refused = _save(request, scope, year, forms, stored)
        if not refused and not any(form.errors for form in forms):
            return _to_entry(request, scope.slug, year)
        # The refused rows show what is stored now (and its version), with what was typed
        # beside it to copy or discard; the rest keep the entries.
        stored = figures.existing_for({district_id}, {year, year - 1})
        for figure in stored.values():
            if figure.target_id in by_pk:
                figure.target = by_pk[figure.target_id]
        forms = [_refused(form_for(form.target), form) if form.target.pk in refused else form
                 for form in forms]  # fmt: skip
    chapters = [
        (part, list(group)) for part, group in groupby(forms, key=lambda f: f.target.task.part)
    ]
    final_year = completeness.is_final_year(scope.plan, year)
    now = timezone.now()
    # What the district still owes, where it changes what the page says: the final year's
    # notice, and whether a passed deadline makes the page overdue.
    past = period is not None and completeness.is_past(period, now)
    owed = (
        _owed(scope, year, stored, [form.target for form in forms]) if final_year or past else None
    )
    context = {
        "plan": scope.plan,
        "scope": scope,
        "year": year,
        "period": period,
        "deadline_state": completeness.deadline_state(
            period, now, owes=owed.owes if owed is not None else None
        ),
        "final_year": final_year,
        "owed": owed if final_year else None,  # said in its notice
        "chapters": chapters,
        "years": list(scope.plan.years),
        # Save buttons only when something on the page can be saved (a successor's carried-over
        # figures are all locked, and so is every figure of a closed plan).
        "savable": any(not form.locked for form in forms),
        # the rows a refused save has errors in, each linked from the banner
        "invalid": [form for form in forms if form.errors],
        "missing_baselines": _missing_baselines(scope, year),
    }
    return render(request, "targets/figure_entry.html", context)


def _missing_baselines(scope: Scope, year: int) -> list[Target]:
    """On a successor's baseline year: the targets whose baseline this unit still lacks (the
    previous plan's final figure not yet submitted or approved)."""
    if not scope.plan.follows_id or year != scope.plan.baseline_year:
        return []
    missing = succession.missing_baselines(scope.plan)
    return [target for target, units in missing.items() if scope.name in units]


def _locked_when_loaded(figure: Figure | None, data, target: Target) -> bool:
    """Whether the page that posted already showed this figure locked (its fields disabled)."""
    if figure is None or figure.is_editable:
        return False
    return data.get(f"t{target.pk}-version") == str(figure.version)


def _refused(form: FigureForm, posted: FigureForm) -> FigureForm:
    form.refused = posted.typed
    return form


def _posted(request, form: FigureForm) -> bool:
    """Whether the POST carries this target at all: a page always posts each row's version, so
    a target with no field posted (added since, or a client posting a part) is left alone; one
    with values but no version was not seen, and `record` refuses to let it change a figure."""
    return any(key.startswith(f"{form.prefix}-") for key in request.POST)


def _save(request, scope: Scope, year: int, forms: list[FigureForm], stored) -> set[int]:
    """Save the page all or nothing; the targets refused (empty when it saved), each refusal
    shown as a message naming the figure and why."""
    district_id = scope.district.pk if scope.district else None
    entries = [
        figures.Entry(
            figures.Key(form.target.pk, district_id, year),
            form.figure_input(),
            form.cleaned_data.get("version"),
        )
        for form in forms
        if not form.locked and _posted(request, form)
    ]
    try:
        with transaction.atomic():
            outcome = figures.record(
                entries, user=request.user, channel=FigureChange.Channel.FORM, current=stored
            )
            submitted = []
            if request.POST.get("action") == "submit":
                answers = {
                    form.figure.pk: form.cleaned_data.get("answer", "")
                    for form in forms
                    if form.answer is not None
                }
                submitted = figures.submit(
                    _shown(outcome, entries), user=request.user, answers=answers
                )
    except figures.FigureConflict as conflict:
        for figure in conflict.figures:
            messages.error(request, _conflict_message(figure))
        return {figure.target_id for figure in conflict.figures}
    except figures.FigureCarried as carried:
        for figure in carried.figures:
            messages.error(request, figures.carried_message(figure))
        return {figure.target_id for figure in carried.figures}
    except figures.FigureUnanswered as unanswered:
        # not a conflict: the row stays as typed, its answer field says what is missing
        by_figure = {form.figure.pk: form for form in forms if form.figure is not None}
        for figure in unanswered.figures:
            by_figure[figure.pk].add_error("answer", figures.unanswered_message(figure))
        return set()
    except figures.FigureLocked as locked:
        names = "、".join(f.target.code for f in locked.figures)
        messages.error(
            request,
            _("Under review or approved, not changed: %(names)s") % {"names": names},
        )
        return {figure.target_id for figure in locked.figures}
    if not outcome.changed and not submitted:
        messages.info(request, _("No changes: nothing was saved."))
        return set()
    messages.success(
        request,
        _("Saved: %(created)d new, %(updated)d changed, %(submitted)d submitted for review.")
        % {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "submitted": len(submitted),
        },
    )
    return set()


def _shown(outcome: figures.Outcome, entries: list[figures.Entry]) -> list[Figure]:
    """The figures as this page showed and saved them: what it created or changed, and what it
    left unchanged at the very version it showed (not a draft someone else changed since)."""
    seen = {entry.key: entry.version for entry in entries}
    unchanged = [
        f
        for f in outcome.unchanged
        if seen.get(figures.Key(f.target_id, f.district_id, f.year)) == f.version
    ]
    return outcome.created + outcome.updated + unchanged


def _conflict_message(figure: Figure) -> str:
    return figures.conflict_message(figure, display_value(figure))


def _owed(scope: Scope, year: int, stored, targets) -> completeness.Tally | None:
    """A district's figures of the year as the completeness page counts them, from the figures
    the page loaded (none for the city: its own figures are not tallied there)."""
    if scope.district is None:
        return None
    return completeness.owed_among(targets, [f for f in stored.values() if f.year == year])
