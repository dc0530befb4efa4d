"""The progress method, hand-checked for every kind of target (no database needed)."""

import datetime
from decimal import Decimal

import pytest

from plans.models import Part, Plan, Task
from targets.models import Target
from targets.progress import Point, Status, city_progress, district_progress

D = Decimal
PLAN = Plan(baseline_year=2020, start_year=2021, end_year=2025)  # never saved


def target(**fields) -> Target:
    defaults = {"deadline_year": 2025, "comparator": "gte", "per_units": 1, "unit": "%"}
    return Target(task=Task(part=Part(plan=PLAN)), **{**defaults, **fields})


def rate(goal=55, comparator="gte") -> Target:
    return target(
        kind="rate",
        value=D(goal),
        comparator=comparator,
        numerator_label="n",
        denominator_label="d",
    )


def percent_points(**by_year) -> dict[int, Point]:
    """{2020: 40, 2024: 52} as rates out of 1000."""
    return {int(y[1:]): Point(int(y[1:]), D(v) * 10, D(1000)) for y, v in by_year.items()}


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        # baseline 40% (2020), target 55% (2025): the path expects 40 + 15·4/5 = 52 in 2024
        (55, Status.MET),
        (D("54.9"), Status.ON_TRACK),  # r = 14.9 / 12 > 1, but 55 not reached yet
        (52, Status.ON_TRACK),  # r = 12 / 12 = 1
        (D("51.4"), Status.ON_TRACK),  # r = 11.4 / 12 = 0.95
        (49, Status.ACCELERATE),  # r = 9 / 12 = 0.75
        (D("47.2"), Status.ACCELERATE),  # r = 7.2 / 12 = 0.6
        (44, Status.LAGGING),  # r = 4 / 12 = 0.33
        (40, Status.LAGGING),  # r = 0
        (38, Status.REGRESSING),  # r < 0
    ],
)
def test_rate_on_the_straight_path(latest, status):
    progress = district_progress(rate(), percent_points(y2020=40, y2024=latest), 2024)
    assert progress.status == status
    if status != Status.MET:
        assert progress.expected == 52


def test_more_than_is_strict():
    assert (
        district_progress(rate(65, "gt"), percent_points(y2020=50, y2024=65), 2024).status
        != Status.MET
    )
    assert (
        district_progress(rate(65, "gt"), percent_points(y2020=50, y2024=D("65.1")), 2024).status
        == Status.MET
    )


def test_about_is_met_at_ninety_percent():
    about = target(kind="count", value=D(10), comparator="about", unit="个")
    assert district_progress(about, {2024: Point(2024, value=D(9))}, 2024).status == Status.MET

    def judged(latest):
        points = {2020: Point(2020, value=D(2)), 2024: Point(2024, value=D(latest))}
        return district_progress(about, points, 2024)

    # the path expects 2 + 8·4/5 = 8.4 in 2024
    assert judged("8.9").status == Status.ON_TRACK  # r = 6.9 / 6.4 = 1.08, below 9 (90% of 10)
    assert judged(6).status == Status.ACCELERATE  # r = 4 / 6.4 = 0.63


def test_no_data_without_two_years():
    assert district_progress(rate(), {}, 2024).status == Status.NO_DATA
    assert district_progress(rate(), percent_points(y2020=40), 2024).status == Status.NO_DATA
    assert district_progress(rate(), percent_points(y2024=56), 2024).status == Status.MET


def test_later_figures_are_ignored_for_an_earlier_year():
    progress = district_progress(rate(), percent_points(y2020=40, y2022=43, y2024=56), 2022)
    assert (progress.status, progress.year) == (Status.LAGGING, 2022)  # r = 3 / 6 = 0.5


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        ("52.0", "50.8", Status.MET),  # fell 1.2 points
        ("52.0", "51.0", Status.MET),  # exactly 1 point
        ("52.0", "51.1", Status.ACCELERATE),  # 0.9 of the required fall
        ("52.0", "51.5", Status.LAGGING),  # 0.5
        ("52.0", "52.3", Status.REGRESSING),  # rose
    ],
)
def test_myopia_falls_at_least_a_point_a_year(before, after, status):
    myopia = target(kind="annual_change", direction="decrease", value=D(1), unit="百分点",
                    numerator_label="近视", denominator_label="筛查")  # fmt: skip
    points = {2023: Point(2023, D(before) * 10, D(1000)), 2024: Point(2024, D(after) * 10, D(1000))}
    assert district_progress(myopia, points, 2024).status == status


