"""Is each target on track, and after its deadline, was it achieved? One method for every kind of
target, for a district and for the city (the README gives it with its formulas).

Before the deadline year (as of a year y < D), a target is judged on its path:

- Targets with a value to reach by a deadline (rates, counts, ratios, shares of districts): the
  latest figure v (year y) is compared with the straight-line path from the baseline b (year y0,
  the earliest figure: 2020 or later) to the target T at the deadline D:
      expected e = b + (T − b) · (y − y0) / (D − y0)
      ratio r = (v − b) / (e − b)        actual progress over required progress
  已达成 when v meets T (≥, >, or for 左右 at least 90% of T); otherwise 进展正常 r ≥ 0.95,
  需加快 0.6 ≤ r < 0.95, 明显滞后 0 ≤ r < 0.6, 倒退 r < 0, 无数据 without two years of figures.
  Linear, not CAGR: rates are bounded by 100% and the plan states its targets as levels; a
  compound path would ask for little early and much late.
- Average annual changes (年均增长10%左右): the average change a year from the baseline to the
  latest figure, compounded (CAGR) for "%" growth of an amount; at the deadline, to its figure.
- Annual changes year by year (近视率每年降低不少于1个百分点, 只增不减): the latest year against
  the year before it. The change is in percentage points for rates, in percent for "%" growth of
  an amount, and absolute otherwise. Met when it reaches the value; otherwise r = change / value
  read with the same thresholds (a required change of 0 that is missed is 倒退).
- Every-year counts (每年培训100名): the latest year's count against the value, r = v / T.
- Per-district minimums and per-head amounts: each district meets them or not; the city status
  reads the share of districts that meet, s, with the same thresholds (all: 已达成).
- Yes/no criteria of a district (达到国家认定标准): 已达成 or 未达标; the city value is the share of
  districts meeting it, judged on the path as above.
- Dated milestones: 已达成 when done, 未到期 before the deadline year is over, 已逾期 after.

From the deadline year on (as of y ≥ D) a target gets a verdict, never a path status: 已达成 or
未达成 on the deadline year's figure, or 缺最终数据 when that figure is not in (even if earlier
years are). Annual changes and every-year counts: each plan year up to D is judged on its own
figure; the verdict is 已达成 when every judged year met it, 未达成 otherwise, 缺最终数据 without
the deadline year's. Milestones not done: 已逾期 until the plan's last year, then 未达成 (or
缺最终数据 when nothing was reported from the deadline year on).

City values come from district figures, of complete years only: the city's value of year Y
exists only when every district's figure of Y is in, for every aggregated kind: Σ numerators /
Σ denominators for rates (never an average of percentages), sums for counts and amounts, the
share of districts for yes/no criteria and "n of 11" for per-district rules. A figure entered
for the city itself is used as such.
"""

import copy
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models import Figure, Target

PER_DISTRICT_KINDS = ("district_minimum", "milestone")
# The figures progress is judged on: approved ones, and submitted ones when provisional figures
# are included. Drafts and returned figures count for nothing until they are submitted.
COUNTED = (Figure.State.APPROVED, Figure.State.SUBMITTED)
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


class Basis(models.TextChoices):
    """Whose value a judgement used (`goal_of`)."""

    CITY = "city", _("the city's target")
    ADJUSTED = "adjusted", _("the adjusted target")
    DISTRICT = "district", _("the district's own target")


# Behind: the figures show a shortfall. A missing final figure is no shortfall shown: it is
# counted as missing (targets.completeness), never as a district or city "behind".
BEHIND = {Status.ACCELERATE, Status.LAGGING, Status.REGRESSING, Status.NOT_MET, Status.OVERDUE,
          Status.MISSED}  # fmt: skip
# Chased: what a supervision notice (督办单) is issued about: a shortfall shown, or a final
# figure not in. The pages offer "发督办单" beside these.
CHASED = BEHIND | {Status.FINAL_MISSING}
ORDER = [Status.MISSED, Status.FINAL_MISSING, Status.REGRESSING, Status.OVERDUE, Status.LAGGING,
         Status.NOT_MET, Status.ACCELERATE, Status.ON_TRACK, Status.DUE, Status.MET, Status.PART,
         Status.NO_DATA]  # fmt: skip


