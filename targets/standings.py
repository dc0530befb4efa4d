"""Stored progress: the results of targets.progress, kept per target, district, year and basis.

Dashboards at province or national size cannot judge every district's figures on each request
(2,800 districts × 60 targets); they read these rows instead. Every write of figures refreshes
the standings of the targets it touched, in the same transaction, so a page never shows a
status older than the figures.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q

from departments.models import District
from plans.models import Plan
from targets import progress as method
from targets.models import Standing, Target


def refresh(target_ids: Iterable[int]) -> int:
    """Recompute the standings of these targets: every district, the city, every year, both
    bases. Returns how many rows were written."""
    ids = set(target_ids)
    if not ids:
        return 0
    targets = list(Target.objects.filter(pk__in=ids).select_related("task__part__plan"))
    written = 0
    for plan in {t.task.part.plan for t in targets}:
        of_plan = [t for t in targets if t.task.part.plan_id == plan.pk]
        districts = list(District.objects.filter(city=plan.city_id))
        rows = []
        for approved_only in (True, False):
            points = method.load_points(of_plan, plan.years, include_submitted=not approved_only)
            for year in plan.years:
                board = method.board_from_points(points, year, targets=of_plan, districts=districts)
                rows += _rows(board, year, approved_only, districts)
        with transaction.atomic():
            Standing.objects.filter(target__in=of_plan).delete()
            Standing.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    return written


def refresh_plan(plan: Plan) -> int:
    return refresh(Target.objects.of_plan(plan).values_list("pk", flat=True))


def _rows(board: method.Board, year: int, approved_only: bool, districts) -> list[Standing]:
    rows = []
    for target in board.targets:
        rows.append(_row(target, None, board.city[target.pk], year, approved_only))
        for district in districts:
            rows.append(
                _row(
                    target, district.pk, board.cells[(target.pk, district.pk)], year, approved_only
                )
            )
    return rows


def _row(target, district_id, progress: method.Progress, year, approved_only) -> Standing:
    return Standing(
        target_id=target.pk,
        district_id=district_id,
        as_of=year,
        approved_only=approved_only,
        status=progress.status,
        value=progress.value,
        year=progress.year,
        expected=progress.expected,
        ratio=progress.ratio,
        met=progress.count[0] if progress.count else None,
        total=progress.count[1] if progress.count else None,
        provisional=progress.provisional,
        figure_id=progress.figure_id,
        behind=progress.is_behind,
        series={str(y): str(v) for y, v in progress.series.items()} if district_id is None else {},
    )


def as_progress(row: Standing) -> method.Progress:
    return method.Progress(
        method.Status(row.status),
        value=row.value,
        year=row.year,
        expected=row.expected,
        ratio=row.ratio,
        count=(row.met, row.total) if row.met is not None else None,
        provisional=row.provisional,
        series={int(y): Decimal(v) for y, v in row.series.items()},
        figure_id=row.figure_id,
    )


def stored_board(
    plan: Plan,
    year: int,
    *,
    targets: list[Target],
    visible: list,
    show: list,
    include_submitted: bool,
) -> method.Board:
    """The board as stored: city rows, the `show` districts' rows, and how many of the `visible`
    districts are behind on each target, counted in the database. A few queries, at any size."""
    approved_only = not include_submitted
    rows = Standing.objects.filter(
        as_of=year, approved_only=approved_only, target__in=[t.pk for t in targets]
    )
    shown = [d.pk for d in show]
    city, cells = {}, {}
    for row in rows.filter(Q(district__isnull=True) | Q(district__in=shown)):
        if row.district_id is None:
            city[row.target_id] = as_progress(row)
        else:
            cells[(row.target_id, row.district_id)] = as_progress(row)
    behind = dict(
        rows.filter(district__in=[d.pk for d in visible], behind=True)
        .values_list("target")
        .annotate(n=Count("pk"))
        .values_list("target", "n")
    )
    missing = method.Progress(method.Status.NO_DATA)
    for target in targets:
        city.setdefault(target.pk, missing)
        for pk in shown:
            cells.setdefault((target.pk, pk), missing)
    city_series = {pk: p.series for pk, p in city.items()}
    return method.Board(year, targets, list(show), city, cells, city_series, behind=behind)
