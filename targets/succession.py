"""One plan after another: the successor's baseline carried over from the predecessor's final
figures, and a target's long series across the plans of its city.

Targets are matched by their indicator key (`Target.indicator`, e.g. kindergarten-public-share):
the same indicator in the plan a plan follows (十五五 after 十四五). A successor's baseline year is
its predecessor's last year, so the predecessor's figures of that year ARE the successor's
baseline: they are copied, not typed again, each copy pointing at its source
(`Figure.carried_from`) and shown as carried over. `carry_over(plan)` is idempotent: it runs
when the plan is loaded; `follow(figures)` keeps the copies in step, in the same transaction,
whenever a final figure is submitted, approved, returned, reopened or corrected (targets.figures
calls it), and `python manage.py carry_over_baseline` re-syncs every successor in full.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from departments.models import District
from plans.models import Plan
from targets import progress
from targets.models import Figure, Target

COPIED = ("numerator", "denominator", "value", "achieved", "achieved_on", "state")


def matching_targets(plan: Plan) -> list[tuple[Target, Target]]:
    """(successor target, predecessor target) pairs with the same indicator key and kind."""
    if plan.follows_id is None:
        return []
    earlier = {t.indicator: t for t in Target.objects.of_plan(plan.follows).exclude(indicator="")}
    return [
        (target, earlier[target.indicator])
        for target in Target.objects.of_plan(plan).exclude(indicator="")
        if target.indicator in earlier and earlier[target.indicator].kind == target.kind
    ]


CARRIED_STATES = (Figure.State.SUBMITTED, Figure.State.APPROVED)  # a final figure, once sent


@transaction.atomic
def carry_over(plan: Plan) -> int:
    """Copy the predecessor's final-year figures (submitted or approved) into the plan's
    baseline year, for every matching indicator; returns how many figures were written."""
    return len(_carry(plan))


def _carry(plan: Plan, only: Iterable[int] | None = None) -> list[Figure]:
    """`carry_over`, limited to the source figures `only` (pks) when given; the copies written."""
    pairs = matching_targets(plan)
    if not pairs:
        return []
    year = plan.baseline_year
    sources = Figure.objects.filter(
        target__in=[old.pk for _new, old in pairs], year=year, state__in=CARRIED_STATES
    )
    if only is not None:
        sources = sources.filter(pk__in=list(only))
    by_target: dict[int, list[Figure]] = {}
    for figure in sources:
        by_target.setdefault(figure.target_id, []).append(figure)
    existing = {
        (f.target_id, f.district_id): f
        for f in Figure.objects.filter(target__in=[new.pk for new, _old in pairs], year=year)
    }
    written: list[Figure] = []
    note = f"沿用《{plan.follows.title}》{year}年终值"
    for new, old in pairs:
        for source in by_target.get(old.pk, []):
            values = {name: getattr(source, name) for name in COPIED}
            values.update(carried_from=source, source=note[:200], note="")
            copy = existing.get((new.pk, source.district_id))
            if copy is not None and copy.carried_from_id is None:
                continue  # typed in for the successor: never overwritten
            if copy is None:
                written.append(
                    Figure.objects.create(
                        target=new, district_id=source.district_id, year=year, **values
                    )
                )
            elif any(getattr(copy, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(copy, k, v)
                copy.save()
                written.append(copy)
    return written


def follow_sources(figures: list[Figure]) -> list[Figure]:
    """Carried-over copies follow their source: after a source figure was submitted, approved,
    returned or reopened in the predecessor, each copy of it takes its values and state again
    (a copy is reviewed where its source is, never in the successor). One query when nothing
    was carried. Returns the copies changed."""
    sources = {figure.pk: figure for figure in figures if figure.pk is not None}
    copies = list(Figure.objects.filter(carried_from__in=list(sources)))
    for copy in copies:
        source = sources[copy.carried_from_id]
        for name in COPIED:
            setattr(copy, name, getattr(source, name))
        copy.version += 1
    if copies:
        Figure.objects.bulk_update(copies, [*COPIED, "version"])
    return copies


def follow(figures: list[Figure]) -> list[Figure]:
    """After these figures changed (submitted, approved, returned, reopened or corrected): every
    successor's carried baseline follows, in the caller's transaction. A copy takes its source's
    values and state again; a final-year figure submitted or approved without a copy yet is
    carried over now (a figure typed into the successor is never overwritten). Two queries
    when no figure is a final figure of a plan with a successor. Returns the copies written."""
    copies = follow_sources(figures)
    copied = {copy.carried_from_id for copy in copies}
    uncopied = {f.pk: f for f in figures if f.pk not in copied and f.state in CARRIED_STATES}
    if not uncopied:
        return copies
    successors = Plan.objects.filter(
        follows__parts__tasks__targets__in={f.target_id for f in uncopied.values()},
        follows__end_year__in={f.year for f in uncopied.values()},
    ).distinct()
    for successor in successors.select_related("follows"):
        copies += _carry(successor, only=uncopied)
    return copies


def carry_over_successors(plan: Plan) -> int:
    """After the plan's final figures changed: refresh every plan that follows it."""
    return sum(carry_over(successor) for successor in plan.successors.all())


