"""Stored progress: the results of targets.progress, kept per target, district, year and basis.

Dashboards at province or national size cannot judge every district's figures on each request
(2,800 districts × 60 targets); they read these rows instead. Every write of figures refreshes
the standings of the targets it touched, in the same transaction, so a page never shows a
status older than the figures.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.fields.json import KeyTransform
from django.dispatch import Signal

from departments.models import District
from plans.models import Plan
from targets import bulk
from targets.models import Figure, Standing, Target
from targets.progress import (
    BEHIND,
    COUNTED,
    Board,
    Districts,
    Progress,
    Status,
    attach_goals,
    board_from_points,
    city_progress,
    city_value,
    district_progress,
    load_points,
)

ALL = None  # every district's rows

# Sent with `plan_ids` inside the transaction that rewrote the standings of those plans' targets
# (a figure saved, submitted, approved, returned, reopened; a target refreshed): a higher app
# whose pages rest on the figures (the public pages' cache) learns they changed.
refreshed = Signal()


def refresh(target_ids: Iterable[int]) -> int:
    """Recompute every standing of these targets (after the target itself changed, or to
    rebuild): each district, the city, every year, both bases. Returns the rows written."""
    return _refresh(dict.fromkeys(target_ids, ALL))


def refresh_figures(figures: Iterable) -> int:
    """After these figures changed: the standings of their districts and of the city. Another
    district's standing rests on its own figures only, so at national size a district's save
    rewrites a few dozen rows per target, not the 34,000 of all 2,800 districts."""
    changed: dict[int, set[int | None]] = defaultdict(set)
    for figure in figures:
        changed[figure.target_id].add(figure.district_id)
    return _refresh(changed)


def _refresh(changed: dict[int, set[int | None] | None]) -> int:
    """`changed`: by target, the districts whose figures changed (None in the set: the city's
    own figure), or ALL."""
    if not changed:
        return 0
    with transaction.atomic():
        # Two saves touching one target wait here for each other, so the second computes the
        # city from the first's figures rather than both writing the city's rows at once.
        locked = Target.objects.select_for_update(of=("self",)).filter(pk__in=changed)
        targets = list(locked.select_related("task__part__plan").order_by("pk"))
        by_plan = defaultdict(list)
        for target in targets:
            by_plan[target.task.part.plan].append(target)
        written = sum(_refresh_targets(plan, ts, changed) for plan, ts in by_plan.items())
        refreshed.send(sender=Standing, plan_ids={plan.pk for plan in by_plan})
        return written


def _refresh_targets(plan: Plan, targets: list[Target], changed) -> int:
    districts = list(District.objects.filter(city=plan.city_id))
    groups: dict[frozenset | None, list[Target]] = defaultdict(list)  # by districts changed
    for target in targets:
        pks = changed[target.pk]
        groups[ALL if pks is ALL else frozenset(pks) - {None}].append(target)
    written = 0
    for pks, group in groups.items():
        if pks is ALL:
            written += _refresh_all(plan, group, districts)
        else:
            written += _refresh_some(plan, group, districts, pks)
    return written


def _refresh_all(plan: Plan, targets: list[Target], districts: list) -> int:
    """Every district's rows and the city's, from all the figures."""
    # One query for both bases: approved-only is the same figures without the submitted.
    every = load_points(targets, plan.years, include_submitted=True)
    rows = []
    for approved_only in (True, False):
        points = _approved(every) if approved_only else every
        aggregates = {}  # the city's series, computed once for all years
        for year in plan.years:
            board = board_from_points(
                points, year, targets=targets, districts=districts, aggregates=aggregates
            )
            rows += _rows(board, year, approved_only, districts, tally=True)
    Standing.objects.filter(target__in=targets).delete()
    _insert(rows)
    return len(rows)


def _refresh_some(plan: Plan, targets: list[Target], districts: list, pks: frozenset) -> int:
    """The rows of the districts whose figures changed, from their own figures; then the city's,
    from totals and counts of every district's figures taken in the database (and, for rules
    each district must meet, from the districts' stored rows), never from 2,800 districts'
    figures read one by one."""
    every = load_points(targets, plan.years, include_submitted=True, districts=pks)
    show = [d for d in districts if d.pk in pks]
    attach_goals(targets)
    rows = []
    for approved_only in (True, False):
        points = _approved(every) if approved_only else every
        for target in targets:
            by_district = points.get(target.pk, {})
            for year in plan.years:
                for district in show:
                    if target.reported_by == Target.Reporter.CITY:
                        progress = Progress(Status.NO_DATA)
                    else:
                        own = by_district.get(district.pk, {})
                        progress = district_progress(target, own, year, district.pk)
                    rows.append(_row(target, district.pk, progress, year, approved_only))
    tallies = _tallies_after(targets, pks, rows)
    Standing.objects.filter(target__in=targets, district__in=pks).delete()
    _insert(rows)
    written = len(rows)
    if tallies is None:  # rows stored before the counts were kept: count them all once
        tallies = _tallies_counted(targets)
    rows = []
    count = len(districts) or 1
    totals = _district_totals(targets, count)
    for approved_only in (True, False):
        points = _approved(every) if approved_only else every
        for target in targets:
            city_points = points.get(target.pk, {}).get(None, {})
            reported, said_yes, series = totals[(target.pk, approved_only)]
            for year in plan.years:
                tally = tallies.get((target.pk, year, approved_only), (0, 0, 0))
                facts = Districts(
                    count, reported, said_yes, series,
                    judged=lambda as_of, t=target.pk, a=approved_only: tuple(
                        tallies.get((t, as_of, a), (0, 0, 0))[:2]
                    ),
                )  # fmt: skip
                progress = city_progress(target, {}, city_points, year, count, districts=facts)
                rows.append(_row(target, None, progress, year, approved_only, tally=tally))
    Standing.objects.filter(target__in=targets, district__isnull=True).delete()
    _insert(rows)
    return written + len(rows)


def _tally(statuses: Iterable[str]) -> list[int]:
    """(districts meeting, districts whose verdict is 未达成, districts behind) of some statuses."""
    tally = [0, 0, 0]
    for status in statuses:
        tally[0] += status == Status.MET
        tally[1] += status == Status.MISSED
        tally[2] += status in BEHIND
    return tally


def _tallies_after(targets: list[Target], pks, new_rows: list[tuple]) -> dict | None:
    """The counts kept on the city rows, with the changed districts' old rows taken out and
    their new rows put in: a few dozen rows read, not every district's. None where a city row
    keeps no counts."""
    tallies = {}
    for target_id, as_of, approved_only, series in Standing.objects.filter(
        target__in=targets, district__isnull=True
    ).values_list("target_id", "as_of", "approved_only", "series"):
        kept = (series or {}).get(COUNTS)
        if kept is None:
            return None
        tallies[(target_id, as_of, approved_only)] = list(kept)
    old = defaultdict(list)
    for target_id, as_of, approved_only, status in Standing.objects.filter(
        target__in=targets, district__in=pks
    ).values_list("target_id", "as_of", "approved_only", "status"):
        old[(target_id, as_of, approved_only)].append(status)
    new = defaultdict(list)
    for row in new_rows:
        new[(row[TARGET], row[AS_OF], row[APPROVED_ONLY])].append(row[STATUS])
    for key in old.keys() | new.keys():
        if key not in tallies:
            return None
        before, after = _tally(old.get(key, ())), _tally(new.get(key, ()))
        tallies[key] = [n - b + a for n, b, a in zip(tallies[key], before, after, strict=True)]
    return tallies


def _tallies_counted(targets: list[Target]) -> dict:
    """The counts of every district's stored rows, in the database."""
    tallies = defaultdict(lambda: [0, 0, 0])
    rows = (
        Standing.objects.filter(target__in=targets, district__isnull=False)
        .values_list("target_id", "as_of", "approved_only", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for target_id, as_of, approved_only, status, n in rows:
        tally = tallies[(target_id, as_of, approved_only)]
        for i, counted in enumerate(_tally([status])):
            tally[i] += counted * n
    return dict(tallies)


def _counted_by_district(target: Target) -> bool:
    kinds = (Target.Kind.DISTRICT_MINIMUM, Target.Kind.MILESTONE)
    return target.kind in kinds or target.per_head


def _district_totals(targets: list[Target], count: int) -> dict:
    """By target and basis: the districts reporting each year, those answering yes, and the
    city's series of the complete years, from one grouped query over the districts' figures."""
    has = Q(numerator__isnull=False, denominator__isnull=False) & ~Q(denominator=0)
    rows = (
        Figure.objects.filter(
            target__in=targets,
            district__isnull=False,
            state__in=COUNTED,
        )
        .values_list("target_id", "year", "state")
        .annotate(
            fractions=Count("pk", filter=has),
            numerators=Sum("numerator", filter=has),
            denominators=Sum("denominator", filter=has),
            values=Count("value"),
            value_sum=Sum("value"),
            answers=Count("achieved"),
            yes=Count("pk", filter=Q(achieved=True)),
        )
        .order_by()
    )
    sums = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])  # by (target, year, approved only)
    for target_id, year, state, *numbers in rows:
        bases = (True, False) if state == Figure.State.APPROVED else (False,)
        for approved_only in bases:
            total = sums[(target_id, year, approved_only)]
            for i, n in enumerate(numbers):
                total[i] += n or 0
    by_pk = {t.pk: t for t in targets}
    result = {(t.pk, a): ({}, {}, {}) for t in targets for a in (True, False)}
    for (target_id, year, approved_only), numbers in sums.items():
        fractions, numerators, denominators, values, value_sum, answers, yes = numbers
        target = by_pk[target_id]
        reported, said_yes, series = result[(target_id, approved_only)]
        if target.entry in (Target.Entry.YES_NO, Target.Entry.MILESTONE):
            reported[year] = answers
        elif target.entry == Target.Entry.FRACTION:
            reported[year] = fractions
        else:
            reported[year] = values
        said_yes[year] = yes
        if reported[year] == count and target.entry != Target.Entry.MILESTONE:
            series[year] = city_value(
                target, count, said_yes=yes, numerators=numerators,
                denominators=denominators, values=value_sum,
            )  # fmt: skip
    for (_pk, _a), (_reported, _said_yes, series) in result.items():
        ordered = dict(sorted(series.items()))
        series.clear()
        series.update(ordered)
    return result


