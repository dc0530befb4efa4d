"""The evaluation of a plan (终期评估, or 中期评估 for a year inside the plan): one verdict per
target, for the city and for each district, with what is still missing for a complete evaluation.

The method (the README gives it beside the progress method):

- A target is judged on its deadline-year figure, as the board of `targets.progress` gives it
  as of that year (so the evaluation follows the board's rules: approved figures, city values
  from complete years only):
      已完成 the figure meets the target;
      基本完成 it reached at least 90% of the required change, (v − b) / (T − b) ≥ 0.9 from the
          baseline b (an annual change: the change from the baseline to the deadline year over
          the change the judged years asked for; an every-year count: the judged years' counts
          over the count asked for; a per-district rule: at least 90% of the districts meet it),
          read from the board's verdict and what it carries (see `completion`);
      未完成 otherwise;
      缺最终数据 the deadline year's figure is not in (approved).
- Dated milestones: 已完成 when done by the end of the deadline year, 逾期完成 when done later
  (by the evaluation year), 未完成 when not done.
- The city's verdict on a target the districts report waits for every district's final figure:
  it is 缺最终数据 while one is missing, unless the target is met already.
- Per-district rules (每个区县至少…, milestones of each district): the city's verdict counts the
  districts: all met 已完成, at least 90% 基本完成; the evaluation names which districts met it,
  which did not and which lack a figure.
- For a year before a target's deadline (a mid-term evaluation) the target is judged on the
  straight path, as the dashboards do: 已完成 (met early), 进展正常, 需加快, 明显滞后 (or 倒退),
  缺数据; milestones not yet due are 未到期.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from ledger import ledger
from ledger.models import TaskReport
from plans.models import Part, Plan, Task
from targets import completeness, display, goals
from targets.models import Figure, Target
from targets.progress import PER_DISTRICT_KINDS, Progress, Status, board

MOSTLY_SHARE = Decimal("0.9")  # 基本完成: at least 90% of the required change
FURTHEST_BEHIND = 3  # districts named as furthest behind


class Verdict(models.TextChoices):
    DONE = "done", _("completed")
    DONE_LATE = "done_late", _("completed late")
    MOSTLY = "mostly", _("largely completed")
    NOT_DONE = "not_done", _("not completed")
    NO_FINAL = "no_final", _("final figure missing")
    # Before the deadline (a mid-term evaluation): the path, as on the dashboards.
    ON_TRACK = "on_track", _("on track")
    ACCELERATE = "accelerate", _("needs to speed up")
    LAGGING = "lagging", _("lagging behind")
    NO_DATA = "no_data", _("figures missing")
    NOT_DUE = "not_due", _("not yet due")


FINAL_VERDICTS = [Verdict.DONE, Verdict.DONE_LATE, Verdict.MOSTLY, Verdict.NOT_DONE,
                  Verdict.NO_FINAL]  # fmt: skip
ORDER = [Verdict.NOT_DONE, Verdict.NO_FINAL, Verdict.LAGGING, Verdict.NO_DATA,
         Verdict.ACCELERATE, Verdict.MOSTLY, Verdict.DONE_LATE, Verdict.ON_TRACK, Verdict.NOT_DUE,
         Verdict.DONE]  # fmt: skip
SHORTFALL = {Verdict.NOT_DONE, Verdict.NO_FINAL, Verdict.LAGGING, Verdict.NO_DATA,
             Verdict.ACCELERATE}  # fmt: skip
GOOD = {Verdict.DONE, Verdict.DONE_LATE, Verdict.MOSTLY, Verdict.ON_TRACK}
MISSING_FIGURE = {Verdict.NO_FINAL, Verdict.NO_DATA}

PATH_VERDICTS = {
    Status.MET: Verdict.DONE,
    Status.ON_TRACK: Verdict.ON_TRACK,
    Status.ACCELERATE: Verdict.ACCELERATE,
    Status.LAGGING: Verdict.LAGGING,
    Status.REGRESSING: Verdict.LAGGING,
    Status.NOT_MET: Verdict.LAGGING,
    Status.DUE: Verdict.NOT_DUE,
    Status.OVERDUE: Verdict.NOT_DONE,
    Status.MISSED: Verdict.NOT_DONE,
    Status.FINAL_MISSING: Verdict.NO_FINAL,
    Status.NO_DATA: Verdict.NO_DATA,
}


# The grading rule --------------------------------------------------------------------------


def completion(target: Target, progress: Progress) -> Decimal | None:
    """How much of the required change was made by the deadline, from what the board's verdict
    carries (`targets.progress`: ratio, baseline, years_met, count); None: nothing to measure.

    - a value to reach: the board's (v − b) / (T − b) from the baseline;
    - an annual change: the change from the baseline to the deadline year's level over the
      change every judged year asked for together (in percent, compounded, for "%" growth);
    - an every-year count: the judged years' counts over the count asked for in those years;
    - a count of districts: the share of districts meeting the rule."""
    if progress.count is not None and target.kind in PER_DISTRICT_KINDS:
        met, total = progress.count
        return Decimal(met) / total if total else None
    if progress.years_met is not None:
        if target.kind == Target.Kind.ANNUAL_CHANGE:
            return _change_made(target, progress)
        return _counts_made(target, progress)
    return progress.ratio


def _change_made(target: Target, progress: Progress) -> Decimal | None:
    deadline, b, y0 = target.deadline_year, progress.baseline, progress.baseline_year
    final = progress.series.get(deadline)
    if b is None or y0 is None or final is None or y0 >= deadline or not target.value:
        return None
    years = deadline - y0
    if target.unit == "%" and target.entry != Target.Entry.FRACTION:  # relative growth
        step = 1 + target.value / 100 * (-1 if target.direction == "decrease" else 1)
        required = b * step**years - b
    else:
        required = target.value * years * (-1 if target.direction == "decrease" else 1)
    return (final - b) / required if required else None


def _counts_made(target: Target, progress: Progress) -> Decimal | None:
    _met, judged = progress.years_met
    years = sorted(y for y in progress.series if y <= target.deadline_year)[-judged:]
    asked = (target.value or 0) * judged
    return sum(progress.series[y] for y in years) / asked if asked else None


def grade(
    target: Target,
    at_deadline: Progress,
    year: int,
    *,
    now: Progress | None = None,
) -> Verdict | None:
    """One unit's verdict on a target, evaluated as of `year`.

    `at_deadline`: the board's progress as of min(year, the target's deadline year), a verdict
    of the board (met, missed, final figure missing) once the deadline is reached; `now`: as of
    `year` itself (for milestones done late). None: nothing to judge (a district's part of a
    city-wide count)."""
    status = at_deadline.status
    if status == Status.PART:
        return None
    due = year >= target.deadline_year
    if target.kind == Target.Kind.MILESTONE:
        if status == Status.MET:
            return Verdict.DONE
        if now is not None and now.status == Status.MET:
            return Verdict.DONE_LATE
        if not due:
            return Verdict.NOT_DUE
        # Not done: only on a figure of the deadline year or later; an older "no" is no verdict.
        if Status.FINAL_MISSING in (at_deadline.status, getattr(now, "status", None)):
            return Verdict.NO_FINAL
        return Verdict.NOT_DONE
    if not due:
        return PATH_VERDICTS[Status(status)]
    # At the deadline the board's verdict rests on the deadline year's figure.
    if status == Status.MET:
        return Verdict.DONE
    if status not in (Status.MISSED, Status.NOT_MET):
        return Verdict.NO_FINAL  # 缺最终数据 (the board's FINAL_MISSING)
    share = completion(target, at_deadline)
    return Verdict.MOSTLY if share is not None and share >= MOSTLY_SHARE else Verdict.NOT_DONE


def grade_districts(verdicts: list[Verdict]) -> Verdict:
    """The city's final verdict on a per-district rule, from the districts' verdicts."""
    if not verdicts:
        return Verdict.NO_FINAL
    met = sum(1 for v in verdicts if v in (Verdict.DONE, Verdict.DONE_LATE))
    if met == len(verdicts):
        late = any(v == Verdict.DONE_LATE for v in verdicts)
        return Verdict.DONE_LATE if late else Verdict.DONE
    lacking = sum(1 for v in verdicts if v == Verdict.NO_FINAL)
    if lacking and Decimal(met + lacking) / len(verdicts) >= MOSTLY_SHARE:
        return Verdict.NO_FINAL  # the missing figures could still make it 基本完成
    if not lacking and Decimal(met) / len(verdicts) >= MOSTLY_SHARE:
        return Verdict.MOSTLY
    return Verdict.NOT_DONE


# The evaluation ----------------------------------------------------------------------------


@dataclass
class Judged:
    """One unit's (a district's or the city's) verdict on one target."""

    verdict: Verdict | None
    progress: Progress
    value: str  # the figure it rests on, as people read it
    year: int | None  # the year of that figure
    judged_year: int | None = None  # the year it should be: the deadline's, or the evaluation's
    goal: str = ""  # the value the verdict used: "按分解目标 60%" (targets.progress.goal_of)

    @property
    def shown(self) -> str:
        """The value, with its year when it is not the year judged (an older figure)."""
        if self.value == "—" or self.year is None or self.year == self.judged_year:
            return self.value
        return f"{self.value}（{self.year}）"

    @property
    def label(self) -> str:
        return str(self.verdict.label) if self.verdict else str(Status.PART.label)


