"""The province page: cities side by side on the indicators their plans share.

For a year, each city's plan covering it (the plan in whose years it falls, else the one whose
baseline it is), the targets of those plans whose indicator key (`Target.indicator`) appears in
at least two cities' plans, and for each such indicator every city's value and status as of the
year (approved figures, as the city's own dashboards show them: the stored standings, see
targets/standings.py); then the cities furthest behind: most indicators behind first. A constant
number of queries, whatever the number of cities: plans, targets and the cities' standings, one
query each; no figure is read, so the page costs about what the aggregate it shows does.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from departments.models import City
from plans.models import Plan
from targets import progress, standings
from targets.models import Target

# What `targets.display.describe` words a value by: targets alike in these share one Target.
SHAPE = ("kind", "unit", "measure_unit", "per_units", "numerator_label", "denominator_label")


@dataclass(frozen=True)
class Shown:
    """What the page shows of a target: at province size, 800 Target instances would cost
    more than reading their standings, so a target is read as values. `shape` is a Target
    holding only what its values are worded by (`describe(shown.shape, progress)`)."""

    pk: int
    indicator: str
    name: str
    value_text: str
    plan_pk: int
    shape: Target


@dataclass
class Cell:
    target: Shown
    progress: progress.Progress
    plan: Plan


@dataclass
class Indicator:
    key: str
    name: str
    cells: dict[int, Cell]  # by city pk

    @property
    def behind(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.progress.is_behind)


@dataclass
class CityStanding:
    city: City
    plan: Plan
    behind: int = 0
    compared: int = 0
    behind_keys: list[str] = field(default_factory=list)
    missing: int = 0  # final figures missing: not behind, and not on course either
    missing_keys: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    year: int
    cities: list[City]
    plans: dict[int, Plan]  # by city pk
    indicators: list[Indicator]
    standings: list[CityStanding]  # furthest behind first


def plans_for_year(plans: list[Plan], year: int) -> dict[int, Plan]:
    """Each city's plan for the year: one whose years hold it, else one whose baseline it is."""
    chosen: dict[int, Plan] = {}
    for plan in sorted(plans, key=lambda p: (p.start_year <= year <= p.end_year, p.end_year)):
        if plan.baseline_year <= year <= plan.end_year:
            chosen[plan.city_id] = plan  # the later, better match wins
    return chosen


def compare(year: int, plans: list[Plan] | None = None) -> Comparison:
    plans = plans if plans is not None else list(Plan.objects.select_related("city"))
    chosen = plans_for_year(plans, year)
    of_plans = Target.objects.filter(task__part__plan__in=list(chosen.values())).exclude(
        indicator=""
    )
    targets = _shown(of_plans)
    plan_of = {plan.pk: plan for plan in chosen.values()}
    cities_of_key: dict[str, set[int]] = defaultdict(set)
    for target in targets:
        cities_of_key[target.indicator].add(plan_of[target.plan_pk].city_id)
    shared = [t for t in targets if len(cities_of_key[t.indicator]) > 1]
    city_progress = standings.stored_city_progress(of_plans, year, include_submitted=False)
    missing = progress.Progress(progress.Status.NO_DATA)
    by_plan: dict[int, list[Shown]] = defaultdict(list)
    for target in shared:
        by_plan[target.plan_pk].append(target)
    indicators: dict[str, Indicator] = {}
    for plan in chosen.values():
        for target in by_plan[plan.pk]:
            row = indicators.setdefault(
                target.indicator, Indicator(target.indicator, target.name, {})
            )
            row.cells[plan.city_id] = Cell(target, city_progress.get(target.pk, missing), plan)
    cities = sorted((p.city for p in chosen.values()), key=lambda c: c.name)
    ranked = []
    for city in cities:
        standing = CityStanding(city, chosen[city.pk])
        for row in indicators.values():
            cell = row.cells.get(city.pk)
            if cell is not None:
                standing.compared += 1
                if cell.progress.is_behind:
                    standing.behind += 1
                    standing.behind_keys.append(row.name)
                elif cell.progress.status == progress.Status.FINAL_MISSING:
                    standing.missing += 1
                    standing.missing_keys.append(row.name)
        ranked.append(standing)
    # Furthest behind first; among equals, the city with more final figures missing (which may
    # hide more behind) before the one whose figures are in.
    ranked.sort(key=lambda s: (-s.behind, -(s.behind / (s.compared or 1)), -s.missing, s.city.name))
    rows = sorted(indicators.values(), key=lambda r: (-r.behind, r.key))
    return Comparison(year, cities, {c: p for c, p in chosen.items()}, rows, ranked)


def _shown(targets) -> list[Shown]:
    shapes: dict[tuple, Target] = {}
    shown = []
    for pk, indicator, name, value_text, plan_pk, *shape in targets.values_list(
        "pk", "indicator", "name", "value_text", "task__part__plan_id", *SHAPE
    ):
        key = tuple(shape)
        if key not in shapes:
            shapes[key] = Target(**dict(zip(SHAPE, shape, strict=True)))
        shown.append(Shown(pk, indicator, name, value_text, plan_pk, shapes[key]))
    return shown
