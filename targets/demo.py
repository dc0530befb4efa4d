"""Demo figures: plausible, deterministic, and marked as demo data in every note and source.

Each district has a pace: 张店区, 临淄区 and 高新区 run ahead of the plan; 沂源县, 高青县 and
文昌湖区 behind; the others on the straight line. Figures from 2020 to 2023 are approved; 2024 is
mid-review: ahead districts approved, middle ones submitted, the slow ones in draft with gaps and
one figure returned. Where the seeds report real city-level results, the demo follows them: two
districts certified as 国家学前教育普及普惠县 in 2023, and about 60% of schools meeting the smart
campus standard in 2022.

2025, the plan's last year, as it stands in late 2026 (the final figures were due on 2026-03-31):
the city's own figures and those of the districts ahead, 淄川区, 博山区 and 桓台县 are approved;
周村区 and 经开区 submitted theirs, awaiting review; 沂源县 and 高青县 entered some
(drafts, one returned) and left gaps; 文昌湖区 reported nothing. 张店区's 体质健康测试优良率 is
54.6% against "55%以上" (the issue's example: 未达成, yet 基本完成 in the evaluation).

The bureau has been chasing: every district that still owes figures of a year whose deadline has
passed got the reminders the daily task sends (`seed_reminders`): the one before the deadline, then
an overdue one every `overdue_every_days` since it, up to yesterday; each marked `is_demo`.
"""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from departments.models import District
from plans.models import Plan
from targets import figures, reminders, standings
from targets.models import Figure, FigureChange, ReportingPeriod, Target, TargetAdjustment

NOTE = "演示数据，非真实统计。"
SOURCE = "演示数据"
AHEAD = {"zhangdian", "linzi", "gaoxin"}
BEHIND = {"yiyuan", "gaoqing", "wenchanghu"}
CERTIFIED_PRESCHOOL_COUNTIES = {
    2023: {"zhangdian", "linzi"},
    2024: {"zhangdian", "linzi", "gaoxin"},
    2025: {"zhangdian", "linzi", "gaoxin", "huantai"},
}
REVIEW_YEAR = 2024  # mid-review: some approved, some submitted, drafts and gaps
LAST_DEMO_YEAR = 2025  # the plan's final year: final figures, some still missing
FINAL_APPROVED = AHEAD | {"zichuan", "boshan", "huantai"}
FINAL_SUBMITTED = {"zhoucun", "jingkai"}
FINAL_NOTHING = {"wenchanghu"}  # not one 2025 figure; 沂源县 and 高青县 left gaps
# Fixed final figures (target code, district, year) → (numerator, denominator).
FIXED = {("二(一)4-1", "zhangdian", 2025): (Decimal(16653), Decimal(30500))}  # 54.6%
# District size relative to 张店区, for denominators (students, schools, kindergartens).
SIZE = {
    "zhangdian": 1.0, "zichuan": 0.8, "boshan": 0.5, "linzi": 0.8, "zhoucun": 0.5, "huantai": 0.6,
    "gaoqing": 0.4, "yiyuan": 0.5, "gaoxin": 0.4, "jingkai": 0.3, "wenchanghu": 0.15,
}  # fmt: skip


def pace_of(district: District | None) -> float:
    if district is None:
        return 1.0
    return 1.3 if district.slug in AHEAD else 0.6 if district.slug in BEHIND else 1.0


@transaction.atomic
def seed(plan: Plan, user=None) -> int:
    """Create reporting periods and the demo figures that do not exist yet; returns how many."""
    for year in plan.years:
        ReportingPeriod.objects.get_or_create(
            plan=plan, year=year, defaults={"deadline": datetime.date(year + 1, 3, 31)}
        )
    have = set(Figure.objects.values_list("target_id", "district_id", "year"))
    districts = list(District.objects.filter(city=plan.city))
    created = []
    planned = {a.target_id: a for a in _first_adjustments(plan)}
    for target in Target.objects.of_plan(plan):
        if target.pk in planned:  # figures made as for the plan's own target, before 规划调整
            target.value = planned[target.pk].old_value
            target.deadline_year = planned[target.pk].old_year
        units = districts if target.reported_by == Target.Reporter.DISTRICTS else [None]
        for district in units:
            for year in range(plan.baseline_year, LAST_DEMO_YEAR + 1):
                key = (target.pk, district.pk if district else None, year)
                if key in have:
                    continue
                figure = _figure(target, district, year, plan)
                if figure is not None:
                    created.append(figure)
    now = timezone.now()
    Figure.objects.bulk_create(created)
    figures.log_changes(
        [("create", figure, {}, {"state": figure.state}) for figure in created],
        user=user,
        channel=FigureChange.Channel.DEMO,
        at=now,
        comment=NOTE,
    )
    standings.refresh_plan(plan)
    return len(created)