def test_growth_of_about_ten_percent_a_year():
    growth = target(kind="annual_change", direction="increase", value=D(10), comparator="about")

    def judged(after):
        points = {2023: Point(2023, value=D(100)), 2024: Point(2024, value=D(after))}
        return district_progress(growth, points, 2024)

    assert judged(109).status == Status.MET  # 9% ≥ 90% of 10%
    assert (judged(105).status, judged(105).ratio) == (Status.LAGGING, D("0.5"))
    assert judged(110).expected == 110


def test_no_decrease():
    steady = target(kind="annual_change", direction="increase", value=D(0), unit="万元")
    assert (
        district_progress(
            steady, {2023: Point(2023, value=D(100)), 2024: Point(2024, value=D(100))}, 2024
        ).status
        == Status.MET
    )
    assert (
        district_progress(
            steady, {2023: Point(2023, value=D(100)), 2024: Point(2024, value=D(99))}, 2024
        ).status
        == Status.REGRESSING
    )


def test_every_year_count():
    trainings = target(kind="count", value=D(100), unit="名", every_year=True)
    assert (
        district_progress(trainings, {2024: Point(2024, value=D(100))}, 2024).status == Status.MET
    )
    assert (
        district_progress(trainings, {2024: Point(2024, value=D(80))}, 2024).status
        == Status.ACCELERATE
    )
    assert (
        district_progress(trainings, {2024: Point(2024, value=D(50))}, 2024).status
        == Status.LAGGING
    )


def test_unit_ratio_is_measured_per_units():
    inspectors = target(
        kind="unit_ratio",
        value=D(1),
        per_units=5,
        unit="名",
        numerator_label="督学",
        denominator_label="幼儿园",
    )
    met = district_progress(inspectors, {2024: Point(2024, D(22), D(100))}, 2024)
    assert (met.status, met.value) == (Status.MET, D("1.1"))  # 22/100 · 5 = 1.1 per 5 kindergartens
    short = district_progress(
        inspectors, {2020: Point(2020, D(10), D(100)), 2024: Point(2024, D(18), D(100))}, 2024
    )
    assert short.status == Status.ON_TRACK  # 0.5 → 0.9 against a path to 1.0 at 0.9: r = 1


def test_milestone_met_due_or_overdue():
    counsellors = target(kind="milestone", deadline_year=2022, value=None, comparator="")
    done = {2022: Point(2022, achieved=True, achieved_on=datetime.date(2022, 11, 20))}
    assert district_progress(counsellors, done, 2024).status == Status.MET
    assert (
        district_progress(counsellors, {2021: Point(2021, achieved=False)}, 2021).status
        == Status.DUE
    )
    assert (
        district_progress(counsellors, {2022: Point(2022, achieved=False)}, 2022).status
        == Status.OVERDUE
    )
    assert district_progress(counsellors, {}, 2023).status == Status.OVERDUE


def test_a_districts_yes_or_no():
    certified = target(kind="district_share", value=D(80))
    assert (
        district_progress(certified, {2023: Point(2023, achieved=True)}, 2024).status == Status.MET
    )
    assert (
        district_progress(certified, {2023: Point(2023, achieved=False)}, 2024).status
        == Status.NOT_MET
    )


# The city ------------------------------------------------------------------------------------


def test_city_rate_is_sum_of_numerators_over_sum_of_denominators():
    districts = {1: {2024: Point(2024, D(30), D(100))}, 2: {2024: Point(2024, D(900), D(1000))}}
    progress = city_progress(rate(90), districts, {}, 2024, district_count=2)
    assert round(progress.value, 1) == D("84.5")  # 930 / 1100, not the mean of 30% and 90%
    assert progress.series == {2024: progress.value}


def test_city_count_is_summed():
    schools = target(kind="count", value=D(12), unit="所")
    districts = {n: {2024: Point(2024, value=D(v))} for n, v in enumerate([3, 4, 5])}
    assert city_progress(schools, districts, {}, 2024, district_count=3).status == Status.MET