@dataclass
class MissingFigure:
    """A figure an evaluation needs that is not approved yet."""

    target: Target
    district: District | None  # None: the city's own figure
    year: int
    state: str  # "missing" (nothing entered) or a Figure.State

    @property
    def state_label(self) -> str:
        if self.state == completeness.MISSING:
            return str(_("not entered"))
        return str(Figure.State(self.state).label)


@dataclass
class TargetEvaluation:
    target: Target
    judged_year: int  # min(evaluation year, deadline year)
    city: Judged
    baseline: str
    districts: dict[int, Judged] = field(default_factory=dict)
    own: bool = True  # the department's (for a department head), else True
    adjusted: tuple[str, str] | None = None  # 规划调整: (the plan's original, the adjusted)
    district_values: str = ""  # 分解目标: "张店区 60%、淄川区 50%"

    district_index: dict[int, District] = field(default_factory=dict, repr=False)

    def districts_with(self, *verdicts: Verdict) -> list[District]:
        return [
            self.district_index[pk] for pk, j in self.districts.items() if j.verdict in verdicts
        ]

    @property
    def met(self) -> list[District]:
        return self.districts_with(Verdict.DONE, Verdict.DONE_LATE, Verdict.ON_TRACK)

    @property
    def mostly(self) -> list[District]:
        """基本完成: named apart from the met and the short, as the district table counts them."""
        return self.districts_with(Verdict.MOSTLY)

    @property
    def short(self) -> list[District]:
        return self.districts_with(Verdict.NOT_DONE, Verdict.LAGGING, Verdict.ACCELERATE)

    @property
    def lacking(self) -> list[District]:
        return self.districts_with(Verdict.NO_FINAL, Verdict.NO_DATA)


