"""A district's (or the city's) monthly progress report as a PDF: a plain function, no Celery.

The report reads the same stored standings as the dashboards and draws the same SVG charts.
Given the same figures and the same `generated_at`, it says the same thing.
"""

import datetime
import re
from collections import Counter

from django.template.loader import render_to_string
from django.utils import timezone, translation

from departments.models import District
from plans.models import Plan
from schools import indicators
from targets import display, standings
from targets.completeness import Tally, applicable, days_late, late_targets, tallies
from targets.display import PALETTE, count_bar
from targets.models import Target
from targets.progress import (
    ORDER,
    Progress,
    Status,
    is_warned,
    load_points,
    measure,
    midterm_year,
    series_of,
)
from zibo_edu.lib.charts import Series, city_line, line_chart

CHARTS = 4  # charts of the targets furthest behind


DEMO_MARK = "【演示】"  # a made-up plan's report says so in its title, headers, footers and mail


def demo_notice(plan: Plan) -> str:
    """A demo plan's (Plan.is_demo) notice, in the words of the pages' demo banner; "" for a
    real plan."""
    if not plan.is_demo:
        return ""
    with translation.override("zh-hans"):
        return translation.gettext(
            "Demo: a made-up example plan, not a real document; its figures are invented."
        )


def as_of_year(plan: Plan, month: datetime.date) -> int:
    """A report for a month speaks of the year being reported at the end of that month."""
    next_month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return plan.reporting_year(today=next_month)


def report_context(
    district: District | None, month: datetime.date, *, generated_at, plan: Plan | None = None
) -> dict:
    """`plan`: the report's (Report.plan); without it, the plan of the district's city, or the
    default plan for a city report."""
    plan = plan or Plan.objects.for_city(district.city if district else None)
    year = as_of_year(plan, month)
    districts = list(District.objects.filter(city=plan.city))
    targets = list(Target.objects.of_plan(plan).for_listing())
    if district is not None:
        targets = [t for t in targets if t.reported_by == Target.Reporter.DISTRICTS]
    show = [district] if district else districts
    board = standings.stored_board(plan, year, targets=targets, show=show, include_submitted=False)
    points = load_points(targets, plan.years, include_submitted=False)
    unit = district.pk if district else None
    rows = []
    for target in targets:
        progress = board.cells[(target.pk, district.pk)] if district else board.city[target.pk]
        own = points.get(target.pk, {}).get(unit, {})
        last_year = own.get(year - 1)
        rows.append(
            {
                "target": target,
                "progress": progress,
                "value": _value(target, progress),
                "last_year": display.describe(
                    target,
                    Progress(Status.NO_DATA, value=measure(target, last_year)),
                )
                if last_year and target.kind != Target.Kind.ANNUAL_CHANGE
                else "—",
                "gap": _gap(target, progress),
                "city": board.city[target.pk],
                "warned": is_warned(target, progress.status, year),
            }
        )
    rows.sort(key=lambda r: (ORDER.index(r["progress"].status), r["target"].order))
    behind = [r for r in rows if r["progress"].is_behind]
    counts = Counter(r["progress"].status for r in rows)
    statuses = set(counts)
    context = {
        "plan": plan,
        "district": district,
        "name": district.name if district else plan.city.name,
        "period": _period(plan),
        "demo_mark": DEMO_MARK if plan.is_demo else "",
        "demo_notice": demo_notice(plan),
        "month": month,
        "year": year,
        "generated_at": timezone.localtime(generated_at),
        "rows": rows,
        "behind": behind,
        # 预警 (a 约束性 target behind its path, from the mid-term on) first
        "attention": sorted(
            (r for r in rows if needs_attention(r["progress"])), key=lambda r: not r["warned"]
        ),
        "warned": [r for r in rows if r["warned"]],
        "midterm": midterm_year(plan.start_year, plan.end_year),
        "final_missing": [r for r in rows if r["progress"].status == Status.FINAL_MISSING],
        "no_data": [r for r in rows if r["progress"].status == Status.NO_DATA],
        "figures_in": _figures_in(points, targets, district),
        "all_met": bool(rows) and statuses == {Status.MET},
        "all_on_course": bool(rows) and statuses <= ON_COURSE,
        "counts": [(s, s.label, counts[s]) for s in ORDER if counts[s]],
        "status_chart": _status_bar(counts),
        "charts": [_chart(r["target"], board, district, plan, points) for r in behind[:CHARTS]],
        "after_plan": year >= plan.end_year,
        "completeness": _completeness(plan, district, districts, year, generated_at),
        "overdue": _overdue(plan, district, year, generated_at) if district else [],
        "notices": _overdue_notices(plan, district, generated_at),
    }
    if district is None:
        context["ranking"] = _ranking(board, districts, targets)
    return context


ON_COURSE = {Status.MET, Status.ON_TRACK}  # 已达成或进展正常


def needs_attention(progress: Progress) -> bool:
    """What a report's "needs attention" lists and counts: a shortfall the figures show
    (progress.BEHIND, 未达成 included) or a final figure missing (缺最终数据), which shows nothing
    but is no achievement either."""
    return progress.is_behind or progress.status == Status.FINAL_MISSING


def _period(plan: Plan) -> str:
    """The plan's five-year period as its title names it (十四五, 十五五); "" if it names none."""
    found = re.search(r"“(十[一二三四五六七八九十]*五)”", plan.title)
    return found.group(1) if found else ""