def test_city_figure_entered_for_the_city_is_used_as_such():
    schools = target(kind="count", value=D(12), unit="所", reported_by="city")
    progress = city_progress(schools, {}, {2024: Point(2024, value=D(12))}, 2024, district_count=11)
    assert (progress.status, progress.value) == (Status.MET, 12)


def test_per_district_minimum_is_n_of_eleven():
    bases = target(kind="district_minimum", value=D(10), unit="个")
    districts = {n: {2024: Point(2024, value=D(12 if n < 7 else 6))} for n in range(11)}
    progress = city_progress(bases, districts, {}, 2024, district_count=11)
    assert (progress.count, progress.status) == ((7, 11), Status.ACCELERATE)  # 7/11 = 0.64
    everyone = {n: {2024: Point(2024, value=D(10))} for n in range(11)}
    assert city_progress(bases, everyone, {}, 2024, district_count=11).status == Status.MET


def test_share_of_districts_on_its_path():
    certified = target(kind="district_share", value=D(80))
    districts = {
        n: {2020: Point(2020, achieved=False), 2023: Point(2023, achieved=n < 2)} for n in range(11)
    }
    progress = city_progress(certified, districts, {}, 2023, district_count=11)
    # 2 of 11 = 18.2% against a path from 0% (2020) to 80% (2025): 48% expected in 2023, r = 0.38
    assert (progress.count, progress.status, progress.expected) == ((2, 11), Status.LAGGING, 48)


def test_per_head_amounts_are_not_summed():
    per_student = target(
        kind="annual_change", direction="increase", value=D(0), unit="元", per_head=True
    )
    districts = {
        1: {2023: Point(2023, value=D(16000)), 2024: Point(2024, value=D(16500))},
        2: {2023: Point(2023, value=D(15000)), 2024: Point(2024, value=D(14800))},
    }
    progress = city_progress(per_student, districts, {}, 2024, district_count=2)
    assert (progress.count, progress.status) == ((1, 2), Status.LAGGING)


def test_city_milestone_counts_districts():
    counsellors = target(kind="milestone", deadline_year=2022, value=None, comparator="")
    districts = {n: {2022: Point(2022, achieved=n < 10)} for n in range(11)}
    assert (
        city_progress(counsellors, districts, {}, 2024, district_count=11).status == Status.OVERDUE
    )
    assert city_progress(counsellors, districts, {}, 2021, district_count=11).status == Status.DUE


def test_a_city_sum_needs_every_districts_figure():
    spending = target(kind="annual_change", direction="increase", value=D(0), unit="万元")
    districts = {
        1: {2023: Point(2023, value=D(100)), 2024: Point(2024, value=D(110))},
        2: {2023: Point(2023, value=D(200))},  # 2024 not in yet
    }
    progress = city_progress(spending, districts, {}, 2024, district_count=2)
    assert progress.series == {2023: 300}, "2024 would read 110: a fall that did not happen"
    assert progress.status == Status.NO_DATA
    rates = {1: {2024: Point(2024, D(30), D(100))}, 2: {}}
    assert city_progress(rate(90), rates, {}, 2024, district_count=2).series == {}


def test_a_districts_share_of_a_city_total_is_not_judged_alone():
    schools = target(kind="count", value=D(12), unit="所", scope="city", reported_by="districts")
    progress = district_progress(
        schools, {2020: Point(2020, value=D(0)), 2024: Point(2024, value=D(2))}, 2024
    )
    assert (progress.status, progress.value) == (Status.PART, 2)


def test_teachers_pay_is_judged_per_district_and_the_city_counts_districts():
    """不低于或高于当地公务员: each district's teachers against its own civil servants (a ratio
    that may pass 100%); the city is n of 11, never Σ pay / Σ pay."""
    salary = target(
        kind="district_minimum",
        value=D(100),
        numerator_label="义务教育教师年平均工资收入",
        denominator_label="当地公务员年平均工资收入",
        numerator_may_exceed=True,
    )
    above = {2024: Point(2024, D(105000), D(100000))}
    below = {2024: Point(2024, D(80000), D(100000))}
    assert district_progress(salary, above, 2024).status == Status.MET
    assert district_progress(salary, above, 2024).value == 105
    assert district_progress(salary, below, 2024).status == Status.NO_DATA  # one year only
    # A rich district's surplus does not make up for a poor one's shortfall:
    districts = {1: {2024: Point(2024, D(200000), D(100000))}, 2: below}
    progress = city_progress(salary, districts, {}, 2024, district_count=2)
    assert progress.count == (1, 2) and progress.status != Status.MET


