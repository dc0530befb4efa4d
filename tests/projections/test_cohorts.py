"""The projection's arithmetic on small hand-made series, worked out in the comments."""

import pytest

from projections import cohorts

# One district's 一年级 and 二年级 (grades 1 and 2) and its births.
BIRTHS = {2014: 1000, 2015: 1000, 2016: 800, 2017: 700}
STUDENTS = {
    1: {2019: 1000, 2020: 1000, 2021: 990, 2022: 808},
    2: {2020: 980, 2021: 960, 2022: 990},
}


def test_entry_and_progression_ratios_are_the_mean_of_the_last_three_years():
    ratios = cohorts.ratios(STUDENTS, BIRTHS, 2022)
    # 一年级 ÷ births six years earlier: 2020 1000/1000 = 1.00, 2021 990/1000 = 0.99,
    # 2022 808/800 = 1.01; mean (1.00 + 0.99 + 1.01) / 3 = 1.00
    assert ratios[1].value == pytest.approx(1.00)
    assert ratios[1].years == (2020, 2021, 2022)
    # 二年级 ÷ 一年级 a year earlier: 2020 980/1000 = 0.98, 2021 960/1000 = 0.96,
    # 2022 990/990 = 1.00; mean (0.98 + 0.96 + 1.00) / 3 = 0.98
    assert ratios[2].value == pytest.approx(0.98)
    # no 三年级 at all: no ratio, and nothing projected for it
    assert ratios[3].value is None and ratios[3].years == ()


def test_projection_carries_cohorts_forward_and_marks_assumed_births():
    p = cohorts.project(STUDENTS, BIRTHS, 2022, 3)
    # 2023: 一年级 = births 2017 (700) × 1.00 = 700; 二年级 = 一年级 2022 (808) × 0.98 = 791.84
    assert p.values[1][2023] == pytest.approx(700)
    assert p.values[2][2023] == pytest.approx(791.84)
    assert p.total((1, 2), 2023) == pytest.approx(1491.84)
    assert not p.is_assumed((1, 2), 2023)
    # 2024: births 2018 are not known: the last known (2017: 700) is used, marked assumed;
    # 二年级 = 一年级 2023 (700, from known births) × 0.98 = 686, not assumed
    assert p.values[1][2024] == pytest.approx(700)
    assert (1, 2024) in p.assumed and (2, 2024) not in p.assumed
    assert p.values[2][2024] == pytest.approx(686)
    assert p.assumed_births == {2018: 700, 2019: 700}
    # 2025: 二年级 comes from the assumed 一年级 of 2024, so it is assumed too
    assert (2, 2025) in p.assumed
    assert p.values[3] == {}  # no ratio, no projection
    assert p.total((1, 2, 3), 2023) is None


def test_a_missing_year_leaves_its_ratio_out_of_the_mean():
    gap = {1: {2019: 1000, 2020: 1000, 2022: 808}, 2: {2020: 980, 2021: 960, 2022: 990}}
    ratios = cohorts.ratios(gap, BIRTHS, 2022)
    # 一年级: 2020 1.00 and 2022 1.01 (2021 missing): mean 1.005
    assert ratios[1].value == pytest.approx(1.005) and ratios[1].years == (2020, 2022)
    # 二年级: 2022's ratio needs 一年级 2021 (missing): 2020 0.98 and 2021 0.96, mean 0.97
    assert ratios[2].years == (2020, 2021)
    assert ratios[2].value == pytest.approx(0.97)


def test_junior_and_senior_entry_come_from_grades_six_and_nine():
    students = {
        6: {2021: 500, 2022: 400},
        7: {2022: 490},
        9: {2021: 300, 2022: 200},
        10: {2022: 150},
    }
    p = cohorts.project(students, {}, 2022, 1)
    # 七年级 2023 = 六年级 2022 (400) × (490 / 500 = 0.98) = 392
    assert p.values[7][2023] == pytest.approx(392)
    # 高一 2023 = 九年级 2022 (200) × (150 / 300 = 0.5) = 100
    assert p.values[10][2023] == pytest.approx(100)
    # no births at all: 一年级 and 小班 are not projected (never invented)
    assert p.values[1] == {} and p.values[-2] == {}


def test_kindergarten_entry_comes_from_births_three_years_earlier():
    births = {2017: 1000, 2018: 900, 2019: 800, 2020: 600}
    students = {-2: {2020: 500, 2021: 450, 2022: 400}}
    p = cohorts.project(students, births, 2022, 1)
    # 小班 ratios: 2020 500/1000, 2021 450/900, 2022 400/800: all 0.5;
    # 2023 = births 2020 (600) × 0.5 = 300
    assert p.values[-2][2023] == pytest.approx(300)


def test_backtest_projects_the_last_year_from_three_years_before():
    births = {2009: 1000, 2010: 1000, 2011: 1000, 2012: 900, 2013: 800, 2014: 600}
    students = {
        1: {2014: 1000, 2015: 1000, 2016: 1000, 2017: 1000, 2018: 900, 2019: 800, 2020: 660},
        2: {2015: 900, 2016: 900, 2017: 900, 2018: 950, 2019: 850, 2020: 700},
    }
    errors = cohorts.backtest(students, births, 2020, {"primary": (1, 2)})
    # From 2017: entry ratio (2015–2017) 1000/1000 = 1.0 each year; progression 900/1000 = 0.9.
    # 2020: 一年级 = births 2014 (600) × 1.0 = 600; 二年级 = 一年级 2019, itself births 2013
    # (800) × 1.0, × 0.9 = 720. Projected 1320 against actual 660 + 700 = 1360:
    # error −40 students, −40 / 1360 = −2.941%
    error = errors["primary"]
    assert error.projected == pytest.approx(1320)
    assert error.actual == 1360
    assert error.students == pytest.approx(-40)
    assert round(error.percent, 3) == -2.941


@pytest.mark.parametrize(
    ("students", "places", "band"),
    [(69, 100, "surplus"), (70, 100, "fits"), (90, 100, "full"), (100, 100, "full"),
     (101, 100, "shortfall"), (50, 0, "unknown"), (None, 100, "unknown")],
)  # fmt: skip
def test_use_of_places_bands(students, places, band):
    assert cohorts.band(cohorts.use_of_places(students, places)) == band


def test_first_year_of_a_warning():
    uses = {2025: 0.8, 2026: 0.69, 2027: 0.6, 2028: 1.2}
    assert cohorts.first_year(uses, "surplus") == 2026
    assert cohorts.first_year(uses, "shortfall") == 2028
    assert cohorts.first_year({2025: 0.8}, "shortfall") is None


def test_the_arithmetic_knows_the_grades_and_birth_years_the_schools_app_does():
    from schools.statistics import GRADES, LEVELS, birth_year

    assert cohorts.GRADES == sorted(GRADES)
    for grade, lag in cohorts.FROM_BIRTHS.items():
        assert birth_year(2025, grade) == 2025 - lag
    entries = {grades[0] for grades in LEVELS.values()}
    assert (
        set(cohorts.FROM_BIRTHS) | {cohorts.FROM_GRADE[7] + 1, cohorts.FROM_GRADE[10] + 1}
        == entries
    )


@pytest.mark.parametrize(
    ("use", "shown"),
    [(1.002, "100.2%"), (0.998, "99.8%"), (0.6981, "69.8%"), (0.843, "84%"), (None, "—")],
)
def test_a_use_near_a_threshold_shows_a_decimal(use, shown):
    from projections import display

    assert display.percent(use) == shown
