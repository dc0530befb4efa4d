"""A county's 优质均衡 evaluation from its schools' statistics, recomputed by hand, as a county
督导 report would publish it: each indicator's 差异系数 per level, the schools below the
standard, and the county's standing."""

import pytest

from inspections import balanced
from inspections.balanced import evaluate, evaluate_many
from inspections.evaluation import evaluate as evaluate_county
from tests.inspections.helpers import small_county

pytestmark = pytest.mark.django_db


def _table(level):
    return [(d.indicator.key, round(d.cv, 3), d.meets) for d in level.dispersions]


def test_the_county_table_by_hand(zhangdian, django_assert_num_queries):
    small_county(zhangdian)
    with django_assert_num_queries(2):  # the statistics, the mixed schools' grade rows
        result = evaluate(zhangdian.pk, 2025)
    primary, junior = result.levels
    # Sections: 丁 (1,000 students, 5,400 m² of teaching rooms, 9,000 m² of sports ground) has
    # 600 in grades 1–6 and 400 in 7–9; its resources are shared by students, so both sections
    # have 5.4 m² and 9.0 m² per student. 戊 has no grade rows: not judged.
    assert [(v.section.name, v.section.students) for v in primary.verdicts] == [
        ("甲小学", 400),
        ("乙小学", 600),
        ("丁九年一贯制学校", 600),
    ]
    assert [(v.section.name, v.section.students) for v in junior.verdicts] == [
        ("丙初中", 800),
        ("丁九年一贯制学校", 400),
    ]
    assert result.unjudged == ["戊九年一贯制学校（" + result.unjudged[0].split("（")[1]]
    # 小学 生均教学及辅助用房面积: P = 400, 600, 600; X = 5.0, 4.0, 5.4
    #   X̄ = (2,000 + 2,400 + 3,240) / 1,600 = 4.775
    #   Σ P(X − X̄)² = 400 × 0.225² + 600 × 0.775² + 600 × 0.625² = 20.25 + 360.375 + 234.375 = 615
    #   S = √(615 / 1,600) = 0.620; CV = 0.620 / 4.775 = 0.130
    # 小学 生均体育运动场馆面积: X = 8.0, 7.5, 9.0; X̄ = 13,100 / 1,600 = 8.1875
    #   Σ P(X − X̄)² = 14.06 + 281.53 + 398.44 = 694.03; S = 0.659; CV = 0.080
    # the other five are the same per student in every school: CV 0.000
    assert _table(primary) == [
        ("teachers_above_standard", 0.0, True),
        ("backbone_teachers", 0.0, True),
        ("pe_art_teachers", 0.0, True),
        ("teaching_area", 0.130, True),
        ("sports_area", 0.080, True),
        ("equipment_value", 0.0, True),
        ("multimedia_classrooms", 0.0, True),
    ]
    # 初中 生均教学及辅助用房面积: P = 800, 400; X = 8.0, 5.4; X̄ = 8,560 / 1,200 = 7.133
    #   Σ P(X − X̄)² = 800 × 0.8667² + 400 × 1.7333² = 600.9 + 1,201.8 = 1,802.7
    #   S = √(1,802.7 / 1,200) = 1.226; CV = 1.226 / 7.133 = 0.172
    teaching = junior.dispersions[3]
    assert (round(teaching.mean, 3), round(teaching.sd, 3), round(teaching.cv, 3)) == (
        7.133,
        1.226,
        0.172,
    )
    # 丁's junior section: 5.4 m² < 5.8 (93%) and 9.0 m² < 10.2 (88%): 5 of 7, below the rule
    assert [v.section.name for v in junior.failing] == ["丁九年一贯制学校"]
    shortfalls = junior.failing[0].shortfalls
    assert [(s.indicator.key, round(s.gap, 1)) for s in shortfalls] == [
        ("teaching_area", 0.4),
        ("sports_area", 1.2),
    ]
    assert primary.passes and not junior.passes and not result.passes
    # the school weighing most on the junior 差异系数 of teaching rooms: 丁 (1,201.8 of 1,802.7)
    assert teaching.leading[0][0].name == "丁九年一贯制学校"
    assert round(teaching.leading[0][1], 1) == 66.7


def test_the_standing_names_the_gaps(zhangdian):
    small_county(zhangdian)
    evaluation = evaluate_county("balanced", zhangdian, 2025)
    assert evaluation.standing == "gaps"
    assert "初中1所学校资源配置未达标" in evaluation.gaps
    assert "24项评估内容未评估" in evaluation.gaps
    assert evaluation.standard.version == "2017"