def refresh_plan(plan: Plan) -> int:
    return refresh(Target.objects.of_plan(plan).values_list("pk", flat=True))


def _approved(points):
    """The points without the submitted (provisional) figures."""
    return {
        target: {
            district: {year: p for year, p in by_year.items() if not p.provisional}
            for district, by_year in by_district.items()
        }
        for target, by_district in points.items()
    }


def _insert(rows: list[tuple]) -> None:
    bulk.insert_rows(Standing, COLUMNS, rows)


def _rows(board: Board, year, approved_only, districts, tally=False) -> list[tuple]:
    rows = []
    for target in board.targets:
        cells = [board.cells[(target.pk, district.pk)] for district in districts]
        counts = _tally(p.status for p in cells) if tally else None
        rows.append(_row(target, None, board.city[target.pk], year, approved_only, tally=counts))
        for district, progress in zip(districts, cells, strict=True):
            rows.append(_row(target, district.pk, progress, year, approved_only))
    return rows


# A standing row as written: plain values, no model instance (a full refresh writes millions).
COLUMNS = ("target_id", "district_id", "as_of", "approved_only", "status", "value", "year",
           "expected", "ratio", "met", "total", "provisional", "figure_id", "behind", "lagging",
           "series")  # fmt: skip
TARGET, AS_OF, APPROVED_ONLY, STATUS = 0, 2, 3, 4


