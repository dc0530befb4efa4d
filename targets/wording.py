"""Reading the numbers a plan sentence states, so a target's value can be checked against it.

The plan writes values as arabic numerals (55%, 1000人), as small Chinese numerals (一所, 家访一次)
and, for a few targets, as words: 全覆盖 / 所有 / 全部 / 校校 / 全面实现 mean every unit (100%),
不低于或高于 means at least the reference (100%), and 只增不减 means no decrease (a change ≥ 0).
"""

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
_WORDS = {
    "全覆盖": Decimal(100),
    "所有": Decimal(100),
    "全部": Decimal(100),
    "校校": Decimal(100),
    "全面实现": Decimal(100),
    "不低于或高于": Decimal(100),
    "只增不减": Decimal(0),
}


def numbers_in(wording: str) -> set[Decimal]:
    """Every value the wording states, e.g. "每5所幼儿园配备1名" -> {5, 1}."""
    found = {Decimal(match) for match in _ARABIC.findall(wording)}
    found |= {Decimal(_CHINESE_NUMERALS[c]) for c in _CHINESE_NUMBER.findall(wording)}
    found |= {value for word, value in _WORDS.items() if word in wording}
    return found
