"""Progress dashboards: city overview, heat map, target, district and department pages, and the
progress API. Each builds one Board (a constant number of queries) and shows a slice of it.

Who sees what follows the figures' scoping rule: district staff see the city values and their own
district, department heads the targets their department leads or co-operates on, the city admin
everything.
"""

import html
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tables2 import RequestConfig

from departments.access import headed_department, is_district_staff, may_enter, scope_districts
from departments.models import District
from plans.access import (
    get_department_for_user,
    may_issue_notice_in,
    may_write_plan,
    plan_for_request,
)
from plans.models import Plan, plan_query
from targets import access, goals, panels, standings, succession
from targets.display import (
    city_level,
    dated,
    describe,
    goal_value,
    percent,
    status_labels,
    warning_label,
)
from targets.models import Figure, Target
from targets.progress import (
    CHASED,
    ORDER,
    Basis,
    Board,
    Point,
    Progress,
    Status,
    city_at,
    is_warned,
    load_points,
    may_decompose,
    measure,
    rank,
    ranking_year,
    series_of,
    statuses_that_can_appear,
)
from targets.standings import NO_CELL
from targets.views import exports
from targets.views.filters import TargetFilter
from targets.views.tables import ProgressTable
from zibo_edu.lib.charts import Series, city_line, line_chart, other_districts, sparkline
from zibo_edu.lib.params import choice_param, int_param


@dataclass
class View:
    """What one request may see, and the board for it."""

    plan: Plan
    year: int
    include_submitted: bool
    targets: list[Target]
    districts: list[District]  # all of the city's, for city values
    shown: list[District]  # the ones whose own figures this user sees (on this page)
    board: Board
    visible: int  # how many districts' own figures this user may see in all


ALL, NONE = "all", "none"
WARNING = "warning"  # ?status=warning: the 约束性 targets warned of (序时进度 预警)


def _view(
    request: HttpRequest,
    targets=None,
    cells: slice | str = slice(None),
    plan: Plan | None = None,
    statuses_only: bool = False,
) -> View:
    """The board for this request, as stored. `cells` says whose own rows to load: a slice of the
    districts the user may see, ALL districts of the city (for ranks), or NONE (city rows only).
    `statuses_only`: a page that shows statuses and nothing else (the heat map) reads the
    districts' cells itself (`standings.stored_cells`) and the targets without departments; the
    board then holds the city rows only, without their series."""
    plan = plan or plan_for_request(request)
    year = int_param(request.GET, "year")
    year = year if year in plan.years else plan.reporting_year()
    include_submitted = request.GET.get("submitted") == "1"
    queryset = (
        Target.objects.of_plan(plan) if targets is None else targets.filter(task__part__plan=plan)
    )
    queryset = access.scope_targets(queryset, request.user)
    if statuses_only:
        target_list = list(queryset.select_related("task__part__plan"))
    else:
        target_list = list(queryset.for_listing())
    districts = list(District.objects.filter(city=plan.city))
    own = is_district_staff(request.user)
    visible = scope_districts(districts, request.user)
    shown = districts if cells == ALL else [] if cells == NONE else visible[cells]
    board = standings.stored_board(
        plan, year, targets=target_list, show=[] if statuses_only else shown,
        include_submitted=include_submitted,
        # None: count those behind among all, as stored (a page of statuses shows no count)
        visible=visible if own and not statuses_only else None,
        with_series=not statuses_only,
    )  # fmt: skip
    return View(plan, year, include_submitted, target_list, districts, shown, board, len(visible))


