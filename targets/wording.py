"""Reading the numbers a plan sentence states, so a target's value can be checked against it.

The plan writes values as arabic numerals (55%, 1000人), as small Chinese numerals (一所, 家访一次)
and, for a few targets, as words: 全覆盖 / 所有 / 全部 / 校校 / 全面实现 / 必须 mean every unit
(100%), 不低于或高于 means at least the reference (100%), 万兆到县 / 千兆到校 / 百兆到班 mean every
county, school or class reached (100%), and 只增不减 means no decrease (a change ≥ 0). A range
(1—2项, 两至三项) states both its ends.

Deadlines are stated as a year (2022年年底前) or relative to the plan's issue date (三年内: by
the end of the year three years after it).
"""

import datetime
import re
from decimal import Decimal

_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_NUMERALS = dict(
    zip("一两二三四五六七八九十", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10), strict=True)
)
# A lone numeral before a measure word: 一所, 一个, 一次, 三年 (not the 一 of 一体化).
_CHINESE_NUMBER = re.compile(
    r"(?<![一两二三四五六七八九十])([一两二三四五六七八九十])(?=[所个名次项年])"
)
# A range in Chinese numerals: 两至三项 states 2 and 3 (its low end is the value asked).
_CHINESE_RANGE = re.compile(
    r"([一两二三四五六七八九十])[至到—–~～-]([一两二三四五六七八九十])(?=[所个名次项年门种])"
)
_WORDS = {
    "全覆盖": Decimal(100),
    "所有": Decimal(100),
    "全部": Decimal(100),
    "校校": Decimal(100),
    "全面实现": Decimal(100),
    "必须": Decimal(100),
    "万兆到县": Decimal(100),
    "千兆到校": Decimal(100),
    "百兆到班": Decimal(100),
    "不低于或高于": Decimal(100),
    "只增不减": Decimal(0),
}
_YEAR = re.compile(r"(20\d\d)年")
# 三年内, 3年内, 两年内: within so many years of the plan's issue date.
_WITHIN_YEARS = re.compile(r"(\d+|[一两二三四五六七八九十])年内")


def numbers_in(wording: str) -> set[Decimal]:
    """Every value the wording states, e.g. "每5所幼儿园配备1名" -> {5, 1}, "1—2项" -> {1, 2},
    "两至三项" -> {2, 3}."""
    found = {Decimal(match) for match in _ARABIC.findall(wording)}
    found |= {Decimal(_CHINESE_NUMERALS[c]) for c in _CHINESE_NUMBER.findall(wording)}
    for low, high in _CHINESE_RANGE.findall(wording):
        found |= {Decimal(_CHINESE_NUMERALS[low]), Decimal(_CHINESE_NUMERALS[high])}
    found |= {value for word, value in _WORDS.items() if word in wording}
    return found


def deadlines_in(wording: str, issued_on: datetime.date) -> set[int]:
    """The deadline years the wording states: "2022年年底前" -> {2022}; "三年内" from a plan
    issued on 2022-04-26 -> {2025} (three years after the issue date fall in 2025)."""
    years = {int(year) for year in _YEAR.findall(wording)}
    for span in _WITHIN_YEARS.findall(wording):
        count = int(span) if span.isdigit() else _CHINESE_NUMERALS[span]
        years.add(issued_on.year + count)
    return years