# 序时进度 预警: a 约束性 (binding) target behind its path from the plan's mid-term on. The path
# statuses below the on-track ratio (r < ON_TRACK_RATIO) are the ones warned of.
WARNED = {Status.ACCELERATE, Status.LAGGING, Status.REGRESSING}


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
    ratio: Decimal | None = None  # achieved change over required change (to T, once final)
    count: tuple[int, int] | None = None  # (districts meeting, districts) for per-district rules
    provisional: bool = False
    series: dict[int, Decimal] = field(default_factory=dict)  # measure by year, for charts
    figure_id: int | None = None  # the figure the status rests on
    final: bool = False  # a verdict: the as-of year has reached the deadline year
    baseline: Decimal | None = None  # the measure the path starts from
    baseline_year: int | None = None
    years_met: tuple[int, int] | None = None  # annual and every-year rules: (met, judged)
    reported: tuple[int, int] | None = None  # city: (districts in, districts) of an incomplete year
    goal: Decimal | None = None  # the value this judgement used (`goal_of`)
    goal_basis: str | None = None  # whose value it is: a Basis

    @property
    def goal_label(self) -> str:
        """Which value the judgement used, for a page to say beside it (`display.goal_used`)."""
        return str(Basis(self.goal_basis).label) if self.goal_basis else ""

    @property
    def is_behind(self) -> bool:
        return self.status in BEHIND

    @property
    def label(self) -> str:
        return str(Status(self.status).label)


def is_final(target: Target, year: int) -> bool:
    """As of `year`, is the target judged by its verdict (its deadline year is reached)?"""
    return year >= target.deadline_year


def plan_years(target: Target) -> tuple[int | None, int]:
    """The first and last year of the target's plan (None, deadline: a target without a plan)."""
    try:
        plan = target.task.part.plan
    except ObjectDoesNotExist:
        return None, target.deadline_year
    return plan.start_year, plan.end_year


def midterm_year(start_year: int, end_year: int) -> int:
    """The plan's mid-term year: 2023 for 2021–2025 (start + (end − start) // 2)."""
    return start_year + (end_year - start_year) // 2


def is_warned(target: Target, status: str, year: int) -> bool:
    """序时进度 预警: as of `year`, a 约束性 target whose latest figure is behind the straight path
    (the method's ratio below the on-track threshold: 需加快, 明显滞后 or 倒退), from the plan's
    mid-term year on and before its deadline year (from then on the verdict speaks). 预期性 and
    未标注 targets are never warned of."""
    if target.binding != Target.Binding.BINDING or is_final(target, year):
        return False
    if status not in WARNED:
        return False
    start, end = plan_years(target)
    return start is None or year >= midterm_year(start, end)


# The goal: which value a judgement is against ----------------------------------------------

DECOMPOSABLE_ENTRIES = (Target.Entry.FRACTION, Target.Entry.WHOLE, Target.Entry.AMOUNT)


def may_decompose(target: Target) -> bool:
    """Can the districts carry values of their own (分解目标)? A target with a value that the
    districts report as a number: not a milestone, not a district's yes/no, not a city's own
    figure."""
    return (
        target.value is not None
        and target.reported_by == Target.Reporter.DISTRICTS
        and target.entry in DECOMPOSABLE_ENTRIES
    )


def attach_goals(targets: Iterable[Target]) -> None:
    """Load the districts' own values and whether each target was adjusted, for these targets:
    two queries, then `goal_of` asks nothing more of the database."""
    from targets.models import DistrictGoal, TargetAdjustment

    targets = [t for t in targets if "_district_goals" not in t.__dict__]
    if not targets:
        return
    by_pk = {t.pk: t for t in targets}
    for target in targets:
        target.__dict__["_district_goals"] = {}
    for target_id, district_id, value in DistrictGoal.objects.filter(
        target__in=list(by_pk)
    ).values_list("target_id", "district_id", "value"):
        by_pk[target_id].__dict__["_district_goals"][district_id] = value
    adjusted = set(
        TargetAdjustment.objects.filter(target__in=list(by_pk)).values_list("target_id", flat=True)
    )
    for target in targets:
        target.__dict__["_adjusted"] = target.pk in adjusted


