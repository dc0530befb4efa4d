"""The evaluation's grading rule on hand-built progress: every kind of target at its deadline,
and before it (a mid-term evaluation). No database: the rule reads what the board gives."""

from decimal import Decimal as D

import pytest

from reports.evaluation import Verdict, completion, grade, grade_districts
from targets.models import Target
from targets.progress import Progress, Status


def target(kind="rate", value="55", deadline=2025, comparator="gte", **more) -> Target:
    return Target(
        kind=kind,
        value=None if kind == "milestone" else D(value),
        deadline_year=deadline,
        comparator="" if kind == "milestone" else comparator,
        **more,
    )


def at(status, year=2025, ratio=None, **more) -> Progress:
    return Progress(status, year=year, ratio=None if ratio is None else D(ratio), **more)


# A value to reach by the deadline: judged on the deadline year's figure -------------------


def test_met_in_the_deadline_year_is_completed():
    assert grade(target(), at(Status.MET, value=D("56.2")), 2025) == Verdict.DONE


@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [("0.95", Verdict.MOSTLY), ("0.90", Verdict.MOSTLY), ("0.89", Verdict.NOT_DONE),
     ("0.2", Verdict.NOT_DONE), ("-0.5", Verdict.NOT_DONE)],
)  # fmt: skip
def test_not_met_is_largely_completed_from_90_percent_of_the_required_change(ratio, verdict):
    # baseline 40, target 55: 0.9 of the change is 53.5
    assert grade(target(), at(Status.ON_TRACK, ratio=ratio), 2025) == verdict


def test_the_verdicts_board_statuses_read_the_same():
    assert grade(target(), at(Status.MISSED, ratio="0.93"), 2025) == Verdict.MOSTLY
    assert grade(target(), at(Status.MISSED, ratio="0.5"), 2025) == Verdict.NOT_DONE
    assert grade(target(), at(Status.FINAL_MISSING, year=2024), 2025) == Verdict.NO_FINAL


def test_without_a_ratio_the_change_is_read_from_the_series():
    progress = at(Status.MISSED, series={2020: D(50), 2025: D(59)})
    assert completion(target(value="60"), progress) == D("0.9")
    assert grade(target(value="60"), progress, 2025) == Verdict.MOSTLY


def test_an_older_figure_is_no_final_figure_even_if_it_met_the_target():
    """The 2024 figure met 55%, but the verdict rests on 2025's, which is not in."""
    assert grade(target(), at(Status.MET, year=2024), 2025) == Verdict.NO_FINAL
    assert grade(target(), at(Status.NO_DATA, year=None), 2025) == Verdict.NO_FINAL


def test_a_later_evaluation_judges_the_target_at_its_own_deadline():
    assert grade(target(deadline=2023), at(Status.MET, year=2023), 2025) == Verdict.DONE


# Annual changes, every-year counts, districts' yes/no and per-district rules ---------------


def test_annual_change_reaching_90_percent_of_the_change_is_largely_completed():
    decrease = target("annual_change", "1", direction="decrease")
    assert grade(decrease, at(Status.MET, value=D("-1.2")), 2025) == Verdict.DONE
    assert grade(decrease, at(Status.ACCELERATE, ratio="0.9"), 2025) == Verdict.MOSTLY
    assert grade(decrease, at(Status.REGRESSING, ratio="-0.4"), 2025) == Verdict.NOT_DONE


def test_every_year_count_reads_the_deadline_year():
    training = target("count", "100", every_year=True)
    assert grade(training, at(Status.ACCELERATE, ratio="0.92"), 2025) == Verdict.MOSTLY
    assert grade(training, at(Status.MET, year=2024), 2025) == Verdict.NO_FINAL


def test_a_districts_yes_no_is_completed_or_not():
    share = target("district_share", "80")
    assert grade(share, at(Status.MET, value=D(100)), 2025) == Verdict.DONE
    assert grade(share, at(Status.NOT_MET, value=D(0)), 2025) == Verdict.NOT_DONE


def test_a_citys_count_of_districts_is_judged_without_a_year():
    minimum = target("district_minimum", "10")
    counted = Progress(Status.ACCELERATE, ratio=D(10) / 11, count=(10, 11))
    assert grade(minimum, counted, 2025) == Verdict.MOSTLY


@pytest.mark.parametrize(
    ("verdicts", "city"),
    [
        ([Verdict.DONE] * 11, Verdict.DONE),
        ([Verdict.DONE] * 10 + [Verdict.DONE_LATE], Verdict.DONE_LATE),
        ([Verdict.DONE] * 10 + [Verdict.NOT_DONE], Verdict.MOSTLY),  # 10/11 = 91%
        ([Verdict.DONE] * 9 + [Verdict.NOT_DONE] * 2, Verdict.NOT_DONE),  # 9/11 = 82%
        ([Verdict.DONE] * 10 + [Verdict.NO_FINAL], Verdict.NO_FINAL),
    ],
)
def test_the_city_counts_the_districts_of_a_per_district_rule(verdicts, city):
    assert grade_districts(verdicts) == city


def test_a_districts_part_of_a_city_wide_count_gets_no_verdict():
    assert grade(target("count", "12"), at(Status.PART, value=D(3)), 2025) is None


# Milestones --------------------------------------------------------------------------------


def test_milestone_done_by_the_deadline_late_or_not_at_all():
    milestone = target("milestone", deadline=2022)
    done = Progress(Status.MET, value=D(100), year=2022)
    late = Progress(Status.MET, value=D(100), year=2023)
    overdue = Progress(Status.OVERDUE, value=D(0), year=2022)
    assert grade(milestone, done, 2025, now=done) == Verdict.DONE
    assert grade(milestone, overdue, 2025, now=late) == Verdict.DONE_LATE
    assert grade(milestone, overdue, 2025, now=overdue) == Verdict.NOT_DONE


def test_milestone_not_yet_due_in_a_mid_term_evaluation():
    milestone = target("milestone", deadline=2025)
    due = Progress(Status.DUE, value=D(0), year=2023)
    assert grade(milestone, due, 2023, now=due) == Verdict.NOT_DUE


# Mid-term: before the deadline the path judges, as on the dashboards ----------------------


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (Status.MET, Verdict.DONE),
        (Status.ON_TRACK, Verdict.ON_TRACK),
        (Status.ACCELERATE, Verdict.ACCELERATE),
        (Status.LAGGING, Verdict.LAGGING),
        (Status.REGRESSING, Verdict.LAGGING),
        (Status.NO_DATA, Verdict.NO_DATA),
    ],
)
def test_mid_term_reads_the_path_status(status, verdict):
    assert grade(target(), at(status, year=2023, ratio="0.7"), 2023) == verdict