def _first_adjustments(plan: Plan) -> list[TargetAdjustment]:
    """Each adjusted target's first adjustment (which holds the plan's own value and year)."""
    first = {}
    for adjustment in TargetAdjustment.objects.filter(target__task__part__plan=plan).order_by(
        "created_at", "pk"
    ):
        first.setdefault(adjustment.target_id, adjustment)
    return list(first.values())


def seed_reminders(plan: Plan, today: datetime.date) -> int:
    """The reminders the daily task would have sent by `today`, marked as demo data: asked of
    the reminder code (targets.reminders.backfill), which knows when reminders go out."""
    return reminders.backfill(plan, today, is_demo=True)


def _figure(target: Target, district: District | None, year: int, plan: Plan) -> Figure | None:
    rng = random.Random(f"{target.code}/{district.slug if district else 'city'}/{year}")
    if year == LAST_DEMO_YEAR:
        state, submitted_at = _final_state(district, rng)
    else:
        state, submitted_at = _state(district, year, rng)
    if state is None:
        return None
    progress = min(
        1.0, (year - plan.baseline_year) / (target.deadline_year - plan.baseline_year or 1)
    )
    progress = min(1.0, progress * pace_of(district))
    figure = Figure(
        target=target,
        district=district,
        year=year,
        note=NOTE,
        source=SOURCE,
        state=state,
        submitted_at=submitted_at,
        return_reason="分母与上年差异较大，请核实在校学生数。"
        if state == Figure.State.RETURNED
        else "",
    )
    size = SIZE.get(district.slug, 1.0) if district else 6.0
    entry = target.entry
    fixed = FIXED.get((target.code, district.slug if district else None, year))
    if fixed:
        figure.numerator, figure.denominator = fixed
    elif entry == Target.Entry.FRACTION:
        figure.numerator, figure.denominator = _fraction(target, progress, size, year, plan, rng)
    elif entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
        figure.value = _amount(target, progress, size, year, plan, rng)
    elif entry == Target.Entry.YES_NO:
        figure.achieved = _yes_no(target, district, year, progress)
    else:
        done = year >= target.deadline_year + (1 if pace_of(district) < 1 else 0)
        figure.achieved = done
        figure.achieved_on = datetime.date(year, 11, 20) if done else None
    return figure


def _final_state(district: District | None, rng: random.Random):
    """The final year's figures, due 2026-03-31, as they stand in November 2026."""
    slug = district.slug if district else None
    if slug is None or slug in FINAL_APPROVED:
        return Figure.State.APPROVED, timezone.make_aware(datetime.datetime(2026, 3, 12, 9))
    if slug in FINAL_SUBMITTED:
        return Figure.State.SUBMITTED, timezone.make_aware(datetime.datetime(2026, 3, 26, 9))
    if slug in FINAL_NOTHING:
        return None, None
    draw = rng.random()  # 沂源县, 高青县: some entered late, as drafts; gaps
    if draw < 0.45:
        return None, None
    if draw < 0.5:
        return Figure.State.RETURNED, timezone.make_aware(datetime.datetime(2026, 5, 18, 9))
    return Figure.State.DRAFT, None


def _state(district: District | None, year: int, rng: random.Random):
    if year < REVIEW_YEAR:
        return Figure.State.APPROVED, timezone.make_aware(datetime.datetime(year + 1, 3, 10, 9))
    pace = pace_of(district)
    if pace > 1:
        return Figure.State.APPROVED, timezone.make_aware(datetime.datetime(year + 1, 3, 5, 9))
    if pace == 1:
        return Figure.State.SUBMITTED, timezone.make_aware(datetime.datetime(year + 1, 3, 20, 9))
    draw = rng.random()
    if draw < 0.3:
        return None, None  # not entered yet
    if draw < 0.35:
        return Figure.State.RETURNED, timezone.make_aware(datetime.datetime(year + 1, 3, 28, 9))
    return Figure.State.DRAFT, None