def district_goals(target: Target) -> dict[int, Decimal]:
    """The districts' own values of the target (分解目标值), by district pk."""
    if "_district_goals" not in target.__dict__:
        attach_goals([target])
    return target.__dict__["_district_goals"] if may_decompose(target) else {}


def is_adjusted(target: Target) -> bool:
    if "_adjusted" not in target.__dict__:
        attach_goals([target])
    return target.__dict__["_adjusted"]


def goal_of(target: Target, district_id: int | None) -> tuple[Decimal | None, Basis]:
    """THE rule of which value a judgement is against. A district with a value of its own from a
    decomposition (分解目标) is judged against it; the city, and a district without one, against
    the target's value: the plan's, or the adjusted one after a 规划调整 (the target holds the
    adjusted value; `TargetAdjustment` keeps the original)."""
    if district_id is not None:
        own = district_goals(target).get(district_id)
        if own is not None:
            return own, Basis.DISTRICT
    return target.value, Basis.ADJUSTED if is_adjusted(target) else Basis.CITY


def _against(target: Target, goal: Decimal | None) -> Target:
    """The target as the method reads it, asking `goal` instead of its own value: a copy, so
    every rule of the method (path, verdict, annual change, 左右) reads the one value."""
    if goal == target.value:
        return target
    judged = copy.copy(target)
    judged.value = goal
    return judged


def _noted(progress: "Progress", goal: Decimal | None, basis: Basis) -> "Progress":
    if goal is not None:
        progress.goal, progress.goal_basis = goal, basis
    return progress


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
    """A value to reach by the deadline: the latest figure against the straight-line path, or,
    from the deadline year on, the deadline year's figure against the target."""
    goal = target.value if goal is None else goal
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    final = is_final(target, year)
    if not known:
        return Progress(Status.FINAL_MISSING if final else Status.NO_DATA, series=known,
                        final=final)  # fmt: skip
    y0, latest = min(known), max(known)
    b, v = known[y0], known[latest]
    progress = Progress(Status.NO_DATA, value=v, year=latest, series=known, final=final,
                        baseline=b, baseline_year=y0)  # fmt: skip
    if final:
        return _verdict(target, progress, known, goal)
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


def _verdict(target: Target, progress: Progress, known: dict[int, Decimal], goal) -> Progress:
    """Met or missed on the deadline year's figure; without it, the final figure is missing (the
    latest figure stays shown, with its year)."""
    deadline = target.deadline_year
    if deadline not in known:
        progress.status = Status.FINAL_MISSING
        return progress
    v = known[deadline]
    progress.value, progress.year, progress.expected = v, deadline, goal
    if progress.baseline_year is not None and progress.baseline_year < deadline:
        if goal != progress.baseline:
            progress.ratio = (v - progress.baseline) / (goal - progress.baseline)
    else:
        progress.baseline = progress.baseline_year = None  # no baseline before the deadline
    progress.status = Status.MET if meets(target, v, goal) else Status.MISSED
    return progress


def _judged_years(target: Target, years: Iterable[int], year: int) -> list[int]:
    """The plan's years up to the deadline and up to `year` (the baseline year is not judged)."""
    start, _end = plan_years(target)
    return sorted(
        y for y in years if y <= min(year, target.deadline_year) and (start is None or y >= start)
    )


def _summed_up(target: Target, progress: Progress, met_by_year: dict[int, bool], year: int):
    """Years judged one by one: (met, judged) so far; from the deadline year on, the verdict."""
    progress.years_met = (sum(met_by_year.values()), len(met_by_year)) if met_by_year else None
    if not is_final(target, year):
        return progress
    progress.final = True
    if target.deadline_year not in met_by_year:
        progress.status = Status.FINAL_MISSING
    else:
        progress.status = Status.MET if all(met_by_year.values()) else Status.MISSED
        progress.ratio = None  # a verdict on the years, not one year's ratio
    return progress