@dataclass
class TaskEvaluation:
    task: Task
    lead_department: Department | None
    targets: list[TargetEvaluation]
    report: TaskReport | None = None  # the ledger's latest approved report on the task

    @property
    def reports(self) -> list[str]:
        """The approved report as text for 重点任务落实情况: its round, status and words."""
        report = self.report
        if report is None or not report.text.strip():
            return []
        status = f"，{report.get_status_display()}" if report.status else ""
        text = f"{report.round.title}任务报告（已审核{status}）：{report.text.strip()}"
        if report.lag_reason.strip():
            text += f"（滞后原因：{report.lag_reason.strip()}）"
        return [text]


@dataclass
class ChapterEvaluation:
    part: Part
    tasks: list[TaskEvaluation]

    @property
    def targets(self) -> list[TargetEvaluation]:
        return [t for task in self.tasks for t in task.targets]

    @property
    def counts(self) -> list[tuple[Verdict, int]]:
        return count_verdicts(t.city.verdict for t in self.targets)

    @property
    def reported(self) -> int:
        """How many of the chapter's tasks have an approved report in the task ledger."""
        return sum(1 for task in self.tasks if task.report is not None)


@dataclass
class DistrictRow:
    district: District
    counts: Counter
    judged: int
    shortfalls: list[Target]

    @property
    def good(self) -> int:
        return sum(n for v, n in self.counts.items() if v in GOOD)

    @property
    def lacking(self) -> int:
        """Targets without the figure their verdict rests on (缺最终数据, 缺数据)."""
        return sum(n for v, n in self.counts.items() if v in MISSING_FIGURE)

    @property
    def decided(self) -> int:
        return self.judged - self.lacking

    @property
    def comparable(self) -> bool:
        """A verdict on at least half its targets: a district whose figures are mostly missing
        is neither given a share nor compared (its missing figures are listed instead)."""
        return bool(self.decided) and self.decided * 2 >= self.judged

    @property
    def share(self) -> Decimal | None:
        """Completed (or on track) out of the targets with a verdict: a missing figure is no
        shortfall of the district's work, it is listed as missing. None when not comparable:
        1 of 1 judged, 34 missing, is no 100%."""
        return Decimal(self.good * 100) / self.decided if self.comparable else None

    @property
    def share_text(self) -> str:
        """The share as every output shows it (page, PDF, Word), saying why there is none."""
        if self.share is not None:
            return display.percent(self.share)
        if self.lacking:
            return _("— (%(n)s without figures)") % {"n": self.lacking}
        return "—"

    def count(self, verdict: str) -> int:
        return self.counts.get(Verdict(verdict), 0)