def _row(target, district_id, progress: Progress, year, approved_only, tally=None):
    series = _series_and_verdict(progress, with_series=district_id is None)
    if tally is not None:
        series[COUNTS] = list(tally)
    count = progress.count
    return (
        target.pk, district_id, year, approved_only, str(progress.status), progress.value,
        progress.year, progress.expected, progress.ratio, count[0] if count else None,
        count[1] if count else None, progress.provisional, progress.figure_id,
        progress.is_behind, tally[2] if tally is not None else None, series,
    )  # fmt: skip


# A standing keeps, in its JSON column beside the city's series, what a verdict adds to a status
# (has it the final word, the baseline, the years met, the districts in): no column of its own.
VERDICT = "_"
# A city row keeps too the counts of the districts' stored rows of its year (meeting, 未达成,
# behind), which a save corrects for the districts it rewrote instead of counting 2,800 again.
COUNTS = "_n"


def _series_and_verdict(progress: Progress, *, with_series: bool) -> dict:
    stored: dict = {str(y): str(v) for y, v in progress.series.items()} if with_series else {}
    verdict = {
        "final": progress.final,
        "baseline": None if progress.baseline is None else str(progress.baseline),
        "baseline_year": progress.baseline_year,
        "years_met": progress.years_met,
        "reported": progress.reported,
        "goal": None if progress.goal is None else str(progress.goal),
        "by": progress.goal_basis,
    }
    verdict = {key: value for key, value in verdict.items() if value}
    if verdict:
        stored[VERDICT] = verdict
    return stored


# What a Progress is made of, read as plain tuples: a heat map page reads thousands of rows, and
# model instances would cost more than the query.
PROGRESS_FIELDS = ("status", "value", "year", "expected", "ratio", "met", "total", "provisional",
                   "figure_id", "series")  # fmt: skip