@dataclass
class Row:
    """One target's line in a progress table."""

    target: Target
    progress: Progress
    behind: int | None
    years: list[int]
    years_as_of: int
    goal_mark: str = ""  # "调整后"/"分解目标" beside the value asked (targets.goals.goal_marks)

    @property
    def status_rank(self) -> int:
        return ORDER.index(self.progress.status)

    @property
    def warned(self) -> bool:
        """序时进度 预警: a 约束性 target behind its path from the plan's mid-term on."""
        return is_warned(self.target, self.progress.status, self.years_as_of)

    @property
    def value(self) -> str:
        shown_year = self.progress.year
        reported = self.progress.reported  # the as-of year is not complete: how far it is
        if shown_year and shown_year != self.years_as_of and reported:
            return describe(self.target, self.progress) + _(
                " (%(year)s; %(as_of)s: %(n)s/%(total)s in)"
            ) % {"year": shown_year, "as_of": self.years_as_of, "n": reported[0],
                 "total": reported[1]}  # fmt: skip
        return dated(self.target, self.progress)  # a value beside a status says its year

    @property
    def trend(self) -> str:
        return sparkline(self.progress.series, self.years)


def _adjusted(view: View) -> set[int]:
    """The targets whose stored city judgement used an adjusted value (规划调整): no query."""
    return {pk for pk, p in view.board.city.items() if p.goal_basis == Basis.ADJUSTED}


def _rows(view: View, progress_of) -> list[Row]:
    years = list(view.plan.years)
    marks = goals.goal_marks(view.targets, view.districts, adjusted=_adjusted(view))
    return [
        Row(
            target,
            progress_of(target),
            view.board.behind_count(target) if view.visible else None,
            years,
            view.year,
            marks.get(target.pk, ""),
        )
        for target in view.targets
    ]


def _table_response(
    request: HttpRequest, table: ProgressTable, view: View, name: str, title: str
) -> HttpResponse | None:
    """?_export=csv|xlsx: the table as shown (its filters and order), for Chinese Excel."""
    export = choice_param(request.GET, "_export", exports.FORMATS)
    if export is None:
        return None
    records = [bound.record for bound in table.rows]
    return exports.response(export, records, year=view.year, name=name, title=title)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    view = _view(request, cells=NONE)
    filters = TargetFilter(request.GET, queryset=Target.objects.of_plan(view.plan), plan=view.plan)
    asked = any(request.GET.get(name) for name in filters.filters)  # else every target: no query
    if asked and filters.is_valid():
        chosen = {t.pk for t in filters.qs}
    else:
        chosen = {t.pk for t in view.targets}
    status = request.GET.get("status", "")
    rows = [
        row
        for row in _rows(view, lambda t: view.board.city[t.pk])
        if row.target.pk in chosen
        and (not status or row.progress.status == status or (status == WARNING and row.warned))
    ]
    table = ProgressTable(rows, order_by=request.GET.get("sort"), link_query=plan_query(request))
    RequestConfig(request, paginate=False).configure(table)
    exported = _table_response(
        request, table, view, f"progress-{view.year}", _("Progress %(year)s") % {"year": view.year}
    )
    if exported:
        return exported
    context = {
        "view": view,
        "plan": view.plan,
        "table": table,
        "nothing_to_show": _nothing_to_show(request, view),
        "filter": filters,
        "statuses": [
            *((value, capfirst(label)) for value, label in Status.choices),
            (WARNING, warning_label()),
        ],
        "status": status,
        "counts": _counts(rows),
        "warned": sum(1 for row in rows if row.warned),
        "warning": WARNING,
    }
    return render(request, "targets/progress_overview.html", context)


def _nothing_to_show(request: HttpRequest, view: View, department=None) -> str:
    """Say plainly why a page is empty (a department that leads no quantitative target), rather
    than show 0 of 0 as 0%."""
    if view.targets:
        return ""
    department = department or headed_department(request.user)
    if department is not None:
        return _(
            "%(department)s leads and co-operates on no quantitative target of this plan: "
            "there is nothing to follow here. Its tasks are on the department's page."
        ) % {"department": department.name}
    return _("This plan has no quantitative target.")


def _counts(rows: list[Row]) -> list[tuple[str, str, int]]:
    counts = dict.fromkeys(ORDER, 0)
    for row in rows:
        counts[row.progress.status] += 1
    return [(status, capfirst(status.label), n) for status, n in counts.items() if n]