def year_on_year(target: Target, series: dict[int, Decimal], year: int) -> Progress:
    """An annual change: the latest year against the one before; from the deadline year on,
    every plan year's change judged, the verdict summing them up."""
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    relative = target.unit == "%" and target.entry != Target.Entry.FRACTION

    def change(y: int) -> Decimal | None:
        if y not in known or y - 1 not in known:
            return None
        before, now = known[y - 1], known[y]
        if relative:
            return (now - before) * 100 / before if before else None
        return now - before

    def achieved(c: Decimal) -> Decimal:
        return -c if target.direction == Target.Direction.DECREASE else c

    changes = {y: c for y in _judged_years(target, known, year) if (c := change(y)) is not None}
    met_by_year = {y: meets(target, achieved(c)) for y, c in changes.items()}
    if is_final(target, year):
        shown = (
            target.deadline_year if target.deadline_year in changes else max(changes, default=None)
        )
    else:
        latest = max(known, default=None)
        shown = latest if latest is not None and change(latest) is not None else None
    baseline = {"baseline": known[min(known)], "baseline_year": min(known)} if known else {}
    if shown is None:
        progress = Progress(Status.NO_DATA, year=max(known, default=None), series=known, **baseline)
        return _summed_up(target, progress, met_by_year, year)
    before, c = known[shown - 1], change(shown)
    step = target.value if target.direction != Target.Direction.DECREASE else -target.value
    expected = before * (1 + step / 100) if relative else before + step
    progress = Progress(Status.MET, value=c, year=shown, expected=expected, series=known,
                        **baseline)  # fmt: skip
    if not meets(target, achieved(c)):
        if target.value == 0:
            progress.status = Status.REGRESSING
        else:
            progress.ratio = achieved(c) / target.value
            progress.status = _graded(progress.ratio)
    return _summed_up(target, progress, met_by_year, year)


def average_change(target: Target, series: dict[int, Decimal], year: int) -> Progress:
    """An average annual change (年均增长10%左右): from the baseline b (the earliest figure, year
    y0) to the latest figure v (year y), or from the deadline year on to the deadline year's:
    compounded for "%" growth of an amount, (v / b)^(1/(y − y0)) − 1, otherwise the mean change
    a year, (v − b) / (y − y0). Judged on it as an annual change is on one year's (左右: at 90%
    of the value); a verdict without the deadline year's figure is 缺最终数据."""
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    final = is_final(target, year)
    relative = target.unit == "%" and target.entry != Target.Entry.FRACTION
    if not known:
        return Progress(Status.FINAL_MISSING if final else Status.NO_DATA, series=known,
                        final=final)  # fmt: skip
    y0, latest = min(known), max(known)
    b = known[y0]
    shown = target.deadline_year if final and target.deadline_year in known else latest
    progress = Progress(Status.NO_DATA, year=latest, series=known, final=final, baseline=b,
                        baseline_year=y0)  # fmt: skip
    years = shown - y0
    if years <= 0 or (relative and b <= 0):
        progress.status = Status.FINAL_MISSING if final else Status.NO_DATA
        return progress
    v = known[shown]
    if relative:
        average = ((v / b) ** (Decimal(1) / years) - 1) * 100
    else:
        average = (v - b) / years
    sign = -1 if target.direction == Target.Direction.DECREASE else 1
    step = sign * target.value
    progress.value, progress.year = average.quantize(Decimal("0.01")), shown
    progress.expected = b * (1 + step / 100) ** years if relative else b + step * years
    achieved = sign * average
    if final and shown != target.deadline_year:
        progress.status = Status.FINAL_MISSING  # the average so far stays shown, with its year
    elif meets(target, achieved):
        progress.status = Status.MET
    elif final:
        progress.status = Status.MISSED
        required = progress.expected - b  # the change from the baseline the rate asks for
        progress.ratio = (v - b) / required if required else None
    elif target.value == 0:
        progress.status = Status.REGRESSING
    else:
        progress.ratio = achieved / target.value
        progress.status = _graded(progress.ratio)
    return progress