def _fraction(target, progress, size, year, plan, rng) -> tuple[Decimal, Decimal]:
    counts_people = "学生" in target.denominator_label or "教师" in target.denominator_label
    whole = 30000 if counts_people else 120  # students and teachers, or schools and subjects
    if "工资" in target.denominator_label:  # average pay, 元 a year: not a count of anything
        whole, size = 95000, 1.0
    if target.reported_by == Target.Reporter.CITY:
        size = 1.0 if counts_people else 0.5  # city figures: counted once, not per district
    denominator = Decimal(round(whole * size * (1 + rng.uniform(-0.03, 0.03))))
    goal = float(target.value) / (target.per_units or 1)
    if target.kind == Target.Kind.ANNUAL_CHANGE:  # a rate that must fall every year, e.g. myopia
        share = 0.53 - 0.055 * progress + rng.uniform(-0.003, 0.003)
    elif target.is_percentage and target.numerator_may_exceed:  # pay against pay: ahead is above
        share = (goal - 8 + 12 * progress + rng.uniform(-1.0, 1.0)) / 100
    elif target.is_percentage:
        start = goal - (14 if goal < 100 else 35)
        if target.name == "智慧校园建设达标率":
            start = 36.0  # the city stood near 60% in 2022
        share = (start + (goal - start) * progress + rng.uniform(-1.5, 1.5)) / 100
        share = min(share, 1.0)
    else:
        share = goal * (0.55 + 0.5 * progress) + rng.uniform(-0.02, 0.02)
    numerator = (denominator * Decimal(str(max(share, 0)))).quantize(Decimal(1), ROUND_HALF_UP)
    if not target.numerator_may_exceed:
        numerator = min(numerator, denominator)
    return numerator, denominator


def _amount(target, progress, size, year, plan, rng) -> Decimal:
    if target.kind == Target.Kind.ANNUAL_CHANGE:  # spending, in 万元 or 元 per student
        base = 180000 * size if target.unit != "元" else 16000
        growth = 1 + (0.09 if progress >= 0.2 else 0.03) + rng.uniform(-0.02, 0.02)
        return Decimal(round(base * growth ** (year - plan.baseline_year)))
    goal = float(target.value)
    if target.kind == Target.Kind.COUNT and target.reported_by == Target.Reporter.DISTRICTS:
        goal = goal * size / 6  # a district's share of a city-wide count
    value = goal * (0.2 + 0.85 * progress) + rng.uniform(-0.5, 0.5)
    return Decimal(max(0, round(value)))


def _yes_no(target, district, year, progress) -> bool:
    if target.name.startswith("国家学前教育普及普惠县"):
        return district.slug in CERTIFIED_PRESCHOOL_COUNTIES.get(year, set())
    return progress >= 0.75


# 分解目标 and 规划调整 on Zibo's plan, marked 演示: made up, so the pages show both. Zibo's plan
# itself states neither; the documents are invented (their titles and numbers say so).
DEMO_DECOMPOSITION = (
    "二(二)1-6",  # 幼儿教师专科及以上学历占比, the city 85%
    {
        "zhangdian": 90, "zichuan": 85, "boshan": 85, "linzi": 88, "zhoucun": 85, "huantai": 85,
        "gaoqing": 80, "yiyuan": 80, "gaoxin": 88, "jingkai": 85, "wenchanghu": 80,
    },
)  # fmt: skip
DEMO_ADJUSTMENT = ("二(二)1-5", Decimal(55), 2025)  # 省一类以上幼儿园占比 60% → 55%
DEMO_DOCUMENT_NUMBER = "演示，非真实文号"


def seed_goals(plan: Plan, user=None) -> tuple[str, str]:
    """One decomposition (目标责任书，演示) and one adjustment (演示) on the plan, each once: a
    target that already has one (from the demo or the admin) is left alone. Returns the codes of
    the targets they are on ("" where the plan has no such target)."""
    from targets import goals

    code, values = DEMO_DECOMPOSITION
    decomposed = Target.objects.of_plan(plan).filter(code=code).first()
    if decomposed is not None and not decomposed.decompositions.exists():
        by_slug = {d.slug: d for d in District.objects.filter(city=plan.city)}
        goals.decompose(
            decomposed,
            {by_slug[slug]: Decimal(value) for slug, value in values.items() if slug in by_slug},
            goals.Document(
                title="淄博市学前教育发展目标责任书（演示）",
                number=DEMO_DOCUMENT_NUMBER,
                issued_on=datetime.date(2022, 3, 1),
            ),
            user,
            channel="admin",
        )
    code, value, year = DEMO_ADJUSTMENT
    adjusted = Target.objects.of_plan(plan).filter(code=code).first()
    if adjusted is not None and not adjusted.adjustments.exists():
        goals.adjust(
            adjusted,
            value=value,
            year=year,
            reason="演示：省一类幼儿园认定标准于2023年提高，经市政府同意调整目标值（虚构示例）。",
            document=goals.Document(
                title="关于调整教育事业发展“十四五”规划部分指标的批复（演示）",
                number=DEMO_DOCUMENT_NUMBER,
                issued_on=datetime.date(2023, 9, 1),
            ),
            user=user,
            channel="admin",
        )
    return (
        decomposed.code if decomposed is not None else "",
        adjusted.code if adjusted is not None else "",
    )