HEATMAP_COLUMNS = 40


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    """Targets × districts, 40 districts a page (a province has ~140, a country ~2,800)."""
    page = int_param(request.GET, "page", default=1, minimum=1)
    start = (page - 1) * HEATMAP_COLUMNS
    view = _view(request, cells=slice(start, start + HEATMAP_COLUMNS), statuses_only=True)
    cells = standings.stored_cells(
        view.year, targets=view.targets, districts=view.shown,
        include_submitted=view.include_submitted,
    )  # fmt: skip
    query = plan_query(request)
    labels = status_labels(Status)
    heat = _HeatRows(request, view, cells, query, labels)
    pages = max(1, -(-view.visible // HEATMAP_COLUMNS))
    context = {
        "view": view,
        "plan": view.plan,
        "rows": [(target, mark_safe(heat.row(target))) for target in view.targets],
        "columns": mark_safe(heat.columns()),
        "nothing_to_show": _nothing_to_show(request, view),
        "legend": [  # only what can appear as of this year (a final year: verdicts only)
            (s, *labels[s]) for s in statuses_that_can_appear(view.targets, view.year)
        ],
        "page": page,
        "pages": range(1, pages + 1) if pages > 1 else None,
    }
    return render(request, "targets/progress_heatmap.html", context)


def _url_prefix(name: str) -> str:
    """A url of one object without its key ("/figures/" of "/figures/<pk>/"): a heat map makes
    thousands of links, and reversing each costs more than the data behind it."""
    return reverse(name, args=["0"]).removesuffix("0/")


class _HeatRows:
    """The heat map's rows (the target, the city's cell, the districts' cells), built here: a page
    has thousands of cells, and a template renders them slower than the query behind them. Every
    text put in is escaped once (names, labels) or is our own (statuses, numbers, urls).

    Where a cell leads: the figure its status rests on; for 缺最终数据, the figure of the year shown
    (a draft, say) or, where there is none, the entry page of that year for whoever may enter it.
    And "发督办单" beside a cell the city chases, for whoever issues notices."""

    def __init__(self, request: HttpRequest, view: View, cells: dict, query: str, labels: dict):
        self.view, self.cells, self.query = view, cells, query
        self.labels = {  # plain str: a SafeString costs a call each time it is put in
            status: (html.escape(short), html.escape(label))
            for status, (short, label) in labels.items()
        }
        self.names = [(d.pk, html.escape(d.name)) for d in view.shown]
        # 调整后 / 分解目标 marks (escaped HTML): adjusted known from the stored city judgements'
        # basis (a query only where one was), one query for the districts' own values.
        self.marks = goals.goal_marks(
            view.targets,
            view.districts,
            adjusted=_adjusted(view),
        )
        self.target_url = _url_prefix("progress_target")
        self.figure = _url_prefix("figure_detail")
        missing = {key for key, cell in cells.items() if cell.status == Status.FINAL_MISSING}
        self.of_year = {}
        if missing:
            found = Figure.objects.for_user(request.user).filter(
                year=view.year,
                target__in={target for target, _district in missing},
                district__in={district for _target, district in missing},
            )
            rows = found.values_list("target", "district", "pk")
            self.of_year = {(target, district): pk for target, district, pk in rows}
        owing = {district for _target, district in missing}
        self.entry = {
            d.pk: reverse("figure_entry", args=[d.slug, view.year])
            for d in view.shown
            if d.pk in owing and may_enter(request.user, d)
        }
        self.notice = None
        if may_issue_notice_in(request.user, view.plan):
            self.notice = f"{reverse('notice_new')}?plan={view.plan.slug}&amp;"
            self.notice_label = html.escape(_("Issue a notice"))
            self.notice_short = html.escape(pgettext("heat map cell", "N"))

    def columns(self) -> str:
        """A header cell per district, linking to its progress."""
        url = _url_prefix("progress_district")
        progress_of = _("Progress of %(name)s")
        return "".join(
            f'<th scope="col"><a href="{url}{d.slug}/{self.query}" '
            f'title="{html.escape(progress_of % {"name": d.name})}">{html.escape(d.name)}</a></th>'
            for d in self.view.shown
        )

    def row(self, target: Target) -> str:
        name, code = html.escape(target.name), html.escape(target.code)
        short_name = target.name if len(target.name) <= 16 else Truncator(target.name).chars(16)
        target_url = f"{self.target_url}{target.pk}/{self.query}"
        city = self.view.board.city[target.pk]
        short, label = self.labels[city.status]
        mark = self.marks.get(target.pk)
        head = (
            f'<th class="target" scope="row" title="{code} {name}"><a href="{target_url}">{code}'
            f"</a> {html.escape(short_name)}{f' {mark}' if mark else ''}</th>"
            f'<td><a class="status status-{city.status}" '
            f'href="{target_url}" title="{name}: {label}">{short}</a></td>'
        )
        if target.reported_by != Target.Reporter.DISTRICTS:
            return head + "<td></td>" * len(self.names)
        pk, cells, labels, notice = target.pk, self.cells, self.labels, self.notice
        html_cells = [head]
        for district_id, district in self.names:
            cell = cells.get((pk, district_id), NO_CELL)
            short, label = labels[cell.status]
            href = self.href(target, district_id, cell, target_url)
            html_cells.append(
                f'<td><a class="status status-{cell.status}" href="{href}" '
                f'title="{district} · {name}: {label}">{short}{"*" if cell.provisional else ""}</a>'
            )
            if notice is not None and cell.status in CHASED:
                title = f"{self.notice_label}: {district} · {name}"
                html_cells.append(
                    f' <a class="notice-link" href="{notice}target={pk}&amp;'
                    f'district={district_id}" title="{title}" aria-label="{title}">'
                    f"{self.notice_short}</a>"
                )
            html_cells.append("</td>")
        return "".join(html_cells)

    def href(self, target: Target, district_id: int, cell, target_url: str) -> str:
        if cell.figure_id and cell.status != Status.FINAL_MISSING:
            return f"{self.figure}{cell.figure_id}/"
        if cell.status == Status.FINAL_MISSING:
            if pk := self.of_year.get((target.pk, district_id)):
                return f"{self.figure}{pk}/"
            if entry := self.entry.get(district_id):
                return f"{entry}#{target.anchor}"
        return target_url


@login_required
def target_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_request(request)
    target = access.get_target_for_user(request, pk, plan)  # 404: another department's target
    # Ranked among every district of the city, whoever asks; the rows shown are those of the
    # districts whose own values the user may see (district staff: their own, with its rank).
    view = _view(request, targets=Target.objects.filter(pk=target.pk), plan=plan, cells=ALL)
    target = view.targets[0]
    city = view.board.city[target.pk]
    visible = {d.pk for d in scope_districts(view.districts, request.user)}
    ranked = _ranked(target, [(d, view.board.cells[(target.pk, d.pk)]) for d in view.districts],
                     view.year)  # fmt: skip
    cells = [(d, p) for d, p, _rank, _text in ranked if d.pk in visible]
    by_district = load_points([target], view.plan.years, view.include_submitted)[target.pk]
    years = list(view.plan.years)
    table = [
        (d, [_cell(target, by_district.get(d.pk, {}).get(y)) for y in years], p) for d, p in cells
    ]
    context = {
        "view": view,
        "plan": view.plan,
        "target": target,
        "city": city,
        "city_warned": is_warned(target, city.status, view.year),
        "cells": [row for row in ranked if row[0].pk in visible],
        "district_count": len(view.districts),
        "years": years,
        "table": table,
        "city_row": [
            city_level(target, city_at(target, city, y, len(view.districts))) for y in years
        ],
        "chart": _chart(target, city, cells, by_district, view),
        "panels": panels.render_panels(request, target, view.plan),
        "goals": goals_of(request, target, view.districts),
        **_long_series(target, view.include_submitted),
        # a successor's units still without the baseline carried over from the previous plan
        "missing_baseline": succession.missing_baselines(view.plan).get(target, [])
        if view.plan.follows_id
        else [],
    }
    return render(request, "targets/progress_target.html", context)


def goals_of(request: HttpRequest, target: Target, districts: list) -> dict:
    """What the target asks beyond the plan's words: its adjustments (the original and the
    adjusted value) and its districts' own values with their document."""
    adjustments = list(target.adjustments.all())
    decomposition = target.decompositions.first()
    own = goals.current_goals(target) if decomposition else {}
    names = {d.pk: d.name for d in districts}
    result = {
        "adjustments": adjustments,
        "decomposition": decomposition,
        "values": [(names[pk], goal_value(target, v)) for pk, v in own.items() if pk in names],
        "may_set": access.may_set_goals(request.user) and may_write_plan(request.user,
                                                                         target.task.part.plan),
        "decomposable": may_decompose(target),
    }  # fmt: skip
    if adjustments:
        first = adjustments[0]
        result["original_text"] = f"{goal_value(target, first.old_value)}（{first.old_year}）"
        result["adjusted_text"] = f"{goal_value(target, target.value)}（{target.deadline_year}）"
    return result


def _long_series(target: Target, include_submitted: bool) -> dict:
    """The indicator's city values across the plans of its chain (十四五 then 十五五), on the
    page's basis (approved figures only, unless the reader asked for submitted ones too)."""
    rows = succession.long_series(target, include_submitted=include_submitted)
    if not rows:
        return {"long_series": []}
    by_plan: dict[int, Series] = {}
    for row in rows:
        by_plan.setdefault(
            row.plan.pk, Series(row.plan.title, {}, emphasis=row.plan == target.task.part.plan)
        )
        if row.value is not None:  # a plan without figures yet: its target only
            by_plan[row.plan.pk].points[row.year] = row.value
    years = [row.year for row in rows]
    chart = None
    if target.entry not in (Target.Entry.YES_NO, Target.Entry.MILESTONE):
        chart = line_chart(
            _("%(name)s, city value across plans") % {"name": target.name},
            range(years[0], years[-1] + 1),
            [s for s in by_plan.values() if s.points],
            target=target.value,
            unit=target.unit,
        )
    table = [
        (
            row,
            _("not every district's figure is in")
            if row.incomplete
            else describe(row.target, Progress(Status.NO_DATA, value=row.value)),
        )
        for row in rows
    ]
    return {"long_series": table, "long_chart": chart}


def _cell(target: Target, point: Point | None) -> str:
    if point is None:
        return "—"
    value = measure(target, point)
    text = describe(target, Progress(Status.NO_DATA, value=value))
    if target.kind == Target.Kind.ANNUAL_CHANGE:  # show the level; the change is the status
        text = (
            percent(value)
            if target.entry == Target.Entry.FRACTION and value is not None
            else (f"{point.value}" if point.value is not None else "—")
        )
    return text + ("*" if point.provisional else "")


def _chart(target: Target, city: Progress, cells, by_district, view: View):
    if target.entry in (Target.Entry.YES_NO, Target.Entry.MILESTONE):
        return None
    series = [
        Series(d.name, points)
        for d, _p in cells
        if (points := series_of(target, by_district.get(d.pk, {}), until=view.year))
    ]
    if city.series and target.kind != Target.Kind.DISTRICT_MINIMUM and not target.per_head:
        series.append(Series(city_line(view.plan.city.name), city.series, emphasis=True))
    if len(view.shown) == 1 and series:
        series[0].highlight = True
    path = None
    goal = target.value if target.kind != Target.Kind.ANNUAL_CHANGE else None
    if city.series and goal is not None and target.kind not in (Target.Kind.DISTRICT_MINIMUM,):
        start = min(city.series)
        path = {start: city.series[start], target.deadline_year: goal}
    unit = "%" if target.is_percentage else ""
    title = f"{target.code} {target.name}"
    return line_chart(
        title, list(view.plan.years), series, path=path, target=goal, unit=unit,
        labels={"others": other_districts()},
    )  # fmt: skip


def _ranked(target: Target, cells, year: int):
    """Districts ranked on one year's figures (targets.progress.rank); each value with its year."""
    ranks = rank(target, [(d.pk, p) for d, p in cells], ranking_year(target, year))
    return [(d, p, ranks.get(d.pk), dated(target, p)) for d, p in cells]


@login_required
def district_progress(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, cells=ALL)
    district = access.get_district_for_user(request, slug, view.plan, among=view.districts)
    if district is None:
        raise Http404  # the city's own figures are on the overview
    rows = []
    for target in view.targets:
        if target.reported_by != Target.Reporter.DISTRICTS:
            continue
        cells = [(d, view.board.cells[(target.pk, d.pk)]) for d in view.districts]
        place = next(r for d, _p, r, _t in _ranked(target, cells, view.year) if d.pk == district.pk)
        progress = view.board.cells[(target.pk, district.pk)]
        text = dated(target, progress)  # every value beside a status says its year
        city = view.board.city[target.pk]
        warned = (
            is_warned(target, progress.status, view.year),
            is_warned(target, city.status, view.year),
        )
        rows.append((target, progress, text, place, city, warned))
    context = {
        "view": view,
        "plan": view.plan,
        "district": district,
        "rows": rows,
        "warned": sum(1 for *_r, (own, _city) in rows if own),
        "district_count": len(view.districts),
    }
    return render(request, "targets/progress_district.html", context)


@login_required
def department_progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_request(request)
    department = get_department_for_user(request, pk, plan)
    view = _view(request, targets=Target.objects.involving(department), cells=NONE, plan=plan)
    led = {t.pk for t in Target.objects.led_by(department)}
    rows = _rows(view, lambda t: view.board.city[t.pk])
    tables = []
    for caption, chosen in (("led", [r for r in rows if r.target.pk in led]),
                            ("co", [r for r in rows if r.target.pk not in led])):  # fmt: skip
        table = ProgressTable(
            chosen,
            prefix=f"{caption}-",
            order_by=request.GET.get(f"{caption}-sort"),
            link_query=plan_query(request),
        )
        RequestConfig(request, paginate=False).configure(table)
        if request.GET.get("table") == caption:  # export only the table asked for
            exported = _table_response(
                request, table, view, f"progress-{department.slug}-{caption}", department.name
            )
            if exported:
                return exported
        tables.append((caption, table))
    context = {
        "view": view,
        "plan": view.plan,
        "department": department,
        "tables": tables,
        "nothing_to_show": _nothing_to_show(request, view, department),
    }
    return render(request, "targets/progress_department.html", context)


def progress_json(request: HttpRequest) -> dict:
    """The progress API's answer (`targets.views.api`): status, value, expected value and ratio
    per target, for the city and each district the user sees (or only ?district=)."""
    view = _view(request)
    slug = request.GET.get("district")
    shown = [d for d in view.shown if not slug or d.slug == slug]

    def as_json(target, progress):
        return {
            "status": progress.status,
            "status_label": progress.label,
            "value": _float(progress.value),
            "year": progress.year,
            "expected": _float(progress.expected),
            "ratio": _float(progress.ratio),
            "districts_meeting": list(progress.count) if progress.count else None,
            "provisional": progress.provisional,
            "final": progress.final,
            "baseline": _float(progress.baseline),
            "baseline_year": progress.baseline_year,
            "years_met": list(progress.years_met) if progress.years_met else None,
            "districts_reported": list(progress.reported) if progress.reported else None,
            "warning": is_warned(target, progress.status, view.year),
            "goal": _float(progress.goal),
            "goal_basis": progress.goal_basis,
        }

    return {
        "year": view.year,
        "approved_only": not view.include_submitted,
        "targets": [
            {
                "code": t.code,
                "name": t.name,
                "binding": t.binding or None,
                "city": as_json(t, view.board.city[t.pk]),
                "districts": {d.slug: as_json(t, view.board.cells[(t.pk, d.pk)]) for d in shown},
            }
            for t in view.targets
        ],
    }


def _float(value) -> float | None:
    return None if value is None else round(float(value), 4)