def every_year_count(target: Target, series: dict[int, Decimal], year: int) -> Progress:
    """A count due every year: the latest year's; from the deadline year on, every plan year's
    judged, the verdict summing them up."""
    known = {y: v for y, v in series.items() if y <= year and v is not None}
    met_by_year = {y: meets(target, known[y]) for y in _judged_years(target, known, year)}
    if is_final(target, year) and target.deadline_year in known:
        shown = target.deadline_year
    else:
        shown = max(known, default=None)
    if shown is None:
        return _summed_up(target, Progress(Status.NO_DATA, series=known), met_by_year, year)
    v = known[shown]
    progress = Progress(Status.MET, value=v, year=shown, expected=target.value, series=known)
    if not meets(target, v):
        progress.ratio = v / target.value if target.value else Decimal(0)
        progress.status = _graded(progress.ratio)
    return _summed_up(target, progress, met_by_year, year)


def milestone(target: Target, points: dict[int, Point], year: int) -> Progress:
    """Done: 已达成 (when it was done is its year). Not done: 未到期 before the deadline year is
    over, 已逾期 after it while the plan runs, and once the plan's last year is reached 未达成, or
    缺最终数据 when no figure of the deadline year or later says whether it is done."""
    final = is_final(target, year)
    done = [p for y, p in points.items() if y <= year and p.achieved]
    if done:
        first = min(done, key=lambda p: p.year)
        return Progress(Status.MET, value=Decimal(100), year=first.year, final=final)
    latest = max((y for y in points if y <= year), default=None)
    progress = Progress(Status.DUE, value=Decimal(0) if latest else None, year=latest,
                        final=final)  # fmt: skip
    if not final:
        return progress
    _start, end = plan_years(target)
    if year < end:
        progress.status = Status.OVERDUE
        return progress
    said = any(
        p.achieved is not None for y, p in points.items() if target.deadline_year <= y <= year
    )
    progress.status = Status.MISSED if said else Status.FINAL_MISSING
    return progress


PATH_STATUSES = {Status.MET, Status.ON_TRACK, Status.ACCELERATE, Status.LAGGING,
                 Status.REGRESSING, Status.NO_DATA}  # fmt: skip
VERDICTS = {Status.MET, Status.MISSED, Status.FINAL_MISSING}


def judge_series(target: Target, series: dict[int, Decimal | None], year: int) -> Progress:
    """A district's or the city's measures, judged by the target's method: an average annual
    change (年均) by its compound rate from the baseline, any other annual change year
    on year, an every-year count year by year, any other value on its path to the target."""
    if target.is_average_change:
        return average_change(target, series, year)
    if target.kind == Target.Kind.ANNUAL_CHANGE:
        return year_on_year(target, series, year)
    if target.every_year:
        return every_year_count(target, series, year)
    return on_path(target, series, year)


def possible_statuses(target: Target, year: int) -> set[Status]:
    """Every status the method above can give the target as of `year`, for the city or a
    district: before the deadline year a path status (a district's yes/no: 未达标; a
    milestone: 未到期), from it on a verdict only (a milestone: 已逾期 while the plan runs). A
    district's part of a city-wide count is 计入全市 (or 无数据) whatever the year."""
    part = {Status.PART, Status.NO_DATA} if is_share_of_city_total(target) else set()
    if target.kind == Target.Kind.MILESTONE:
        if not is_final(target, year):
            return {Status.MET, Status.DUE}
        _start, end = plan_years(target)
        return {Status.MET, Status.OVERDUE} if year < end else VERDICTS
    if is_final(target, year):
        return VERDICTS | part
    if target.entry == Target.Entry.YES_NO:
        return PATH_STATUSES | {Status.NOT_MET} | part
    return PATH_STATUSES | part


def statuses_that_can_appear(targets: Iterable[Target], year: int) -> list[Status]:
    """The statuses these targets can show as of `year`, in ORDER: a legend lists no other."""
    possible = set().union(*(possible_statuses(target, year) for target in targets))
    return [status for status in ORDER if status in possible]


def share_meeting(met: int, total: int) -> Progress:
    """A city status read from the share of districts that meet a per-district rule."""
    if total == 0:
        return Progress(Status.NO_DATA)
    if met == total:
        return Progress(Status.MET, value=Decimal(100), count=(met, total))
    ratio = Decimal(met) / total
    return Progress(_graded(ratio), value=ratio * 100, ratio=ratio, count=(met, total))


# A district, and the city ------------------------------------------------------------------


