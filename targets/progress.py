"""Is each target on track? One method for every kind of target, for a district and for the city.

The method (the README gives it with its formulas):

- Targets with a value to reach by a deadline (rates, counts, ratios, shares of districts): the
  latest figure v (year y) is compared with the straight-line path from the baseline b (year y0,
  the earliest figure: 2020 or later) to the target T at the deadline D:
      expected e = b + (T − b) · (y − y0) / (D − y0)
      ratio r = (v − b) / (e − b)        actual progress over required progress
  已达成 when v meets T (≥, >, or for 左右 at least 90% of T); otherwise 进展正常 r ≥ 0.95,
  需加快 0.6 ≤ r < 0.95, 明显滞后 0 ≤ r < 0.6, 倒退 r < 0, 无数据 without two years of figures.
  Linear, not CAGR: rates are bounded by 100% and the plan states its targets as levels; a
  compound path would ask for little early and much late.
- Annual changes (近视率每年降低不少于1个百分点, 年均增长10%左右, 只增不减): the latest year against
  the year before it. The change is in percentage points for rates, in percent for "%" growth of
  an amount, and absolute otherwise. Met when it reaches the value; otherwise r = change / value
  read with the same thresholds (a required change of 0 that is missed is 倒退).
- Every-year counts (每年培训100名): the latest year's count against the value, r = v / T.
- Per-district minimums and per-head amounts: each district meets them or not; the city status
  reads the share of districts that meet, s, with the same thresholds (all: 已达成).
- Yes/no criteria of a district (达到国家认定标准): 已达成 or 未达标; the city value is the share of
  districts meeting it, judged on the path as above.
- Dated milestones: 已达成 when done, 未到期 before the deadline year is over, 已逾期 after.

City values come from district figures: Σ numerators / Σ denominators for rates (never an
average of percentages), sums for counts and amounts, "n of 11" for per-district criteria. A
figure entered for the city itself is used as such.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.display import describe  # noqa: F401  (how a value is shown lives in display)
from targets.models import Figure, Target

PER_DISTRICT_KINDS = ("district_minimum", "milestone")
ON_TRACK_RATIO = Decimal("0.95")
ACCELERATE_RATIO = Decimal("0.6")
ABOUT_SHARE = Decimal("0.9")  # 左右: met at 90% of the value


class Status(models.TextChoices):
    MET = "met", _("target met")
    ON_TRACK = "on_track", _("on track")
    ACCELERATE = "accelerate", _("needs to speed up")
    LAGGING = "lagging", _("clearly lagging")
    REGRESSING = "regressing", _("moving away")
    NOT_MET = "not_met", _("not met")
    # After the deadline year a target gets a verdict, never a path status:
    MISSED = "missed", _("not achieved")
    FINAL_MISSING = "no_final", _("final figure missing")
    DUE = "due", _("not yet due")
    OVERDUE = "overdue", _("overdue")
    NO_DATA = "no_data", _("no data")
    PART = "part", _("counts towards the city")


BEHIND = {Status.ACCELERATE, Status.LAGGING, Status.REGRESSING, Status.NOT_MET, Status.OVERDUE,
          Status.MISSED, Status.FINAL_MISSING}  # fmt: skip
ORDER = [Status.MISSED, Status.FINAL_MISSING, Status.REGRESSING, Status.OVERDUE, Status.LAGGING,
         Status.NOT_MET, Status.ACCELERATE, Status.ON_TRACK, Status.DUE, Status.MET, Status.PART,
         Status.NO_DATA]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Point:
    """One year's figure, reduced to what progress needs."""

    year: int
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None
    achieved: bool | None = None
    achieved_on: datetime.date | None = None
    provisional: bool = False  # submitted, not yet approved
    figure_id: int | None = None


@dataclass
class Progress:
    status: Status
    value: Decimal | None = None  # the latest measure, in the target's terms
    year: int | None = None
    expected: Decimal | None = None  # where the straight path says it should be
    ratio: Decimal | None = None
    count: tuple[int, int] | None = None  # (districts meeting, districts) for per-district rules
    provisional: bool = False
    series: dict[int, Decimal] = field(default_factory=dict)  # measure by year, for charts
    figure_id: int | None = None  # the figure the status rests on

    @property
    def is_behind(self) -> bool:
        return self.status in BEHIND

    @property
    def label(self) -> str:
        return str(Status(self.status).label)