@dataclass
class Evaluation:
    plan: Plan
    year: int
    final: bool  # 终期 (the plan's last year reached), else 中期
    district: District | None
    department: Department | None
    targets: list[TargetEvaluation]
    chapters: list[ChapterEvaluation]
    districts: list[District]  # every district of the city
    district_rows: list[DistrictRow]
    missing: list[MissingFigure]
    generated_at: datetime.datetime

    @property
    def kind_label(self) -> str:
        return str(_("final evaluation")) if self.final else str(_("mid-term evaluation"))

    @property
    def counts(self) -> list[tuple[Verdict, int]]:
        return count_verdicts(self.verdict_of(t) for t in self.targets)

    def verdict_of(self, target: TargetEvaluation) -> Verdict | None:
        """The verdict this evaluation speaks of: the district's own, or the city's."""
        if self.district is not None:
            judged = target.districts.get(self.district.pk)
            return judged.verdict if judged else None
        return target.city.verdict

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def district_columns(self) -> list[Verdict]:
        """The verdict columns of the district table: every final verdict (or the path's, in a
        mid-term evaluation), and any other verdict a district has, so the counts always add
        up to the targets judged."""
        fixed = (
            FINAL_VERDICTS
            if self.final
            else [Verdict.DONE, Verdict.ON_TRACK, Verdict.ACCELERATE, Verdict.LAGGING,
                  Verdict.NO_DATA]
        )  # fmt: skip
        present = {v for row in self.district_rows for v, n in row.counts.items() if n}
        return [v for v in ORDER[::-1] if v in fixed or v in present]

    @property
    def district_table(self) -> list[tuple[DistrictRow, list[int]]]:
        """Each district's row and its counts under `district_columns`: the one table the
        page, the PDF, the Word draft and the Excel annex show."""
        columns = self.district_columns
        return [(row, [row.count(v) for v in columns]) for row in self.district_rows]

    @property
    def furthest_behind(self) -> list[DistrictRow]:
        """The districts with the lowest share of targets completed or on track, among those
        with a verdict on at least half their targets (a district whose figures are missing is
        not compared: the missing figures are listed instead); none when they stand alike."""
        rows = [r for r in self.district_rows if r.comparable]
        if len({(r.share, len(r.shortfalls)) for r in rows}) < 2:
            return []
        rows.sort(key=lambda r: (r.share, -len(r.shortfalls), r.district.order))
        best = max((r.share, -len(r.shortfalls)) for r in rows)
        return [r for r in rows[:FURTHEST_BEHIND] if (r.share, -len(r.shortfalls)) < best]


def count_verdicts(verdicts) -> list[tuple[Verdict, int]]:
    counts = Counter(v for v in verdicts if v is not None)
    return [(v, counts[v]) for v in ORDER[::-1] if counts[v]]