def district_progress(
    target: Target, points: dict[int, Point], year: int, district_id: int | None = None
) -> Progress:
    """The status of one district's figures for a target, against the district's own value where
    a decomposition gave it one (`goal_of`); `district_id` None: the city's own figures."""
    goal, basis = goal_of(target, district_id)
    return _noted(_district_progress(_against(target, goal), points, year, basis), goal, basis)


def _district_progress(target: Target, points: dict[int, Point], year: int, basis) -> Progress:
    points = {y: p for y, p in points.items() if y <= year}
    if is_share_of_city_total(target) and basis != Basis.DISTRICT:
        series = {y: measure(target, p) for y, p in points.items()}
        known = {y: v for y, v in series.items() if v is not None}
        latest = max(known, default=None)
        result = Progress(Status.PART if known else Status.NO_DATA, series=known, year=latest,
                          value=known.get(latest))  # fmt: skip
    elif target.kind == Target.Kind.MILESTONE:
        result = milestone(target, points, year)
    elif target.entry == Target.Entry.YES_NO:
        result = _yes_or_no(target, points, year)
    else:
        result = judge_series(target, {y: measure(target, p) for y, p in points.items()}, year)
    latest = points.get(result.year) if result.year is not None else None
    result.provisional = bool(latest and latest.provisional)
    result.figure_id = latest.figure_id if latest else None
    return result


def _yes_or_no(target: Target, points: dict[int, Point], year: int) -> Progress:
    """A district's yes/no criterion: its latest answer; from the deadline year on, the deadline
    year's answer is the verdict."""
    answered = {y: p for y, p in points.items() if p.achieved is not None}
    latest = max(answered, default=None)
    final = is_final(target, year)
    if final and target.deadline_year in answered:
        latest = target.deadline_year
    if latest is None:
        return Progress(Status.FINAL_MISSING if final else Status.NO_DATA, final=final)
    met = bool(answered[latest].achieved)
    result = Progress(Status.MET if met else Status.NOT_MET, year=latest, final=final,
                      value=Decimal(100 if met else 0))  # fmt: skip
    if final:
        if latest != target.deadline_year:
            result.status = Status.FINAL_MISSING
        elif not met:
            result.status = Status.MISSED
    return result


def is_share_of_city_total(target: Target) -> bool:
    """A city-wide count the districts add up to (建成12所国际化学校): a district's own number
    is its contribution, not something to judge against the city's target."""
    return (
        target.scope == Target.Scope.CITY
        and target.reported_by == Target.Reporter.DISTRICTS
        and target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT)
    )


def has_figure(target: Target, point: Point | None) -> bool:
    """Does this point count as the district's figure of its year (for complete years)?"""
    if point is None:
        return False
    if target.entry in (Target.Entry.YES_NO, Target.Entry.MILESTONE):
        return point.achieved is not None
    return measure(target, point) is not None


def reported_in(target: Target, by_district: dict[int, dict[int, Point]], year: int) -> int:
    """How many districts have their figure of `year` in."""
    return sum(1 for points in by_district.values() if has_figure(target, points.get(year)))


def complete_years(
    target: Target, by_district: dict[int, dict[int, Point]], district_count: int
) -> list[int]:
    """The years in which every district's figure is in: the only years with a city value."""
    years = {y for points in by_district.values() for y in points}
    return sorted(y for y in years if reported_in(target, by_district, y) == district_count)


@dataclass
class Districts:
    """What the city's status needs of the districts' figures of one target: counted from the
    points here (`Districts.of`), or in the database at national size (targets.standings)."""

    count: int  # the districts of the city
    reported: dict[int, int]  # by year: the districts whose figure is in
    said_yes: dict[int, int]  # by year: the districts answering yes
    series: dict[int, Decimal]  # the city's measure of each complete year (`aggregate`)
    judged: Callable[[int], tuple[int, int]]  # as of a year: (districts meeting, missed)

    def complete_years(self) -> list[int]:
        """The years in which every district's figure is in: the only years with a city value."""
        return sorted(y for y, n in self.reported.items() if n == self.count)

    @classmethod
    def of(cls, target, by_district, district_count, year, judged=None, series=None):
        years = {y for points in by_district.values() for y in points}

        def judged_as_of(as_of: int) -> tuple[int, int]:
            if judged is not None and as_of == year:
                statuses = [p.status for p in judged]
            else:
                statuses = [
                    district_progress(target, points, as_of, pk).status
                    for pk, points in by_district.items()
                ]
            return statuses.count(Status.MET), statuses.count(Status.MISSED)

        return cls(
            district_count,
            {y: reported_in(target, by_district, y) for y in years},
            {y: sum(1 for p in by_district.values() if _achieved(p.get(y))) for y in years},
            aggregate(target, by_district, district_count) if series is None else series,
            judged_as_of,
        )