# After the deadline: verdicts, not paths -----------------------------------------------------


def test_after_the_deadline_a_rate_is_met_or_missed_on_the_deadline_years_figure():
    # 张店区's 二(一)4-1: 40% in 2020, 54.6% in 2025, against "55%以上" by 2025. On the path this
    # would be 进展正常 (r = 14.6 / 15 = 0.97); the plan has ended and 55 was not reached.
    progress = district_progress(rate(), percent_points(y2020=40, y2024=52, y2025="54.6"), 2025)
    assert (progress.status, progress.value, progress.year) == (Status.MISSED, D("54.6"), 2025)
    assert progress.final and progress.is_behind
    assert (progress.baseline, progress.baseline_year) == (40, 2020)
    assert round(progress.ratio, 4) == D("0.9733")  # achieved change / required change to 55
    met = district_progress(rate(), percent_points(y2020=40, y2025=55), 2025)
    assert (met.status, met.final) == (Status.MET, True)


def test_after_the_deadline_a_missing_final_figure_is_said_so():
    # 2024 already met 55%, but the verdict rests on 2025's figure, which is not in.
    progress = district_progress(rate(), percent_points(y2020=40, y2024=56), 2025)
    assert (progress.status, progress.value, progress.year) == (Status.FINAL_MISSING, 56, 2024)
    assert not progress.is_behind  # missing, not a shortfall: no district is counted behind
    assert district_progress(rate(), {}, 2025).status == Status.FINAL_MISSING
    # As of 2024 (a historical view) the same figures are on the path, and met.
    assert district_progress(rate(), percent_points(y2020=40, y2024=56), 2024).status == Status.MET


@pytest.mark.parametrize("latest", ["52", "49", "40", "38"])
def test_after_the_deadline_no_path_status_is_ever_given(latest):
    progress = district_progress(rate(), percent_points(y2020=40, y2025=latest), 2025)
    assert progress.status == Status.MISSED


def test_an_earlier_deadline_is_judged_on_its_own_year():
    early = rate()
    early.deadline_year = 2022
    # 50% in 2022 misses 55%; reaching 56% in 2024 does not change the 2022 verdict.
    points = percent_points(y2020=40, y2022=50, y2024=56)
    progress = district_progress(early, points, 2025)
    assert (progress.status, progress.year, progress.value) == (Status.MISSED, 2022, 50)
    assert round(progress.ratio, 4) == D("0.6667")  # (50 − 40) / (55 − 40)


def myopia() -> Target:
    return target(kind="annual_change", direction="decrease", value=D(1), unit="百分点",
                  numerator_label="近视", denominator_label="筛查")  # fmt: skip


def test_an_annual_change_after_the_plan_sums_up_every_year():
    # falls: 2021 1.0 (met), 2022 1.2 (met), 2023 0.8 (missed), 2024 1.0 (met), 2025 1.1 (met)
    rates = {"y2020": "53", "y2021": "52", "y2022": "50.8", "y2023": "50", "y2024": "49"}
    points = percent_points(**rates, y2025="47.9")
    progress = district_progress(myopia(), points, 2025)
    assert (progress.status, progress.years_met, progress.year) == (Status.MISSED, (4, 5), 2025)
    assert progress.value == D("-1.1") and progress.final
    every_year = percent_points(**{**rates, "y2023": "49.8", "y2024": "48.8"}, y2025="47.7")
    assert district_progress(myopia(), every_year, 2025).status == Status.MET
    no_final = district_progress(myopia(), percent_points(**rates), 2025)
    assert (no_final.status, no_final.years_met) == (Status.FINAL_MISSING, (3, 4))
    # As of 2024 the latest year is judged, and the years so far are counted.
    as_of_2024 = district_progress(myopia(), percent_points(**rates), 2024)
    assert (as_of_2024.status, as_of_2024.years_met) == (Status.MET, (3, 4))