# Measures ---------------------------------------------------------------------------------


def measure(target: Target, point: Point | None) -> Decimal | None:
    """A figure in the target's terms: percent for rates, value per `per_units` for ratios."""
    if point is None:
        return None
    if target.entry == Target.Entry.FRACTION:
        return target.measure(point.numerator, point.denominator)
    if target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
        return point.value
    if point.achieved is None:
        return None
    return Decimal(100) if point.achieved else Decimal(0)


def series_of(
    target: Target, points: dict[int, Point], until: int | None = None
) -> dict[int, Decimal]:
    """A district's (or the city's own) measures by year, up to `until`, for a chart."""
    measures = {y: measure(target, p) for y, p in points.items() if until is None or y <= until}
    return {y: v for y, v in sorted(measures.items()) if v is not None}


def meets(target: Target, value: Decimal, goal: Decimal | None = None) -> bool:
    goal = target.value if goal is None else goal
    comparator = target.comparator
    if comparator == Target.Comparator.MORE_THAN:
        return value > goal
    if comparator == Target.Comparator.AT_MOST:
        return value <= goal
    if comparator == Target.Comparator.LESS_THAN:
        return value < goal
    if comparator == Target.Comparator.ABOUT:
        return value >= goal * ABOUT_SHARE
    return value >= goal


def _graded(ratio: Decimal) -> Status:
    if ratio >= ON_TRACK_RATIO:
        return Status.ON_TRACK
    if ratio >= ACCELERATE_RATIO:
        return Status.ACCELERATE
    if ratio >= 0:
        return Status.LAGGING
    return Status.REGRESSING


# Judging one series --------------------------------------------------------------------------


def on_path(
    target: Target, series: dict[int, Decimal], year: int, goal: Decimal | None = None
) -> Progress:
    """A value to reach by the deadline: the latest figure against the straight-line path."""
    goal = target.value if goal is None else goal
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    if not known:
        return Progress(Status.NO_DATA, series=known)
    y0, latest = min(known), max(known)
    b, v = known[y0], known[latest]
    progress = Progress(Status.NO_DATA, value=v, year=latest, series=known)
    if meets(target, v, goal):
        progress.status = Status.MET
        return progress
    if latest == y0:
        return progress  # one year of figures: no progress to measure yet
    span = max(target.deadline_year - y0, 1)
    elapsed = min(latest - y0, span)
    progress.expected = b + (goal - b) * elapsed / span
    required, actual = progress.expected - b, v - b
    if required == 0:
        progress.status = Status.REGRESSING if actual < 0 else Status.ON_TRACK
        return progress
    progress.ratio = actual / required
    progress.status = _graded(progress.ratio)
    return progress


def year_on_year(target: Target, series: dict[int, Decimal], year: int) -> Progress:
    """An annual change: the latest year against the one before."""
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    latest = max(known, default=None)
    if latest is None or latest - 1 not in known:
        return Progress(Status.NO_DATA, year=latest, series=known)
    before, now = known[latest - 1], known[latest]
    relative = target.unit == "%" and target.entry != Target.Entry.FRACTION
    if relative:
        change = (now - before) * 100 / before if before else None
    else:
        change = now - before
    if change is None:
        return Progress(Status.NO_DATA, year=latest, series=known)
    achieved = -change if target.direction == Target.Direction.DECREASE else change
    step = target.value if target.direction != Target.Direction.DECREASE else -target.value
    expected = before * (1 + step / 100) if relative else before + step
    progress = Progress(Status.MET, value=change, year=latest, expected=expected, series=known)
    if meets(target, achieved):
        return progress
    if target.value == 0:
        progress.status = Status.REGRESSING
        return progress
    progress.ratio = achieved / target.value
    progress.status = _graded(progress.ratio)
    return progress


def every_year_count(target: Target, series: dict[int, Decimal], year: int) -> Progress:
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    latest = max(known, default=None)
    if latest is None:
        return Progress(Status.NO_DATA, series=known)
    v = known[latest]
    progress = Progress(Status.MET, value=v, year=latest, expected=target.value, series=known)
    if not meets(target, v):
        progress.ratio = v / target.value if target.value else Decimal(0)
        progress.status = _graded(progress.ratio)
    return progress


