"""Reporting completeness: the one definition of a missing figure and of a late one.

- A figure is **applicable** for every target of the plan the districts report, for each district
  and year.
- It is **missing** when no figure with something entered exists for it
  (`Figure.objects.filled()`): a draft holding only a note is missing.
- It is **late** when it was submitted after the end of the year's deadline day, or when the
  deadline has passed and it is still missing, a draft or returned (not submitted).

The completeness page, the reminder emails and the monthly PDF all count with these functions.
Each district's counts add up: missing + draft + submitted + approved + returned = applicable.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from plans.models import Plan
from targets.models import Figure, ReportingPeriod, Target

OPEN = (Figure.State.DRAFT, Figure.State.RETURNED)  # entered, not (yet again) submitted


@dataclass
class Tally:
    """One district's figures of one year."""

    district: object
    total: int  # applicable targets
    missing: int = 0
    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    late: int = 0

    @property
    def owes(self) -> int:
        """Figures the district still has to submit: missing, draft or returned."""
        return self.missing + self.draft + self.returned

    @property
    def rate(self) -> int | None:
        """Submitted or approved, in percent of the applicable; None when nothing applies (not
        0%: there is nothing to report)."""
        if not self.total:
            return None
        return round(100 * (self.submitted + self.approved) / self.total)


def applicable(plan: Plan) -> QuerySet[Target]:
    """The targets each district reports a figure for, every year."""
    return Target.objects.of_plan(plan).filter(reported_by=Target.Reporter.DISTRICTS)


def owed_among(targets, figures) -> Tally:
    """A district's tally of one year from what a page has loaded already: `targets` (those of
    them each district reports count, as in `applicable`), `figures` its figures of the year.
    The same counts as `tallies` (a figure holding only a note is missing), without a query."""
    by_target = {f.target_id: f for f in figures if f.is_filled}
    tally = Tally(district=None, total=0)
    for target in targets:
        if target.reported_by != Target.Reporter.DISTRICTS:
            continue
        tally.total += 1
        figure = by_target.get(target.pk)
        if figure is None:
            tally.missing += 1
        else:
            setattr(tally, figure.state, getattr(tally, figure.state) + 1)
    return tally


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of a deadline day, in the bureau's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def is_past(period: ReportingPeriod | None, now: datetime.datetime) -> bool:
    """Has the period's deadline day ended?"""
    return period is not None and is_past_deadline(period.deadline, timezone.localtime(now).date())


def is_past_deadline(deadline: datetime.date, today: datetime.date) -> bool:
    """Past the deadline: its day has ended (the one rule for figures, ledger rounds, notices)."""
    return today > deadline


def days_late(deadline: datetime.date, today: datetime.date) -> int:
    """How many days past the deadline `today` is (0 on the day and before it)."""
    return max((today - deadline).days, 0)


@dataclass
class Deadline:
    """Where a year's reporting stands against its deadline, as the pages say it."""

    deadline: datetime.date
    days: int  # days left before it, or days late after it
    overdue: bool  # the deadline day has ended (`is_past`) and figures are still owed
    final: bool  # the plan's last year: its figures are the final figures, for the evaluation
    passed: bool = False  # the deadline day has ended, owed or not


def is_final_year(plan: Plan, year: int) -> bool:
    """The plan's last year: its figures are the final figures the 终期评估 judges on."""
    return year == plan.end_year


def deadline_state(
    period: ReportingPeriod | None, now: datetime.datetime, owes: int | None = None
) -> Deadline | None:
    """The period's deadline, how many days are left or late, and whether the year is final.
    `owes`: how many figures the reader still owes (a `Tally.owes`), where known: past the
    deadline with nothing owed is not overdue."""
    if period is None:
        return None
    today = timezone.localtime(now).date()
    passed = is_past(period, now)
    days = days_late(period.deadline, today) if passed else (period.deadline - today).days
    overdue = passed and owes != 0
    final = is_final_year(period.plan, period.year)
    return Deadline(period.deadline, abs(days), overdue, final, passed)


def tallies(
    targets: QuerySet[Target],
    districts,
    year: int,
    period: ReportingPeriod | None,
    now: datetime.datetime,
    figures: QuerySet[Figure] | None = None,
) -> list[Tally]:
    """Each district's counts for these targets and year, in one query. `figures`: the figures
    the user may see (default: all)."""
    districts = list(districts)
    total = targets.count()
    filled = (Figure.objects if figures is None else figures).filled()
    counts = {state: Count("pk", filter=Q(state=state)) for state in Figure.State.values}
    if period is not None:
        after = Q(submitted_at__gt=end_of(period.deadline))
        counts["late_submitted"] = Count("pk", filter=after)
        counts["late_open"] = Count("pk", filter=Q(state__in=OPEN) & ~after)
    rows = {
        row["district"]: row
        for row in filled.filter(
            year=year, district__in=[d.pk for d in districts], target__in=targets.values("pk")
        )
        .values("district")
        .annotate(filled=Count("pk"), **counts)
    }
    past = is_past(period, now)
    result = []
    for district in districts:
        row = rows.get(district.pk, {})
        tally = Tally(district, total, total - row.get("filled", 0),
                      **{state: row.get(state, 0) for state in Figure.State.values})  # fmt: skip
        tally.late = row.get("late_submitted", 0)
        if past:
            tally.late += tally.missing + row.get("late_open", 0)
        result.append(tally)
    return result


def missing_targets(targets: QuerySet[Target], district, year: int) -> list[Target]:
    """The targets whose figure of `year` the district has not entered."""
    filled = Figure.objects.filled().filter(district=district, year=year)
    return list(targets.exclude(pk__in=filled.values("target_id")).select_related("task__part"))


def open_targets(targets: QuerySet[Target], district, year: int) -> list[Target]:
    """The targets whose figure the district has entered but not submitted (draft, returned)."""
    entered = Figure.objects.filled().filter(district=district, year=year, state__in=OPEN)
    return list(targets.filter(pk__in=entered.values("target_id")))


def late_targets(
    targets: QuerySet[Target], district, year: int, period, now
) -> list[tuple[Target, str]]:
    """After the deadline: the targets the district has still not submitted, in the plan's order,
    each with why: "missing", "draft" or "returned". Before the deadline: none."""
    if not is_past(period, now):
        return []
    filled = dict(
        Figure.objects.filled()
        .filter(district=district, year=year, target__in=targets.values("pk"))
        .values_list("target_id", "state")
    )
    return [
        (target, filled.get(target.pk, "missing"))
        for target in targets.select_related("task__part")
        if target.pk not in filled or filled[target.pk] in OPEN
    ]


MISSING = "missing"  # no figure with something entered


def states(figures: QuerySet[Figure]) -> dict[tuple[int, int | None, int], str]:
    """Each (target, district or None for the city's own, year) of these figures with its state,
    or MISSING when nothing is entered (a draft holding only a note). A key that is absent is
    missing too: no figure exists."""
    filled = set(figures.filled().values_list("pk", flat=True))
    return {
        (target_id, district_id, year): state if pk in filled else MISSING
        for pk, target_id, district_id, year, state in figures.values_list(
            "pk", "target_id", "district_id", "year", "state"
        )
    }