def _figures_in(points, targets, district) -> bool:
    """Whether any approved figure of the plan is in: the district's own, or any for the city."""
    if district is None:
        return bool(points)
    return any(points.get(t.pk, {}).get(district.pk) for t in targets)


def _value(target: Target, progress: Progress) -> dict:
    """The value a status rests on, the year of that value, and how many years met an annual
    rule once it has its verdict."""
    notes = []
    if progress.final and progress.years_met:
        met, judged = progress.years_met
        notes.append(f"{judged}年中{met}年达标")
    card = indicators.card_note(target.indicator)  # a value derived from the statistics
    if card:
        notes.append(card)
    if progress.goal_basis in ("adjusted", "district"):
        # judged against another value than the plan's requirement in the row: say which
        notes.append(display.goal_used(target, progress))
    return {"text": display.describe(target, progress), "year": progress.year, "notes": notes}


def _gap(target: Target, progress: Progress) -> str:
    """Against the required path; once final, against the target itself."""
    if (
        progress.status == Status.FINAL_MISSING
        or progress.expected is None
        or progress.value is None
        or target.kind == Target.Kind.ANNUAL_CHANGE
    ):
        return ""
    gap = progress.value - progress.expected
    if progress.status == Status.MISSED and progress.years_met and gap >= 0:
        # an every-year rule missed in earlier years, though its last value meets it: the gap
        # is in years, not a "+0.0" beside 未达成
        met, judged = progress.years_met
        return f"{judged - met}年未达标"
    unit = "个百分点" if target.is_percentage else target.figure_unit or target.unit
    # a unit ratio is shown to two decimals, and so is its gap: 0.98 against 1 is −0.02, not −0.0
    places = 2 if target.entry == Target.Entry.FRACTION and not target.is_percentage else 1
    return f"{gap:+.{places}f} {unit}".strip()


def _chart(target, board, district, plan, points) -> str:
    city = board.city[target.pk]
    series = []
    if district is not None:
        own = points.get(target.pk, {}).get(district.pk, {})
        series.append(Series(district.name, series_of(target, own), highlight=True))
    if city.series and target.kind != Target.Kind.DISTRICT_MINIMUM and not target.per_head:
        series.append(Series(city_line(plan.city.name), city.series, emphasis=True))
    goal = target.value if target.kind != Target.Kind.ANNUAL_CHANGE else None
    start = series[0].points if series and series[0].points else {}
    path = None
    if start and goal is not None:
        first = min(start)
        path = {first: start[first], target.deadline_year: goal}
    return line_chart(
        f"{target.code} {target.name}", list(plan.years), series, path=path, target=goal,
        unit="%" if target.is_percentage else "", width=640, height=260,
    )  # fmt: skip


def _status_bar(counts: Counter) -> str:
    """One horizontal bar of statuses, labelled in the bar and in a table beside it, in the
    one status palette (targets.display.PALETTE) the pages and the tables use."""
    return count_bar([(s, counts.get(s, 0)) for s in ORDER[::-1]], PALETTE, "指标状态分布")


def _completeness(plan, district, districts, year, when) -> list[Tally]:
    """The year's figures of each district, counted as the completeness page counts them."""
    period = plan.reporting_periods.filter(year=year).first()
    units = [district] if district else districts
    return tallies(applicable(plan), units, year, period, when)


LATE_WHY = {"missing": "未填报", "draft": "草稿未提交", "returned": "退回后未重新提交"}


def _overdue(plan, district, year, when) -> list[tuple[str, list[Target]]]:
    """The district's figures still not submitted after the year's submission deadline, by why."""
    period = plan.reporting_periods.filter(year=year).first()
    late = late_targets(applicable(plan), district, year, period, when)
    grouped = {why: [t for t, w in late if w == why] for why in LATE_WHY}
    return [(LATE_WHY[why], targets) for why, targets in grouped.items() if targets]


def _overdue_notices(plan, district, when) -> list[tuple]:
    """Supervision notices (督办单) of the plan still awaiting a reply after their deadline: the
    district's own, or every one in the city's report; each with how many days overdue."""
    from ledger import notices
    from ledger.models import Notice

    today = timezone.localtime(when).date()
    overdue = notices.open_overdue_for(
        district=district, today=today, among=Notice.objects.filter(plan=plan)
    )
    return [(notice, days_late(notice.reply_deadline, today)) for notice in overdue]


def _ranking(board, districts, targets) -> list[dict]:
    scored = []
    for district in districts:
        judged = [board.cells[(t.pk, district.pk)] for t in targets if t.reported_by == "districts"]
        good = sum(1 for p in judged if p.status in ON_COURSE)
        behind = sum(1 for p in judged if needs_attention(p))
        scored.append({"district": district, "good": good, "behind": behind, "total": len(judged)})
    scored.sort(key=lambda r: (-r["good"], r["behind"], r["district"].order))
    for rank, row in enumerate(scored, 1):
        row["rank"] = rank
    return scored


def render_report_html(
    district: District | None, month: datetime.date, *, generated_at=None, plan=None
) -> str:
    generated_at = generated_at or timezone.now()
    with translation.override("zh-hans"):  # the values' units too, not only the template
        context = report_context(district, month, generated_at=generated_at, plan=plan)
        return render_to_string("reports/report.html", context)


def render_report(
    district: District | None, month: datetime.date, *, generated_at=None, plan=None
) -> bytes:
    """The report as PDF bytes (A4, simplified Chinese, Noto Sans CJK SC)."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s, only reports need it

    html = render_report_html(district, month, generated_at=generated_at, plan=plan)
    return HTML(string=html, base_url=None).write_pdf()