def test_an_every_year_count_after_the_plan_sums_up_every_plan_year():
    trainings = target(kind="count", value=D(100), unit="名", every_year=True)

    def counts(**by_year):
        return {int(y[1:]): Point(int(y[1:]), value=D(v)) for y, v in by_year.items()}

    # 2020 is the baseline, not a year of the plan: 20 trainings then are not judged.
    years = {"y2020": 20, "y2021": 100, "y2022": 120, "y2024": 100}
    progress = district_progress(trainings, counts(**years, y2023=90, y2025=110), 2025)
    assert (progress.status, progress.years_met, progress.value) == (Status.MISSED, (4, 5), 110)
    met = district_progress(trainings, counts(**years, y2023=100, y2025=110), 2025)
    assert (met.status, met.years_met) == (Status.MET, (5, 5))
    no_final = district_progress(trainings, counts(**years, y2023=100), 2025)
    assert (no_final.status, no_final.years_met) == (Status.FINAL_MISSING, (4, 4))


def test_a_milestone_not_done_is_missed_once_the_plan_has_ended():
    counsellors = target(kind="milestone", deadline_year=2022, value=None, comparator="")
    not_done = {2022: Point(2022, achieved=False), 2025: Point(2025, achieved=False)}
    assert district_progress(counsellors, not_done, 2023).status == Status.OVERDUE
    assert district_progress(counsellors, not_done, 2025).status == Status.MISSED
    silent = {2021: Point(2021, achieved=False)}  # nothing said from 2022 on
    assert district_progress(counsellors, silent, 2025).status == Status.FINAL_MISSING
    late = {2022: Point(2022, achieved=False), 2023: Point(2023, achieved=True)}
    done = district_progress(counsellors, late, 2025)
    assert (done.status, done.year) == (Status.MET, 2023)


def test_a_districts_yes_or_no_after_the_deadline():
    certified = target(kind="district_share", value=D(80))
    yes_then_no = {2024: Point(2024, achieved=True), 2025: Point(2025, achieved=False)}
    assert district_progress(certified, yes_then_no, 2025).status == Status.MISSED
    assert district_progress(certified, yes_then_no, 2024).status == Status.MET
    only_2024 = {2024: Point(2024, achieved=True)}
    assert district_progress(certified, only_2024, 2025).status == Status.FINAL_MISSING
    assert district_progress(certified, {2025: Point(2025, achieved=True)}, 2025).status == (
        Status.MET
    )


# The city: complete years only --------------------------------------------------------------


def test_a_city_share_of_districts_uses_complete_years_only():
    certified = target(kind="district_share", value=D(80))
    districts = {
        n: {2020: Point(2020, achieved=False), 2023: Point(2023, achieved=n < 3)} for n in range(11)
    }
    for n in range(3):  # three districts' 2024 figures are in; eight are not yet
        districts[n][2024] = Point(2024, achieved=True)
    progress = city_progress(certified, districts, {}, 2024, district_count=11)
    assert 2024 not in progress.series, "eight districts' 2024 figures are not in"
    assert (progress.year, progress.count, progress.reported) == (2023, (3, 11), (3, 11))
    assert round(progress.value, 1) == D("27.3")
    # the path from 0% (2020) to 80% (2025) expects 48% in 2023: r = 27.27 / 48 = 0.57
    assert progress.status == Status.LAGGING
    final = city_progress(certified, districts, {}, 2025, district_count=11)
    assert (final.status, final.year) == (Status.FINAL_MISSING, 2023)
    for n in range(11):
        districts[n][2025] = Point(2025, achieved=n < 9)
    final = city_progress(certified, districts, {}, 2025, district_count=11)
    assert (final.status, final.count) == (Status.MET, (9, 11))  # 81.8% ≥ 80%


def test_a_city_rate_after_the_deadline_needs_every_districts_final_figure():
    districts = {
        1: {2020: Point(2020, D(40), D(100)), 2025: Point(2025, D(60), D(100))},
        2: {2020: Point(2020, D(40), D(100))},
    }
    progress = city_progress(rate(), districts, {}, 2025, district_count=2)
    assert (progress.status, progress.reported) == (Status.FINAL_MISSING, (1, 2))
    districts[2][2025] = Point(2025, D(49), D(100))
    progress = city_progress(rate(), districts, {}, 2025, district_count=2)
    # (60 + 49) / (100 + 100) = 54.5%, not 55%: missed, though one district passed it
    assert (progress.status, progress.value, progress.reported) == (Status.MISSED, 54.5, None)


