"""The arithmetic of 县域义务教育优质均衡 (教督〔2017〕6号) by hand: a school's values, the school
rule (6 of 7, the rest at 85%), and the 差异系数 weighted by students."""

import pytest

from inspections.balanced import (
    Section,
    dispersion,
    indicator_value,
    judge_level,
    judge_school,
    moments,
)
from inspections.standards import standard_for

STANDARD = standard_for("balanced", 2025)
IND = {i.key: i for i in STANDARD.indicators}


def test_the_worked_example_of_a_difference_coefficient_to_three_decimals():
    # 生均教学及辅助用房面积 of three primary schools (Pᵢ students, area m², Xᵢ = area / Pᵢ):
    #   A: 400 students, 2,000 m² -> 5.0    B: 600, 2,400 -> 4.0    C: 1,000, 6,000 -> 6.0
    # Σ Pᵢ = 2,000; Σ PᵢXᵢ = 2,000 + 2,400 + 6,000 = 10,400; X̄ = 10,400 / 2,000 = 5.2
    # Pᵢ(Xᵢ − X̄)²: A 400 × 0.04 = 16; B 600 × 1.44 = 864; C 1,000 × 0.64 = 640; Σ = 1,520
    # S = √(1,520 / 2,000) = √0.76 = 0.8718; CV = 0.8718 / 5.2 = 0.168
    # shares of the spread: B 864/1,520 = 56.8%, C 42.1%, A 1.1%
    area = IND["teaching_area"]
    values = [
        (p, indicator_value(area, {"teaching_area": a}, p))
        for p, a in [(400, 2000), (600, 2400), (1000, 6000)]
    ]
    assert [x for _, x in values] == [5.0, 4.0, 6.0]
    mean, sd, cv, shares = dispersion(values)
    assert round(mean, 3) == 5.2
    assert round(sd, 3) == 0.872
    assert round(cv, 3) == 0.168
    assert [round(s, 3) for s in shares] == [0.011, 0.568, 0.421]


def test_the_same_coefficient_from_three_sums_without_the_schools():
    # The city page's way (one aggregate per county and level): with Rᵢ = PᵢXᵢ the area,
    #   Σ Pᵢ = 2,000; Σ Rᵢ = 10,400; Σ Rᵢ²/Pᵢ = 2,000²/400 + 2,400²/600 + 6,000²/1,000
    #                                      = 10,000 + 9,600 + 36,000 = 55,600
    #   X̄ = 10,400 / 2,000 = 5.2; S² = 55,600 / 2,000 − 5.2² = 27.8 − 27.04 = 0.76 (as above)
    #   S = 0.8718; CV = 0.168
    mean, sd, cv = moments(2000, 10400, 55600)
    assert (round(mean, 3), round(sd, 3), round(cv, 3)) == (5.2, 0.872, 0.168)
    assert moments(0, None, None) == (None, None, None)  # no school reports it
    # equal values: S² is 0 (rounding may put the difference a hair below 0: never negative)
    assert moments(3, 3 * 0.1, 3 * 0.1 * 0.1) == (pytest.approx(0.1), 0.0, 0.0)


def test_an_unweighted_mean_would_differ_so_the_students_weigh():
    # the plain mean of 5, 4, 6 is 5.0; weighted by students it is 5.2 (above)
    mean, *_ = dispersion([(400, 5.0), (600, 4.0), (1000, 6.0)])
    assert mean != pytest.approx(5.0)


def test_values_per_hundred_students_and_equipment_in_ten_thousand_yuan():
    # 每百名学生高于规定学历教师数: 42 teachers above the qualification, 800 students
    # -> 42 × 100 / 800 = 5.25; equipment 180 万元 for 800 students -> 1,800,000 / 800 = 2,250 元
    assert (
        indicator_value(IND["teachers_above_standard"], {"teachers_above_standard": 42}, 800)
        == 5.25
    )
    assert indicator_value(IND["equipment_value"], {"equipment_value": 180}, 800) == 2250
    # 体育、艺术专任教师: PE and art teachers together, 4 + 5 per 1,000 students -> 0.9
    value = indicator_value(IND["pe_art_teachers"], {"pe_teachers": 4, "art_teachers": 5}, 1000)
    assert value == pytest.approx(0.9)
    # a blank field is not reported, not zero
    assert indicator_value(IND["teaching_area"], {"teaching_area": None}, 800) is None