def city_progress(
    target: Target,
    by_district: dict[int, dict[int, Point]],
    city_points: dict[int, Point],
    year: int,
    district_count: int,
    judged: list[Progress] | None = None,
    series: dict[int, Decimal] | None = None,
    districts: Districts | None = None,
) -> Progress:
    """The city's status, from its own figures or aggregated from the districts' correctly.

    `judged`, `series`: the districts' own progress as of `year` and the aggregated series, where
    the caller has them already; `districts`: all it needs of them, counted elsewhere."""
    goal, basis = goal_of(target, None)
    if target.reported_by == Target.Reporter.CITY or city_points:
        return district_progress(target, city_points, year)
    return _noted(
        _city_progress(target, by_district, year, district_count, judged, series, districts),
        goal,
        basis,
    )


def _city_progress(target, by_district, year, district_count, judged, series, districts):
    if districts is None:
        districts = Districts.of(target, by_district, district_count, year, judged, series)
    if target.kind in (Target.Kind.DISTRICT_MINIMUM, Target.Kind.MILESTONE) or target.per_head:
        result = _every_district(target, districts, year)
    else:
        result = judge_series(target, districts.series, year)
        if target.entry == Target.Entry.YES_NO and result.year is not None:
            result.count = (districts.said_yes.get(result.year, 0), districts.count)
    if target.kind != Target.Kind.MILESTONE:
        n = districts.reported.get(year, 0)
        if n < districts.count:
            result.reported = (n, districts.count)
    return result


def _achieved(point: Point | None) -> bool:
    return bool(point and point.achieved)


def _every_district(target, districts: Districts, year) -> Progress:
    """A rule each district must meet (每个区县至少…, per head, milestones): the city counts the
    districts meeting it, in the latest year every district's figure is in (milestones: done by
    `year`). From the deadline year on: 已达成 when all meet, 未达成 as soon as one district's
    verdict is 未达成 (the others cannot change that), otherwise 缺最终数据."""
    final = is_final(target, year)
    district_count = districts.count
    as_of = year
    if target.kind != Target.Kind.MILESTONE and not final:
        complete = [y for y in districts.complete_years() if y <= year]
        if not complete:
            return Progress(Status.NO_DATA)
        as_of = complete[-1]
    met, missed = districts.judged(as_of)
    result = share_meeting(met, district_count)
    # The count is of a year, said beside it ("11 / 11（2022）"): a milestone's as of the year
    # judged, another rule's of its latest complete year.
    milestone_ = target.kind == Target.Kind.MILESTONE
    result.year = as_of if milestone_ else min(as_of, target.deadline_year)
    result.final = final
    if target.kind == Target.Kind.MILESTONE and result.status != Status.MET:
        _start, end = plan_years(target)
        result.status = Status.DUE if not final else Status.OVERDUE
        if final and year >= end:
            result.status = _verdict_of_all(missed, met, district_count)
    elif final and result.status != Status.MET:
        result.status = _verdict_of_all(missed, met, district_count)
        result.ratio = None
        if result.status == Status.FINAL_MISSING:  # show the latest complete year's count
            complete = [y for y in districts.complete_years() if y <= year]
            if complete:
                met_then, _missed = districts.judged(complete[-1])
                result.count, result.year = (met_then, district_count), complete[-1]
                result.value = Decimal(met_then * 100) / district_count
    return result


def _verdict_of_all(missed: int, met: int, district_count: int) -> Status:
    if missed:
        return Status.MISSED
    return Status.MET if met == district_count else Status.FINAL_MISSING