def test_a_per_district_minimum_counts_one_complete_year():
    bases = target(kind="district_minimum", value=D(10), unit="个")
    districts = {
        1: {2023: Point(2023, value=D(12)), 2024: Point(2024, value=D(12))},
        2: {2023: Point(2023, value=D(8)), 2024: Point(2024, value=D(11))},
        3: {2023: Point(2023, value=D(9))},  # 2024 not in yet
    }
    progress = city_progress(bases, districts, {}, 2024, district_count=3)
    assert (progress.count, progress.year, progress.reported) == ((1, 3), 2023, (2, 3))
    districts[1][2025] = Point(2025, value=D(12))
    districts[2][2025] = Point(2025, value=D(10))
    final = city_progress(bases, districts, {}, 2025, district_count=3)
    # 2025 is not complete: the count shown is of 2023, the latest complete year
    assert (final.status, final.count, final.year) == (Status.FINAL_MISSING, (1, 3), 2023)
    districts[3][2025] = Point(2025, value=D(9))
    final = city_progress(bases, districts, {}, 2025, district_count=3)
    assert (final.status, final.count, final.final) == (Status.MISSED, (2, 3), True)


def test_the_city_row_of_a_share_of_districts_reads_as_a_share():
    from targets.display import describe
    from targets.progress import Progress, city_at

    certified = target(kind="district_share", value=D(80))
    city = Progress(Status.LAGGING, series={2023: D(300) / 11, 2024: D(400) / 11})
    assert describe(certified, city_at(certified, city, 2023, 11)) == "27.3%（3/11）"
    assert describe(certified, city_at(certified, city, 2024, 11)) == "36.4%（4/11）"
    assert describe(certified, city_at(certified, city, 2025, 11)) == "—"


# Ranks -----------------------------------------------------------------------------------------


def test_ranks_compare_one_years_figures_and_equals_share_a_rank():
    from targets.progress import Progress, rank, ranking_year

    cells = [
        ("a", Progress(Status.ON_TRACK, value=D(52), year=2024)),
        ("b", Progress(Status.ON_TRACK, value=D(54), year=2024)),
        ("c", Progress(Status.MET, value=D(60), year=2023)),  # a year behind: not ranked
        ("d", Progress(Status.ON_TRACK, value=D(52), year=2024)),
        ("e", Progress(Status.NO_DATA)),
    ]
    assert rank(rate(), cells, 2024) == {"b": 1, "a": 2, "d": 2}
    assert rank(rate(), cells, 2023) == {"c": 1}
    falls = [("a", Progress(Status.MET, value=D("-1.2"), year=2024)),
             ("b", Progress(Status.MET, value=D("-0.5"), year=2024))]  # fmt: skip
    assert rank(myopia(), falls, 2024) == {"a": 1, "b": 2}, "the biggest fall first"
    assert ranking_year(rate(), 2024) == 2024
    early = rate()
    early.deadline_year = 2022
    assert ranking_year(early, 2025) == 2022, "after the deadline: the deadline year's figures"


def test_a_per_district_minimum_without_final_figures_shows_its_latest_complete_year():
    bases = target(kind="district_minimum", value=D(10), unit="个")
    districts = {n: {2023: Point(2023, value=D(12 if n < 2 else 9))} for n in range(3)}
    progress = city_progress(bases, districts, {}, 2025, district_count=3)
    assert (progress.status, progress.count, progress.year) == (Status.FINAL_MISSING, (2, 3), 2023)