def test_many_counties_cost_the_same_queries_as_one(zhangdian, zichuan, django_assert_num_queries):
    small_county(zhangdian)
    small_county(zichuan)
    with django_assert_num_queries(2):
        results = evaluate_many([zhangdian.pk, zichuan.pk], 2025)
    assert round(results[zichuan.pk].levels[0].dispersions[3].cv, 3) == 0.130


def test_a_year_without_statistics_has_no_levels(zhangdian):
    small_county(zhangdian)
    assert evaluate(zhangdian.pk, 2019).levels == []


def test_the_city_summary_in_sql_gives_the_same_numbers(zhangdian, zichuan):
    small_county(zhangdian)
    small_county(zichuan)
    full = evaluate_many([zhangdian.pk, zichuan.pk], 2025)
    summaries = balanced.summaries([zhangdian.pk, zichuan.pk], 2025)
    for district in (zhangdian.pk, zichuan.pk):
        for level, summary in zip(full[district].levels, summaries[district], strict=True):
            assert (summary.level, summary.schools, summary.failing_count) == (
                level.level,
                level.schools,
                level.failing_count,
            )
            for a, b in zip(level.dispersions, summary.dispersions, strict=True):
                assert b.cv == pytest.approx(a.cv, abs=1e-9)
                assert b.mean == pytest.approx(a.mean)


def test_the_city_summary_by_hand_in_one_query(zhangdian, zichuan, django_assert_num_queries):
    """The page of all counties: the same 差异系数 as the per-school computation of the county
    table above (3 decimals), from one SQL aggregate whatever the number of counties."""
    small_county(zhangdian)
    small_county(zichuan)
    with django_assert_num_queries(1):
        found = balanced.summaries([zhangdian.pk, zichuan.pk], 2025)
    primary, junior = found[zhangdian.pk]
    # 小学 teaching rooms: Σ P = 1,600; Σ R = 2,000 + 2,400 + 3,240 = 7,640 (丁's 600 of its
    #   1,000 students get 60% of its 5,400 m²); Σ R²/P = 10,000 + 9,600 + 3,240²/600 (17,496)
    #   = 37,096; X̄ = 4.775; S² = 37,096 / 1,600 − 4.775² = 23.185 − 22.800625 = 0.384375
    #   S = 0.620; CV = 0.130 (the county table's figure)
    teaching = primary.dispersions[3]
    assert (round(teaching.mean, 3), round(teaching.sd, 3), round(teaching.cv, 3)) == (
        4.775,
        0.620,
        0.130,
    )
    assert round(primary.dispersions[4].cv, 3) == 0.080
    assert round(junior.dispersions[3].cv, 3) == 0.172
    assert (primary.schools, primary.failing_count, junior.schools, junior.failing_count) == (
        3,
        0,
        2,
        1,
    )
    full = evaluate(zhangdian.pk, 2025)
    for by_school, by_sums in zip(full.levels, (primary, junior), strict=True):
        assert [round(d.cv, 3) for d in by_school.dispersions] == [
            round(d.cv, 3) for d in by_sums.dispersions
        ]


def test_a_blank_field_leaves_the_school_out_of_that_coefficient_only(zhangdian):
    schools = small_county(zhangdian)
    stats = schools["乙小学"]
    stats.sports_area = None  # not reported
    stats.save()
    full = evaluate(zhangdian.pk, 2025).levels[0]
    summary = balanced.summaries([zhangdian.pk], 2025)[zhangdian.pk][0]
    sports, teaching = summary.dispersions[4], summary.dispersions[3]
    # 小学 sports ground without 乙: P = 400, 600 (丁); X = 8.0, 9.0; X̄ = 8.6
    #   S² = (400 × 0.36 + 600 × 0.16) / 1,000 = 0.24; S = 0.490; CV = 0.057
    assert (sports.schools, round(sports.mean, 3), round(sports.cv, 3)) == (2, 8.6, 0.057)
    assert (teaching.schools, round(teaching.cv, 3)) == (3, 0.130)
    assert round(full.dispersions[4].cv, 3) == 0.057 and full.dispersions[4].schools == 2
    # 乙 now meets 5 of 7 (teaching rooms 4.0 < 4.5 too): below the rule in both computations
    assert summary.failing_count == full.failing_count == 1
