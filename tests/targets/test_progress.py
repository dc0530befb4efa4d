"""The progress method, hand-checked for every kind of target (no database needed)."""

import datetime
from decimal import Decimal

import pytest

from targets.models import Target
from targets.progress import Point, Status, city_progress, district_progress

D = Decimal


def target(**fields) -> Target:
    defaults = {"deadline_year": 2025, "comparator": "gte", "per_units": 1, "unit": "%"}
    return Target(**{**defaults, **fields})


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