def test_the_statuses_a_year_can_show_follow_the_method(plan):
    from targets.progress import possible_statuses, statuses_that_can_appear

    fitness = Target.objects.get(code="二(一)4-1")  # a rate due 2025
    assert possible_statuses(fitness, 2023) == {
        Status.MET, Status.ON_TRACK, Status.ACCELERATE, Status.LAGGING, Status.REGRESSING,
        Status.NO_DATA,
    }  # fmt: skip
    assert possible_statuses(fitness, 2025) == {Status.MET, Status.MISSED, Status.FINAL_MISSING}
    milestone = Target.objects.filter(kind=Target.Kind.MILESTONE, deadline_year=2022).first()
    assert possible_statuses(milestone, 2021) == {Status.MET, Status.DUE}
    assert possible_statuses(milestone, 2023) == {Status.MET, Status.OVERDUE}
    assert possible_statuses(milestone, 2025) == {Status.MET, Status.MISSED, Status.FINAL_MISSING}
    everything = statuses_that_can_appear(Target.objects.of_plan(plan), 2025)
    assert Status.ON_TRACK not in everything and Status.OVERDUE not in everything


def spending_growth() -> Target:
    """二(八)5-1 市级财政教育投入年均增长10%左右: an average, in 万元 figures."""
    return target(kind="annual_change", direction="increase", value=D(10), comparator="about",
                  measure_unit="万元", value_text="年均增长10%左右", every_year=True)  # fmt: skip


# The demo's city figures: 7.2%, 6.8%, 8.1%, 15.1%, 14.5% a year; 10.3% a year on average.
SPENDING = {2020: "1080000", 2021: "1157875", 2022: "1237101", 2023: "1337571",
            2024: "1539937", 2025: "1763812"}  # fmt: skip


def test_an_average_growth_is_judged_by_the_compound_rate_from_the_baseline():
    points = {y: Point(y, value=D(v)) for y, v in SPENDING.items()}
    final = district_progress(spending_growth(), points, 2025)
    assert (final.status, final.year, final.years_met) == (Status.MET, 2025, None)
    assert round(final.value, 1) == D("10.3")  # (1763812 / 1080000) ** (1/5) − 1
    assert final.baseline_year == 2020 and final.final

    early = district_progress(spending_growth(), {y: points[y] for y in (2020, 2023)}, 2023)
    assert round(early.value, 1) == D("7.4")  # 2020 → 2023, though no 2021 or 2022 figure
    assert early.status == Status.ACCELERATE  # 7.4 / 10 = 0.74: neither 9% (左右) nor on track

    without_2024 = {y: p for y, p in points.items() if y != 2024}  # a year-on-year rule needs it
    assert district_progress(spending_growth(), without_2024, 2025).status == Status.MET


def test_an_average_growth_below_ninety_percent_of_the_rate_is_missed_at_the_deadline():
    points = {2020: Point(2020, value=D(100)), 2025: Point(2025, value=D(150))}  # 8.4% a year
    final = district_progress(spending_growth(), points, 2025)
    assert final.status == Status.MISSED and round(final.value, 1) == D("8.4")
    missing = district_progress(spending_growth(), {2020: points[2020]}, 2025)
    assert missing.status == Status.FINAL_MISSING


def test_no_decrease_year_by_year_stays_judged_each_year():
    steady = target(kind="annual_change", direction="increase", value=D(0), unit="万元",
                    value_text="逐年只增不减", every_year=True)  # fmt: skip
    rising_overall = {2020: D(100), 2021: D(90), 2022: D(120), 2023: D(130), 2024: D(140),
                      2025: D(150)}  # fmt: skip
    points = {y: Point(y, value=v) for y, v in rising_overall.items()}
    final = district_progress(steady, points, 2025)
    assert final.status == Status.MISSED and final.years_met == (4, 5)


def test_the_city_row_of_an_annual_change_shows_levels_and_the_goal_says_the_change(plan):
    """二(一)4-3 (近视率每年降低1个百分点): the district × year table shows the city's rates as the
    districts' (49.5%), never as changes (+49.5 百分点); the goal a verdict used is the change."""
    from targets.display import city_level, goal_value
    from targets.progress import Progress, city_at
    from tests.conftest import target_named

    target = target_named(plan, "儿童青少年总体近视率年降幅")
    assert target.kind == Target.Kind.ANNUAL_CHANGE
    city = Progress(Status.NO_DATA, series={2023: Decimal("49.5")})
    assert city_level(target, city_at(target, city, 2023, 11)) == "49.5%"
    assert "+" not in city_level(target, city_at(target, city, 2023, 11))
    assert goal_value(target, Decimal(1)) == target.requirement
    assert "1" in goal_value(target, Decimal(1)) and "%" not in goal_value(target, Decimal(1))