def milestone(target: Target, points: dict[int, Point], year: int) -> Progress:
    done = [p for y, p in points.items() if y <= year and p.achieved]
    if done:
        first = min(done, key=lambda p: p.year)
        return Progress(Status.MET, value=Decimal(100), year=first.year)
    status = Status.DUE if year < target.deadline_year else Status.OVERDUE
    return Progress(status, value=Decimal(0), year=max(points, default=None))


def share_meeting(met: int, total: int) -> Progress:
    """A city status read from the share of districts that meet a per-district rule."""
    if total == 0:
        return Progress(Status.NO_DATA)
    if met == total:
        return Progress(Status.MET, value=Decimal(100), count=(met, total))
    ratio = Decimal(met) / total
    return Progress(_graded(ratio), value=ratio * 100, ratio=ratio, count=(met, total))


# A district, and the city ------------------------------------------------------------------


def district_progress(target: Target, points: dict[int, Point], year: int) -> Progress:
    """The status of one district's figures for a target."""
    points = {y: p for y, p in points.items() if y <= year}
    if is_share_of_city_total(target):
        series = {y: measure(target, p) for y, p in points.items()}
        known = {y: v for y, v in series.items() if v is not None}
        latest = max(known, default=None)
        result = Progress(Status.PART if known else Status.NO_DATA, series=known, year=latest,
                          value=known.get(latest))  # fmt: skip
    elif target.kind == Target.Kind.MILESTONE:
        result = milestone(target, points, year)
    elif target.entry == Target.Entry.YES_NO:
        latest = max((y for y, p in points.items() if p.achieved is not None), default=None)
        if latest is None:
            result = Progress(Status.NO_DATA)
        else:
            met = bool(points[latest].achieved)
            result = Progress(Status.MET if met else Status.NOT_MET, year=latest,
                              value=Decimal(100 if met else 0))  # fmt: skip
    else:
        series = {y: measure(target, p) for y, p in points.items()}
        if target.kind == Target.Kind.ANNUAL_CHANGE:
            result = year_on_year(target, series, year)
        elif target.every_year:
            result = every_year_count(target, series, year)
        else:
            result = on_path(target, series, year)
    latest = points.get(result.year) if result.year is not None else None
    result.provisional = bool(latest and latest.provisional)
    result.figure_id = latest.figure_id if latest else None
    return result


def is_share_of_city_total(target: Target) -> bool:
    """A city-wide count the districts add up to (建成12所国际化学校): a district's own number
    is its contribution, not something to judge against the city's target."""
    return (
        target.scope == Target.Scope.CITY
        and target.reported_by == Target.Reporter.DISTRICTS
        and target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT)
    )


def city_progress(
    target: Target,
    by_district: dict[int, dict[int, Point]],
    city_points: dict[int, Point],
    year: int,
    district_count: int,
    judged: list[Progress] | None = None,
    series: dict[int, Decimal] | None = None,
) -> Progress:
    """The city's status, from its own figures or aggregated from the districts' correctly.

    `judged`, `series`: the districts' own progress and the aggregated series, where the caller
    has them already."""
    if target.reported_by == Target.Reporter.CITY or city_points:
        return district_progress(target, city_points, year)
    per_district = target.kind in (Target.Kind.DISTRICT_MINIMUM, Target.Kind.MILESTONE)
    if judged is None and (per_district or target.per_head):
        judged = [district_progress(target, points, year) for points in by_district.values()]
    if per_district or target.per_head:
        met = sum(1 for p in judged if p.status == Status.MET)
        result = share_meeting(met, district_count)
        if target.kind == Target.Kind.MILESTONE and result.status != Status.MET:
            result.status = Status.DUE if year < target.deadline_year else Status.OVERDUE
        return result
    if series is None:
        series = aggregate(target, by_district, district_count)
    if target.entry == Target.Entry.YES_NO:
        result = on_path(target, series, year)
        latest = max((y for y in series if y <= year), default=None)
        if latest is not None:
            met = sum(
                1
                for points in by_district.values()
                if points.get(latest) and points[latest].achieved
            )
            result.count = (met, district_count)
        return result
    if target.kind == Target.Kind.ANNUAL_CHANGE:
        return year_on_year(target, series, year)
    if target.every_year:
        return every_year_count(target, series, year)
    return on_path(target, series, year)