def aggregate(
    target: Target, by_district: dict[int, dict[int, Point]], district_count: int
) -> dict[int, Decimal]:
    """City measures by year: Σ numerators / Σ denominators, sums, or the share of districts.

    Only the years in which every district's figure is in have a city value: a city total of the
    districts that happen to have reported would fall for no reason, and a district's yes of
    last year is not its answer for this one.
    """
    series: dict[int, Decimal] = {}
    if target.entry == Target.Entry.MILESTONE:
        return series  # counted district by district, never aggregated
    for year in complete_years(target, by_district, district_count):
        points = [p[year] for p in by_district.values()]
        fraction = target.entry == Target.Entry.FRACTION
        amount = target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT)
        series[year] = city_value(
            target,
            district_count,
            said_yes=sum(1 for p in points if p.achieved),
            numerators=sum(p.numerator for p in points) if fraction else None,
            denominators=sum(p.denominator for p in points) if fraction else None,
            values=sum(p.value for p in points) if amount else None,
        )
    return series


def city_value(target: Target, district_count: int, *, said_yes, numerators, denominators, values):
    """The city's measure of a complete year from the districts' totals: Σ numerators /
    Σ denominators for rates, sums for counts and amounts, the share of districts for yes/no."""
    if target.entry == Target.Entry.YES_NO:
        return Decimal(said_yes * 100) / district_count
    if target.entry == Target.Entry.FRACTION:
        return target.measure(numerators, denominators)
    return values


def city_at(target: Target, progress: Progress, year: int, district_count: int) -> Progress:
    """The city's value of one year, for a district × year table: the series' value, with the
    count of districts for a share of districts (27.3%（3/11）, never 是/否)."""
    value = progress.series.get(year)
    if value is None:
        return Progress(Status.NO_DATA)
    at = Progress(progress.status, value=value, year=year)
    if target.entry == Target.Entry.YES_NO:
        at.count = (int((value * district_count / 100).to_integral_value()), district_count)
    return at


# Ranks ---------------------------------------------------------------------------------------


def ranking_year(target: Target, year: int) -> int:
    """The year whose figures are ranked as of `year`: the deadline year's once it is reached."""
    if target.kind == Target.Kind.MILESTONE:
        return year
    return min(year, target.deadline_year)


def rank(target: Target, cells: Iterable[tuple], year: int) -> dict:
    """Districts ranked on one year's figures: 1 is furthest along; equals share a rank.

    `cells`: (key, Progress) pairs. Only a district whose value is of `year` is ranked (a
    milestone: done or not as of the year, whenever done); the others get no rank."""
    descending = target.comparator not in (Target.Comparator.AT_MOST, Target.Comparator.LESS_THAN)
    if target.kind == Target.Kind.ANNUAL_CHANGE and target.direction == Target.Direction.DECREASE:
        descending = False
    milestone_ = target.kind == Target.Kind.MILESTONE
    measured = [
        (key, p.value) for key, p in cells if p.value is not None and (milestone_ or p.year == year)
    ]
    ordered = sorted(measured, key=lambda kv: kv[1], reverse=descending)
    first: dict[Decimal, int] = {}  # value -> the rank of the first district with it
    return {key: first.setdefault(value, n) for n, (key, value) in enumerate(ordered, 1)}


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


def load_points(
    targets: Iterable[Target], years: Iterable[int], include_submitted: bool, districts=None
):
    """Figures as Points, by target and district (None: the city): one query. `districts`: only
    these districts' figures (primary keys) and the city's own."""
    states = list(COUNTED) if include_submitted else [Figure.State.APPROVED]
    figures = Figure.objects.filter(
        target__in=[t.pk for t in targets], year__in=list(years), state__in=states
    )
    if districts is not None:
        figures = figures.filter(
            models.Q(district__in=list(districts)) | models.Q(district__isnull=True)
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
    attach_goals(targets)
    city, cells, city_series = {}, {}, {}
    for target in targets:
        by_target = points.get(target.pk, {})
        by_district = {d: p for d, p in by_target.items() if d is not None}
        if target.reported_by == Target.Reporter.CITY:  # districts report nothing to judge
            judged = {pk: Progress(Status.NO_DATA) for pk in shown}
        else:
            judged = {
                district.pk: district_progress(
                    target, by_district.get(district.pk, {}), year, district.pk
                )
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