def missing_baselines(plan: Plan) -> dict[Target, list[str]]:
    """For a plan that follows another, by target: the units (district names, or the city's
    name for a target the city reports) whose baseline is still missing, i.e. without a
    submitted or approved figure (carried or typed) in the baseline year, because the
    predecessor's final figure is not in yet. Empty for a plan that follows none."""
    pairs = matching_targets(plan)
    if not pairs:
        return {}
    districts = list(District.objects.filter(city=plan.city).order_by("pk"))
    have: dict[int, set[int | None]] = {}
    for target_id, district_id in Figure.objects.filter(
        target__in=[new.pk for new, _old in pairs],
        year=plan.baseline_year,
        state__in=CARRIED_STATES,
    ).values_list("target_id", "district_id"):
        have.setdefault(target_id, set()).add(district_id)
    missing: dict[Target, list[str]] = {}
    for new, _old in sorted(pairs, key=lambda pair: pair[0].pk):
        there = have.get(new.pk, set())
        if new.reported_by == Target.Reporter.CITY:
            lacking = [] if None in there else [plan.city.name]
        else:
            lacking = [d.name for d in districts if d.pk not in there]
        if lacking:
            missing[new] = lacking
    return missing


@dataclass
class Year:
    year: int
    value: Decimal | None
    plan: Plan
    target: Target
    carried: bool = False  # the successor's baseline, carried over from the predecessor
    reported: bool = True  # a year reported by now (not a plan's deadline still to come)

    @property
    def incomplete(self) -> bool:
        """A year reported without every district's figure: no city value."""
        return self.reported and self.value is None


def chain(plan: Plan) -> list[Plan]:
    """The plan's predecessors and successors of the same city, oldest first."""
    plans = [plan]
    earlier = plan.follows
    while earlier is not None and earlier not in plans:
        plans.insert(0, earlier)
        earlier = earlier.follows
    later = plan.successors.first()
    while later is not None and later not in plans:
        plans.append(later)
        later = later.successors.first()
    return plans


def long_series(
    target: Target, as_of: int | None = None, *, include_submitted: bool = False
) -> list[Year]:
    """The city's value of the target's indicator year by year across its chain of plans, every
    year from the first plan's baseline to `as_of` (the year being reported: last year), a year
    without every district's figure shown without a value rather than left out; the
    successor's baseline is the predecessor's last year, shown once and marked carried over
    when its figures were carried; a plan with no year reported yet shows its target at its
    deadline (value None). Approved figures only, as the dashboards' official basis, unless
    `include_submitted`."""
    plan = target.task.part.plan
    plans = chain(plan) if target.indicator else [plan]
    if len(plans) == 1:
        return []
    as_of = as_of if as_of is not None else timezone.localdate().year - 1
    districts = list(District.objects.filter(city=plan.city))
    rows: dict[int, Year] = {}
    for each in plans:
        same = (
            target
            if each.pk == plan.pk
            else Target.objects.of_plan(each).filter(indicator=target.indicator).first()
        )
        if same is None:
            continue
        board = progress.board(
            each,
            each.end_year,
            targets=[same],
            districts=districts,
            include_submitted=include_submitted,
        )
        series = board.city_series.get(same.pk, {})
        for year in range(each.baseline_year, min(each.end_year, as_of) + 1):
            if year in rows and year == each.baseline_year:
                # the predecessor's final year, this one's baseline
                rows[year].carried = Figure.objects.filter(
                    target=same, year=year, carried_from__isnull=False
                ).exists()
                continue
            rows[year] = Year(year, series.get(year), each, same)
        if each.start_year > as_of:
            rows.setdefault(
                same.deadline_year, Year(same.deadline_year, None, each, same, reported=False)
            )
    return [rows[year] for year in sorted(rows)]