def _section(level="primary", students=1000, **overrides):
    # every value exactly at the primary standard, unless overridden
    values = {k: float(i.standard[level]) for k, i in IND.items()}
    values.update(overrides)
    return Section(1, "3703000001", "甲小学", "primary", level, students, 1.0, values)


def test_a_school_passes_with_six_of_seven_and_the_seventh_at_85_percent():
    # 生均体育运动场馆面积 6.375 = 85% of 7.5: the one shortfall is at the floor
    verdict = judge_school(_section(sports_area=6.375), STANDARD)
    assert (verdict.met, verdict.passes) == (6, True)
    # 6.3 is 84%: below the floor
    assert judge_school(_section(sports_area=6.3), STANDARD).passes is False
    # two shortfalls, both above 85%: only 5 met
    verdict = judge_school(_section(sports_area=7.0, teaching_area=4.4), STANDARD)
    assert (verdict.met, verdict.passes) == (5, False)
    assert [round(s.gap, 3) for s in verdict.shortfalls] == [0.1, 0.5]
    # not reported meets nothing
    assert judge_school(_section(equipment_value=None), STANDARD).passes is False


def test_junior_standards_are_the_junior_ones():
    verdict = judge_school(_section("junior", teaching_area=5.0), STANDARD)
    # 5.0 m² meets the primary 4.5 but not the junior 5.8 (86%): 6 met, the seventh above 85%
    assert (verdict.met, verdict.passes) == (6, True)
    assert verdict.shortfalls[0].standard == 5.8


def test_a_level_passes_when_every_cv_is_within_the_threshold():
    sections = [_section(students=500), _section(students=500, teaching_area=9.0)]
    level = judge_level("primary", sections, STANDARD)
    area = next(d for d in level.dispersions if d.indicator.key == "teaching_area")
    # X̄ = (4.5 + 9.0) / 2 = 6.75; S = 2.25; CV = 2.25 / 6.75 = 0.333 <= 0.50
    assert round(area.cv, 3) == 0.333 and area.meets
    assert level.passes
    sections.append(_section(students=1000, teaching_area=17.0))
    level = judge_level("primary", sections, STANDARD)
    area = next(d for d in level.dispersions if d.indicator.key == "teaching_area")
    # X̄ = (500 × 4.5 + 500 × 9 + 1,000 × 17) / 2,000 = 23,750 / 2,000 = 11.875
    # Pᵢ(Xᵢ − X̄)²: 500 × 7.375² = 27,195.3; 500 × 2.875² = 4,132.8; 1,000 × 5.125² = 26,265.6
    # S² = 57,593.75 / 2,000 = 28.797; S = 5.366; CV = 5.366 / 11.875 = 0.452 <= 0.50
    assert round(area.cv, 3) == 0.452 and area.meets and level.dispersion_passes
    junior = judge_level("junior", [_section("junior", students=s.students,
                                               teaching_area=s.values["teaching_area"])
                                      for s in sections], STANDARD)  # fmt: skip
    # the same spread is within the primary threshold 0.50, above the junior one 0.45
    assert [d.indicator.key for d in junior.high] == ["teaching_area"]
    assert not junior.passes and round(junior.high[0].gap, 3) == 0.002
    # weighing most: the 4.5 m² school 27,195.3 / 57,593.75 = 47.2%, the 17 m² one 45.6%
    assert [(s.values["teaching_area"], round(p, 1)) for s, p in area.leading[:2]] == [
        (4.5, 47.2),
        (17.0, 45.6),
    ]
