"""The review queue: figures waiting for review in one fixed order, each beside last year's figure
of the same target and district, how long they have waited, and which comes next after an action.

The order is the plan's: year, district, chapter, task, target. Waiting is counted in whole days
from the submission to today, in the bureau's time zone; per department, the lead department of
the figure's task (the department that reviews it).
"""

import datetime
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from departments.models import Department
from targets.display import PERCENTAGE_POINTS, number, unit_of
from targets.models import Figure, Target

ORDER = (
    "year",
    "district__order",
    "target__task__part__order",
    "target__task__number",
    "target__order",
    "pk",
)


def ordered(figures: QuerySet[Figure]) -> QuerySet[Figure]:
    return figures.order_by(*ORDER)


def previous_figures(figures: list[Figure]) -> dict[tuple, Figure]:
    """Last year's figure of each figure's target and district, keyed (target, district, year)
    of the later figure; one query whatever the count."""
    if not figures:
        return {}
    wanted = Q()
    for figure in figures:
        wanted |= Q(
            target_id=figure.target_id, district_id=figure.district_id, year=figure.year - 1
        )
    targets = {f.target_id for f in figures}
    found = (
        Figure.objects.filled()
        .filter(target_id__in=targets, year__in={f.year - 1 for f in figures})
        .filter(Q(district_id__in={f.district_id for f in figures}) | Q(district__isnull=True))
        .select_related("target")
    )
    if len(figures) <= 50:  # a short list: ask only for what is needed
        found = found.filter(wanted)
    return {(f.target_id, f.district_id, f.year + 1): f for f in found}


def comparable(figure: Figure | None) -> Decimal | None:
    """The figure as a number in its target's terms (a rate in percent, a count, ...)."""
    if figure is None:
        return None
    if figure.target.entry == Target.Entry.FRACTION:
        return figure.measure
    return figure.value


def change(figure: Figure, previous: Figure | None) -> str:
    """The change from last year in the target's terms: "+2.3 percentage points" for rates,
    "+3 schools" for counts; "—" when either is missing or the target is a milestone."""
    now, before = comparable(figure), comparable(previous)
    if now is None or before is None:
        return "—"
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if figure.target.entry == Target.Entry.FRACTION:
        unit = str(PERCENTAGE_POINTS) if figure.target.is_percentage else ""
        return f"{sign}{abs(delta):.1f} {unit}".strip()
    return f"{sign}{number(abs(delta))} {unit_of(figure.target)}".strip()


def waiting_days(figure: Figure, today: datetime.date) -> int | None:
    if figure.submitted_at is None:
        return None
    return max((today - timezone.localdate(figure.submitted_at)).days, 0)


@dataclass
class Waiting:
    """What waits for one department's review, and for how long (in days)."""

    department: Department | None
    count: int
    oldest: int
    median: float


def waiting_by_department(figures: QuerySet[Figure], today: datetime.date) -> list[Waiting]:
    """Submitted figures per lead department (two queries): how many, the oldest and the median
    wait in days; the longest waits first."""
    rows = figures.filter(
        state=Figure.State.SUBMITTED, target__task__assignments__position=0
    ).values_list("target__task__assignments__department", "submitted_at")
    days: dict[int | None, list[int]] = {}
    for department_id, submitted_at in rows:
        wait = (today - timezone.localdate(submitted_at)).days if submitted_at else 0
        days.setdefault(department_id, []).append(max(wait, 0))
    departments = Department.objects.in_bulk([pk for pk in days if pk is not None])
    result = [
        Waiting(departments.get(pk), len(waits), max(waits), statistics.median(waits))
        for pk, waits in days.items()
    ]
    return sorted(result, key=lambda w: (-w.oldest, -w.count))


def next_after(order: list[int], acted: set[int]) -> int | None:
    """The item to land on after acting on `acted` in a queue ordered as `order` (taken before
    the action): the first one after the last acted on, else the first one left."""
    positions = [i for i, pk in enumerate(order) if pk in acted]
    if not positions:
        return next(iter(order), None)
    after = [pk for pk in order[positions[-1] + 1 :] if pk not in acted]
    before = [pk for pk in order[: positions[-1]] if pk not in acted]
    return next(iter(after + before), None)


# What the apps above say about a waiting figure (the schools app: 待核对, the figure against the
# value derived from the statistics): `flagger(figures)` returns {figure pk: short text}.
Flagger = Callable[[list[Figure]], dict[int, str]]
_flaggers: list[Flagger] = []


def register_flagger(flagger: Flagger) -> None:
    if flagger not in _flaggers:
        _flaggers.append(flagger)


def flags(figures: list[Figure]) -> dict[int, list[str]]:
    """Every registered flagger's words about each figure, by figure pk."""
    found: dict[int, list[str]] = {}
    for flagger in _flaggers:
        for pk, text in flagger(figures).items():
            found.setdefault(pk, []).append(text)
    return found