def aggregate(
    target: Target, by_district: dict[int, dict[int, Point]], district_count: int
) -> dict[int, Decimal]:
    """City measures by year: Σ numerators / Σ denominators, sums, or the share of districts.

    A sum or a ratio counts only the years in which every district's figure is in: a city total
    of the districts that happen to have reported would fall for no reason. Shares of districts
    count a missing figure as not met.
    """
    years = {y for points in by_district.values() for y in points}
    series: dict[int, Decimal] = {}
    for year in sorted(years):
        points = [p[year] for p in by_district.values() if year in p]
        if target.entry == Target.Entry.YES_NO:
            met = sum(1 for p in points if p.achieved)
            series[year] = Decimal(met * 100) / district_count
        elif target.entry == Target.Entry.FRACTION:
            pairs = [
                (p.numerator, p.denominator)
                for p in points
                if p.numerator is not None and p.denominator
            ]
            if len(pairs) == district_count:
                total = Point(year, sum(n for n, _d in pairs), sum(d for _n, d in pairs))
                series[year] = measure(target, total)
        else:
            values = [p.value for p in points if p.value is not None]
            if len(values) == district_count:
                series[year] = sum(values)
    return series


# Loading a whole board in a constant number of queries -------------------------------------


@dataclass
class Board:
    """Every target's progress, for the city and each district, for one year."""

    year: int
    targets: list[Target]
    districts: list
    city: dict[int, Progress]
    cells: dict[tuple[int, int], Progress]
    city_series: dict[int, dict[int, Decimal]]
    behind: dict[int, int] | None = None  # counted in the database, for stored boards

    def behind_count(self, target: Target) -> int:
        if self.behind is not None:
            return self.behind.get(target.pk, 0)
        return sum(1 for d in self.districts if self.cells[(target.pk, d.pk)].is_behind)


def load_points(targets: Iterable[Target], years: Iterable[int], include_submitted: bool):
    """Figures as Points, by target and district (None: the city): one query."""
    states = [Figure.State.APPROVED] + ([Figure.State.SUBMITTED] if include_submitted else [])
    figures = Figure.objects.filter(
        target__in=[t.pk for t in targets], year__in=list(years), state__in=states
    )
    points: dict[int, dict[int | None, dict[int, Point]]] = defaultdict(lambda: defaultdict(dict))
    for row in figures.values_list(
        "target_id", "district_id", "year", "numerator", "denominator", "value", "achieved",
        "achieved_on", "state", "pk",
    ):  # fmt: skip
        target_id, district_id, year, numerator, denominator, value, achieved, on, state, pk = row
        points[target_id][district_id][year] = Point(
            year, numerator, denominator, value, achieved, on, state == Figure.State.SUBMITTED, pk
        )
    return points


def board(
    plan, year: int, *, targets: list[Target], districts: list, show=None, include_submitted=False
) -> Board:
    """Progress of these targets as of `year`, computed now from the figures: the city (from all
    `districts`) and, for each district in `show` (default: all), its own."""
    points = load_points(targets, plan.years, include_submitted)
    return board_from_points(points, year, targets=targets, districts=districts, show=show)


def board_from_points(
    points, year: int, *, targets: list[Target], districts: list, show=None, aggregates=None
) -> Board:
    """`aggregates`: a dict that keeps each target's city series, the same whatever the year,
    when boards of several years are made from the same points."""
    show = districts if show is None else show
    shown = {d.pk for d in show}
    city, cells, city_series = {}, {}, {}
    for target in targets:
        by_target = points.get(target.pk, {})
        by_district = {d: p for d, p in by_target.items() if d is not None}
        if target.reported_by == Target.Reporter.CITY:  # districts report nothing to judge
            judged = {pk: Progress(Status.NO_DATA) for pk in shown}
        else:
            judged = {
                district.pk: district_progress(target, by_district.get(district.pk, {}), year)
                for district in districts
                if district.pk in shown or target.kind in PER_DISTRICT_KINDS or target.per_head
            }
        for pk, progress in judged.items():
            if pk in shown:
                cells[(target.pk, pk)] = progress
        series = None
        if aggregates is not None:
            if target.pk not in aggregates:
                aggregates[target.pk] = aggregate(target, by_district, len(districts) or 1)
            series = aggregates[target.pk]
        city[target.pk] = city_progress(
            target, by_district, by_target.get(None, {}), year,
            district_count=len(districts) or 1, judged=list(judged.values()), series=series,
        )  # fmt: skip
        city_series[target.pk] = city[target.pk].series
    return Board(year, targets, list(show), city, cells, city_series)
