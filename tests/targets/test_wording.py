from decimal import Decimal

import pytest

from targets.wording import numbers_in


@pytest.mark.parametrize(
    ("wording", "numbers"),
    [
        ("55%", {55}),
        ("95%以上", {95}),
        ("每5所幼儿园配备1名", {5, 1}),
        ("至少建成一所", {1}),
        ("每名学生每年家访一次", {1}),
        ("10个左右的高职专业群", {10}),
        ("2022年年底前", {2022}),
        ("全覆盖", {100}),
        ("所有中小学校达到智慧校园建设标准", {100}),
        ("逐年只增不减", {0}),
        ("不低于或高于", {100}),
        ("年均增长10%左右", {10}),
        ("构建全学段一体化思政工作体系", set()),
    ],
)
def test_numbers_in_reads_the_plans_wording(wording, numbers):
    assert numbers_in(wording) == {Decimal(n) for n in numbers}


def test_chinese_numeral_needs_a_measure_word():
    """一体化 and 一批 state no value; 一所 and 三年 do."""
    assert numbers_in("推出一批德育精品课") == set()
    assert numbers_in("力争在三年内形成") == {Decimal(3)}


@pytest.mark.parametrize(
    ("wording", "numbers"),
    [
        ("让每位学生掌握1—2项运动技能", {1, 2}),
        ("超过1000人规模的学校必须配备专职教师", {1000, 100}),
        ("万兆到县", {100}),
        ("千兆到校", {100}),
        ("百兆到班", {100}),
    ],
)
def test_ranges_and_words_for_every_unit(wording, numbers):
    assert numbers_in(wording) == {Decimal(n) for n in numbers}


def test_deadlines_are_read_as_years_or_relative_to_the_issue_date():
    import datetime

    from targets.wording import deadlines_in

    issued = datetime.date(2022, 4, 26)
    assert deadlines_in("2022年年底前", issued) == {2022}
    assert deadlines_in("力争在三年内形成", issued) == {2025}
    assert deadlines_in("两年内", issued) == {2024}
    assert deadlines_in("全覆盖", issued) == set()