def evaluation_years(plan: Plan) -> range:
    """The years an evaluation may speak of: a mid-term one from the plan's middle year (a plan
    just begun has nothing to evaluate at mid-term), the final one at its last year."""
    return range((plan.start_year + plan.end_year) // 2, plan.end_year + 1)


def evaluation_year(plan: Plan, year: int | None = None) -> int:
    """The year an evaluation speaks of: the one asked for, else the year being reported now,
    each brought within `evaluation_years`."""
    years = evaluation_years(plan)
    if year is None:
        year = plan.reporting_year()
    return min(max(year, years[0]), years[-1])


def evaluate(
    plan: Plan,
    year: int | None = None,
    *,
    district: District | None = None,
    department: Department | None = None,
    generated_at: datetime.datetime | None = None,
) -> Evaluation:
    """Evaluate the plan as of `year` (final when it is the plan's last year, mid-term before):
    every target's verdict for the city and each district (or only `district`'s), the
    department's targets marked when `department` is given."""
    year = evaluation_year(plan, year)
    districts = list(District.objects.filter(city=plan.city))
    show = [district] if district else districts
    targets = list(Target.objects.of_plan(plan).for_listing())
    if district is not None:
        targets = [t for t in targets if t.reported_by == Target.Reporter.DISTRICTS]
    own = _department_targets(plan, department)
    years = sorted({min(year, t.deadline_year) for t in targets} | {year})
    boards = {y: board(plan, y, targets=targets, districts=districts, show=show) for y in years}
    by_district = {d.pk: d for d in districts}
    evaluated = []
    for target in targets:
        judged_year = min(year, target.deadline_year)
        evaluated.append(
            _evaluate_target(
                target, judged_year, year, boards, show, own, by_district, plan.baseline_year
            )
        )
    adjusted = goals.adjusted_texts(targets)
    own_values = goals.district_values_texts(targets, show)
    for item in evaluated:
        item.adjusted = adjusted.get(item.target.pk)
        item.district_values = own_values.get(item.target.pk, "")
    missing = missing_figures(plan, evaluated, year, show, city=district is None)
    chapters = _chapters(plan, evaluated)
    return Evaluation(
        plan=plan,
        year=year,
        final=year >= plan.end_year,
        district=district,
        department=department,
        targets=evaluated,
        chapters=chapters,
        districts=districts,
        district_rows=_district_rows(evaluated, show),
        missing=missing,
        generated_at=generated_at or timezone.now(),
    )


def _department_targets(plan: Plan, department: Department | None) -> set[int] | None:
    if department is None:
        return None
    return set(Target.objects.of_plan(plan).involving(department).values_list("pk", flat=True))


def _evaluate_target(target, judged_year, year, boards, show, own, by_district, baseline_year):
    at_deadline, now = boards[judged_year], boards[year]
    milestone = target.kind == Target.Kind.MILESTONE
    districts = {}
    if target.reported_by == Target.Reporter.DISTRICTS:
        for district in show:
            key = (target.pk, district.pk)
            progress = at_deadline.cells[key]
            verdict = grade(target, progress, year, now=now.cells[key])
            shown = now.cells[key] if milestone else progress  # done late: shown as done
            goal = display.goal_used(target, progress)
            districts[district.pk] = Judged(verdict, shown, _value(target, shown), shown.year,
                                            judged_year, goal)  # fmt: skip
    city_progress = at_deadline.city[target.pk]
    verdict = grade(target, city_progress, year, now=now.city[target.pk])
    if milestone:
        city_progress = now.city[target.pk]
    if target.reported_by == Target.Reporter.DISTRICTS and year >= target.deadline_year:
        verdict = _city_final(target, verdict, at_deadline, now, list(by_district))
    city = Judged(verdict, city_progress, _value(target, city_progress), city_progress.year,
                  judged_year, display.goal_used(target, at_deadline.city[target.pk]))  # fmt: skip
    return TargetEvaluation(
        target=target,
        judged_year=judged_year,
        city=city,
        baseline=_baseline(target, at_deadline.city_series.get(target.pk, {}), baseline_year),
        districts=districts,
        own=own is None or target.pk in own,
        district_index=by_district,
    )


def _city_final(target, verdict, at_deadline, now, district_pks) -> Verdict:
    """The city's final verdict on a per-district rule its districts report: it counts the
    districts' own verdicts (done late, 基本完成 at 90% of them). Any other target: the board's
    city verdict, which waits for every district's deadline-year figure (complete years)."""
    cells = [at_deadline.cells.get((target.pk, pk)) for pk in district_pks]
    if any(cell is None for cell in cells):  # a board of one district: the city's as judged
        return verdict
    if target.kind in PER_DISTRICT_KINDS or target.per_head:
        year = now.year
        return grade_districts(
            [grade(target, c, year, now=now.cells[(target.pk, pk)]) or Verdict.NO_FINAL
             for c, pk in zip(cells, district_pks, strict=True)]
        )  # fmt: skip
    return verdict


def _value(target: Target, progress: Progress) -> str:
    return display.describe(target, progress)


def _baseline(target: Target, series: dict[int, Decimal], baseline_year: int) -> str:
    """The city's earliest figure: the baseline year's, else the first year's (with its year)."""
    if not series or target.kind == Target.Kind.MILESTONE:
        return "—"
    first = min(series)
    return display.level(target, series[first]) + ("" if first == baseline_year else f"（{first}）")


# What is missing for a complete evaluation ------------------------------------------------


def missing_figures(
    plan: Plan, evaluated: list[TargetEvaluation], year: int, show: list[District], *, city: bool
) -> list[MissingFigure]:
    """The figures each target is judged on that are not approved: each district's (or the
    city's own) for the target's deadline year, or the evaluation year before the deadline
    (and the year before it for an annual change). A milestone done (and approved) in an
    earlier year needs nothing more. Missing and entered mean what `targets.completeness` says
    (the one definition)."""
    targets = [e.target for e in evaluated]
    units = models.Q(district__in=[d.pk for d in show])
    if city:
        units |= models.Q(district__isnull=True)
    figures = Figure.objects.filter(units, target__in=targets, year__lte=year)
    states = completeness.states(figures)
    done = set(
        figures.filter(achieved=True, state=Figure.State.APPROVED).values_list(
            "target_id", "district_id"
        )
    )
    missing = []
    for evaluation in evaluated:
        target = evaluation.target
        if target.reported_by == Target.Reporter.CITY:
            units = [None] if city else []
        else:
            units = show
        for unit in units:
            unit_pk = unit.pk if unit else None
            if target.kind == Target.Kind.MILESTONE and (target.pk, unit_pk) in done:
                continue
            for needed in _years_needed(target, evaluation.judged_year):
                state = states.get((target.pk, unit_pk, needed), completeness.MISSING)
                if state != Figure.State.APPROVED:
                    missing.append(MissingFigure(target, unit, needed, state))
    return missing


def _years_needed(target: Target, year: int) -> list[int]:
    """The figures a verdict of `year` rests on: that year's; an annual change also the year
    before (the change is measured from it), unless it is an average from the baseline."""
    if target.kind == Target.Kind.ANNUAL_CHANGE and not target.is_average_change:
        return [year - 1, year]
    return [year]


# Chapters, tasks and districts -------------------------------------------------------------


def task_reports(plan: Plan) -> dict[int, TaskReport]:
    """Each task's latest approved report from the task ledger, for 重点任务落实情况."""
    return ledger.approved_reports(plan)


def _chapters(plan: Plan, evaluated: list[TargetEvaluation]) -> list[ChapterEvaluation]:
    by_task = defaultdict(list)
    for evaluation in evaluated:
        by_task[evaluation.target.task_id].append(evaluation)
    parts = Part.objects.filter(plan=plan, kind=Part.Kind.KEY_TASKS).order_by("order")
    tasks = Task.objects.filter(part__in=parts).with_departments().order_by("number")
    reports = task_reports(plan)
    tasks_by_part = defaultdict(list)
    for task in tasks:
        tasks_by_part[task.part_id].append(
            TaskEvaluation(
                task, task.lead_department, by_task.get(task.pk, []), reports.get(task.pk)
            )
        )
    return [ChapterEvaluation(part, tasks_by_part[part.pk]) for part in parts]


def _district_rows(evaluated: list[TargetEvaluation], show: list[District]) -> list[DistrictRow]:
    rows = []
    for district in show:
        counts, shortfalls = Counter(), []
        for evaluation in evaluated:
            judged = evaluation.districts.get(district.pk)
            if judged is None or judged.verdict is None:
                continue
            counts[judged.verdict] += 1
            if judged.verdict in SHORTFALL - MISSING_FIGURE:  # short, not merely unreported
                shortfalls.append(evaluation.target)
        rows.append(DistrictRow(district, counts, sum(counts.values()), shortfalls))
    return rows