def _progress(
    status, value, year, expected, ratio, met, total, provisional, figure_id, series
) -> Progress:
    series = dict(series or {})
    verdict = series.pop(VERDICT, {})
    series.pop(COUNTS, None)
    baseline = verdict.get("baseline")
    return Progress(
        Status(status),
        value=value,
        year=year,
        expected=expected,
        ratio=ratio,
        count=(met, total) if met is not None else None,
        provisional=provisional,
        series={int(y): Decimal(v) for y, v in series.items()},
        figure_id=figure_id,
        final=verdict.get("final", False),
        baseline=None if baseline is None else Decimal(baseline),
        baseline_year=verdict.get("baseline_year"),
        years_met=tuple(verdict["years_met"]) if "years_met" in verdict else None,
        reported=tuple(verdict["reported"]) if "reported" in verdict else None,
        goal=Decimal(verdict["goal"]) if "goal" in verdict else None,
        goal_basis=verdict.get("by"),
    )


def _city_rows(rows, *, with_series: bool = True) -> tuple[dict[int, Progress], dict]:
    """The city rows among `rows`: each target's progress, and its districts behind. Without
    the series, only the verdict is read out of the JSON column (in the database)."""
    city, behind = {}, {}
    rows = rows.filter(district=None)
    if with_series:
        rows = rows.values_list("target_id", "lagging", *PROGRESS_FIELDS)
    else:
        rows = rows.annotate(verdict=KeyTransform(VERDICT, "series")).values_list(
            "target_id", "lagging", *PROGRESS_FIELDS[:-1], "verdict"
        )
    for target_id, lagging, *fields, series in rows:
        if not with_series:
            series = {VERDICT: series} if series else None
        city[target_id] = _progress(*fields, series)
        behind[target_id] = lagging or 0
    return city, behind


def stored_city_progress(targets, year: int, *, include_submitted: bool) -> dict[int, Progress]:
    """The city progress as of `year` of the targets of a queryset (a subquery: however many
    plans and cities they belong to, one query, no list of thousands of keys sent), as stored,
    by target pk, without its series (a province's 800 series cost more than the query). A
    target without a row for the year (a year outside its plan) is absent: it has no data."""
    rows = Standing.objects.filter(
        as_of=year, approved_only=not include_submitted, target__in=targets.values("pk")
    )
    city, _behind = _city_rows(rows, with_series=False)
    return city


def stored_board(
    plan: Plan,
    year: int,
    *,
    targets: list[Target],
    show: list,
    include_submitted: bool,
    visible: list | None = None,
    with_series: bool = True,
) -> Board:
    """The board as stored: city rows, the `show` districts' rows, and how many districts are
    behind on each target: of all the city's (stored on the city rows) or, when `visible` names
    some, of those (counted in the database). A few queries, at any size. Without
    `with_series`, the city's progress comes without its series (a page that draws no chart)."""
    rows = Standing.objects.filter(
        as_of=year, approved_only=not include_submitted, target__in=[t.pk for t in targets]
    )
    city, behind = _city_rows(rows, with_series=with_series)
    cells = {}
    shown = [d.pk for d in show]
    if shown:
        for target_id, district_id, *fields in rows.filter(district__in=shown).values_list(
            "target_id", "district_id", *PROGRESS_FIELDS
        ):
            cells[(target_id, district_id)] = _progress(*fields)
    if visible is not None:
        behind = dict(
            rows.filter(district__in=[d.pk for d in visible], behind=True)
            .values_list("target")
            .annotate(n=Count("pk"))
            .values_list("target", "n")
        )
    missing = Progress(Status.NO_DATA)
    for target in targets:
        city.setdefault(target.pk, missing)
        for pk in shown:
            cells.setdefault((target.pk, pk), missing)
    city_series = {pk: p.series for pk, p in city.items()}
    return Board(year, targets, list(show), city, cells, city_series, behind=behind)


class Cell(NamedTuple):
    """What a heat-map cell shows of a district's standing: its status, whether it rests on
    submitted figures, and the figure it rests on. A page of 40 districts × 60 targets reads 2,400
    of them, and a full Progress each (its JSON column decoded, its Decimals made) cost more than
    the query."""

    status: str
    provisional: bool = False
    figure_id: int | None = None


NO_CELL = Cell(Status.NO_DATA)


def stored_cells(
    year: int, *, targets: list[Target], districts: list, include_submitted: bool
) -> dict[tuple[int, int], Cell]:
    """By (target pk, district pk), the stored cell of each of these districts as of `year`:
    one query. Where none is stored there is no key: read it with `.get(key, NO_CELL)`."""
    rows = Standing.objects.filter(
        as_of=year,
        approved_only=not include_submitted,
        target__in=[t.pk for t in targets],
        district__in=[d.pk for d in districts],
    ).values_list("target_id", "district_id", "status", "provisional", "figure_id")
    return {(t, d): Cell(status, provisional, figure) for t, d, status, provisional, figure in rows}
