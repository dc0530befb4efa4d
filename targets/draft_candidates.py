"""Candidate targets in a plan's sentences and in its 主要指标 table, each with its rule.

A rule is a name, the kind of target it proposes, a pattern and a builder that reads the match
into a `Candidate` (value, comparator, unit, deadline). Where two rules match overlapping words
the earlier one wins. Every candidate says why it was taken: the rule's name and the words it
matched (`why`), so a reviewer can trust or delete it quickly.

What is not proposed:
- past results: a sentence that opens on the previous period (“十三五”期间/以来, 截至…, 目前) or
  states only years before the plan's start (2020年，全市…达到…), and a clause saying it is
  already so (已有3个区县…, 已建成…);
- a value dated outside the plan's years (展望2035年);
- a number that says who, not how many: 56人以上大班额, 超过1000人规模的学校 (the clause's 必须
  is the target);
- a deadline whose clause holds a value: “到2024年，建成12所”, “三年内实现…全覆盖” are one
  target each, the value with that deadline.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from targets.plan_tables import Row, Table
from targets.wording import deadlines_in

_NUM = r"\d+(?:\.\d+)?"
_RANGE_DASH = "—–~～\\-至"
# A number or a range of them, "1—2", "3至5": a range states its low end as the least asked.
_AMOUNT = rf"{_NUM}(?:[{_RANGE_DASH}]{_NUM})?"
_CN_DIGITS = "一两二三四五六七八九十"
_CN_ONE = rf"[{_CN_DIGITS}]"
_CN_RANGE = rf"{_CN_ONE}[{_RANGE_DASH}到]{_CN_ONE}"
_CN_VALUES = dict(zip(_CN_DIGITS, (1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10), strict=True))
_MEASURE = "个所名项场次家人课时门类万元元亿元间平方米处座支"

# The deadlines a sentence states, in the order they stand.
_DEADLINE = re.compile(
    rf"到(\d{{4}})年|(\d{{4}})年(?:年底|年末|底|末)?(?:前|以前)|(?<!\d)(\d{{1,2}}|{_CN_ONE})年内"
)
_BY_YEAR = re.compile(r"到(\d{4})年")
_PAST_OPENING = re.compile(
    r"^(?:在|自|从)?(?:“?十[一二三]五”?(?:期间|以来|时期|末)|过去五年|五年来|近年来|近五年|截至|截止|目前|现有)"
)
_YEAR = re.compile(r"(?<!\d)(\d{4})年")
_ALREADY = re.compile(r"已(?:经)?(?:有|建成|建|实现|达到|完成|通过|基本|全部|累计)?")


@dataclass
class Candidate:
    """A value phrase in a sentence, or a table row, that may be a quantitative target."""

    kind: str
    value_text: str
    start: int
    rule: str = ""
    value: Decimal | None = None
    comparator: str = ""
    unit: str = ""
    direction: str = ""
    every_year: bool = False
    per_units: int = 1
    deadline_year: int | None = None
    # a deadline counted from the issue date (三年内): the year, or None until the date is known
    relative_deadline: bool = False
    doubt: str = ""
    doubt_reading: str = ""
    binding: str = ""  # "binding" (约束性), "expected" (预期性), "" (not stated)
    name: str = ""  # a table row names its indicator; a sentence's is read around the value
    baseline: Decimal | None = None
    baseline_year: int | None = None

    @property
    def why(self) -> str:
        """The rule that took it and the words it matched."""
        return f"{self.rule}: “{self.value_text}”"


@dataclass
class _Context:
    sentence: str
    match: re.Match
    deadline: int | None
    relative: bool = False

    @property
    def text(self) -> str:
        return self.match.group(0)

    @property
    def before(self) -> str:
        return self.sentence[: self.match.start()]

    @property
    def after(self) -> str:
        return self.sentence[self.match.end() :]


Builder = Callable[[_Context], Candidate | None]


def _make(kind: str, ctx: _Context, **values) -> Candidate:
    return Candidate(kind, ctx.text, ctx.match.start(), deadline_year=ctx.deadline, **values)


def _annual_change(ctx: _Context) -> Candidate:
    text = ctx.text
    down = any(word in text for word in ("降低", "减少", "下降"))
    value = Decimal(0) if "只增不减" in text else _first_arabic(text)
    return _make(
        "annual_change",
        ctx,
        value=value,
        comparator="about" if "左右" in text else "gte",
        unit="百分点" if "百分点" in text else ("%" if "%" in text else ""),
        direction="decrease" if down else "increase",
        every_year=True,
    )


def _milestone(ctx: _Context) -> Candidate:
    return Candidate(
        "milestone",
        ctx.text,
        ctx.match.start(),
        deadline_year=ctx.deadline,
        relative_deadline=ctx.relative,
    )


def _unit_ratio(ctx: _Context) -> Candidate | None:
    text = ctx.text
    numbers = [Decimal(n) for n in re.findall(_NUM, _low_ends(text))] or [
        Decimal(_CN_VALUES[c]) for c in re.findall(_CN_ONE, text[-3:])
    ]
    if not numbers:
        return None
    return _make(
        "unit_ratio",
        ctx,
        value=numbers[-1],
        comparator="gte",
        unit=_measure(text),
        per_units=int(numbers[0]) if len(numbers) > 1 and text.startswith("每") else 1,
        every_year="每年" in text,
    )


def _at_least(ctx: _Context) -> Candidate | None:
    value = _amount(ctx.match.group(1))
    if value is None:
        return None
    return _make(
        "district_minimum" if "区县" in ctx.before[-12:] else "unit_ratio",
        ctx,
        value=value,
        comparator="gte",
        unit=_measure(ctx.text),
        every_year=ctx.text.startswith("每年"),
    )


def _rate(ctx: _Context) -> Candidate:
    text = ctx.text
    comparator = "gte"
    if text.startswith(("超过", "高于")):
        comparator = "gt"
    elif "以下" in text or text.startswith("低于") or re.search("控制在$", ctx.before):
        comparator = "lte"
    elif "左右" in text:
        comparator = "about"
    after = ctx.after[:3]
    return _make(
        "district_share" if after.startswith("的区县") or "区县" in after else "rate",
        ctx,
        value=Decimal(ctx.match.group(1)),
        comparator=comparator,
        unit="%",
    )


_SKIP_COUNT_AFTER = re.compile(r"[《“\"A-Za-z]$")
# 56人以上大班额, 1000人以上规模的学校: a number of people says which ones, not how many
# (10所以上涵盖…的特色高中 is a count).
_QUALIFIER = re.compile(r"(?:以上|以下)$")
_WORD_NEXT = re.compile(r"^(?:规模)?的?[\u4e00-\u9fff]")


def _count(ctx: _Context) -> Candidate | None:
    amount = ctx.match.group(1)
    if _SKIP_COUNT_AFTER.search(ctx.before):
        return None  # a title in quotes, 5G / IPv6
    if ctx.match.group(2) == "人" and _QUALIFIER.search(ctx.text) and _WORD_NEXT.match(ctx.after):
        return None
    return _make(
        "count",
        ctx,
        value=_amount(amount),
        comparator="about" if "左右" in ctx.text else "gte",
        unit=ctx.match.group(2),
        every_year=ctx.text.startswith("每年"),
    )


def _every(ctx: _Context) -> Candidate:
    """The plan's words for every unit (全覆盖 …) or for "at least the reference"; 万兆到县
    reaches every county: a share of districts."""
    return _make(
        "district_share" if ctx.text == "万兆到县" else "rate",
        ctx,
        value=Decimal(100),
        comparator="gte",
        unit="%",
    )


# (name, pattern, builder); earlier rules win where two phrases overlap.
RULES: list[tuple[str, re.Pattern, Builder]] = [
    (
        "yearly change (每年/年均…)",
        re.compile(
            rf"(?:每年|逐年|年均)(?:降低|减少|下降|提高|增长|增加|提升)?(?:不少于|不低于|至少)?"
            rf"{_NUM}(?:个百分点|%)(?:左右|以上)?"
        ),
        _annual_change,
    ),
    ("no decrease (只增不减)", re.compile(r"逐年只增不减|只增不减"), _annual_change),
    (
        "dated deadline (…年底前)",
        re.compile(r"(\d{4})年(?:年底|年末|底|末)?(?:前|以前)"),
        _milestone,
    ),
    (
        "deadline from the issue date (N年内)",
        re.compile(rf"(?<!\d)(?:\d{{1,2}}|{_CN_ONE})年内"),
        _milestone,
    ),
    # 必须 binds every unit the clause names: "超过1000人规模的学校必须配备专职教师" (the 1000人
    # is who, not a count), so it is read before the counts.
    (
        "must (必须)",
        re.compile(r"[^,。;，；、]{0,16}必须[^,。;，；、\d%]{1,20}(?=[,。;，；、]|$)"),
        _every,
    ),
    (
        "per N units (每N所…配备M名)",
        re.compile(
            rf"每(\d+)(?:所|个|名)[^,。;，；、]{{1,10}}?(?:配备|建有|建成|设置)({_AMOUNT}|{_CN_ONE})"
            rf"(?:名|个|所)"
        ),
        _unit_ratio,
    ),
    (
        "per unit per period (每名…每年…)",
        re.compile(
            rf"每(?:名|个|位)?[^,。;，；、每]{{1,6}}每(?:年|学期|周)[^,。;，；、\d]{{1,4}}"
            rf"({_AMOUNT}|{_CN_ONE})(?:次|项|名|个)"
        ),
        _unit_ratio,
    ),
    # what every one person or school is to have: 每位学生掌握1—2项运动技能, 每所中小学建设1个…
    (
        "per person or school (每位/每所…)",
        re.compile(
            rf"每(?:位|名|所)[^,。;，；、\d每]{{1,8}}?({_AMOUNT}|{_CN_ONE})(?:项|门|种|次|个)"
        ),
        _unit_ratio,
    ),
    (
        "at least (至少/不少于)",
        re.compile(
            rf"(?:每(?:周|年|学期|月))?(?:至少|不少于|不低于)[^,。;，；、\d{_CN_DIGITS}]{{0,6}}"
            rf"({_AMOUNT}|{_CN_ONE})(?:个|所|名|项|课时|学时|次|门|家|场|处)"
        ),
        _at_least,
    ),
    (
        "percentage",
        re.compile(rf"(?:超过|不低于|不少于|高于|低于|力争)?({_NUM})%(?:以上|左右|以下)?"),
        _rate,
    ),
    (
        "number of things",
        re.compile(
            rf"(?:每年[^,。;，；、\d]{{0,4}})?({_AMOUNT}|{_CN_RANGE})(学时|[{_MEASURE}])(?:以上|以下|左右)?"
        ),
        _count,
    ),
    ("every unit (全覆盖…)", re.compile(r"全覆盖|不低于或高于|万兆到县|千兆到校|百兆到班"), _every),
    (
        "all (所有/全部…)",
        re.compile(r"(?:所有|校校|全面实现)[^,。;，；、]{1,20}|全部[^,。;，；、]{1,8}"),
        _every,
    ),
]


def find_candidates(
    sentence: str,
    end_year: int,
    issued_on: datetime.date | None = None,
    *,
    start_year: int | None = None,
    lossy: bool = False,
) -> list[Candidate]:
    """The value phrases of one sentence that may be targets, in the order they stand.
    `issued_on` dates the deadlines counted from the issue date (三年内); `start_year` tells
    past results from targets; `lossy` says the text lost characters in transcription (a
    two-digit count may then be a range whose dash was lost)."""
    start_year = start_year or end_year - 4
    if _outside(sentence, start_year, end_year):
        return []
    deadlines = _deadlines(sentence, issued_on)
    found = list(_matches(sentence, deadlines, end_year, lossy))
    found = _without_dating_milestones(found, deadlines)
    return sorted(
        (c for c in found if c.deadline_year is None or start_year <= c.deadline_year <= end_year),
        key=lambda c: c.start,
    )


def _matches(
    sentence: str, deadlines: list[tuple[int, int | None, bool]], end_year: int, lossy: bool
) -> Iterator[Candidate]:
    """Each rule's candidates, in the rules' order, where no earlier rule took the words."""
    taken: list[tuple[int, int]] = []
    for name, pattern, build in RULES:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken) or _already(sentence, start):
                continue
            candidate = build(_context(sentence, match, deadlines, end_year))
            if candidate is None:
                continue
            candidate.rule = name
            _read_doubt(candidate, lossy)
            taken.append((start, end))
            yield candidate


def _context(
    sentence: str, match: re.Match, deadlines: list[tuple[int, int | None, bool]], end_year: int
) -> _Context:
    """A milestone's deadline is its own; a value's is the nearest one stated before it in the
    sentence, else the last 到…年 of the sentence, else the plan's end."""
    if own := next(((y, r) for at, y, r in deadlines if at == match.start()), None):
        return _Context(sentence, match, own[0], own[1])
    before = [y for at, y, _r in deadlines if at < match.start() and y is not None]
    if before:
        return _Context(sentence, match, before[-1])
    years = _BY_YEAR.findall(sentence)
    return _Context(sentence, match, int(years[-1]) if years else end_year)


def _deadlines(
    sentence: str, issued_on: datetime.date | None
) -> list[tuple[int, int | None, bool]]:
    """(where, year, counted from the issue date) for each deadline the sentence states."""
    found = []
    for match in _DEADLINE.finditer(sentence):
        if match.group(3):
            within = deadlines_in(match.group(0), issued_on) if issued_on else set()
            found.append((match.start(), within.pop() if len(within) == 1 else None, True))
        else:
            year = int(match.group(1) or match.group(2))
            start = match.start() if match.group(2) else match.start(1) - 1
            found.append((start, year, False))
    return found


def _without_dating_milestones(
    found: list[Candidate], deadlines: list[tuple[int, int | None, bool]]
) -> list[Candidate]:
    """A deadline followed, before the next deadline, by a value in the same sentence dates that
    value ("到2024年，力争建成12所…", "三年内实现…全覆盖"): it is not a target of its own."""
    starts = sorted(at for at, _y, _r in deadlines)
    kept = []
    for candidate in found:
        if candidate.kind == "milestone":
            later = [at for at in starts if at > candidate.start]
            until = later[0] if later else 10**6
            if any(
                other.kind != "milestone" and candidate.start < other.start < until
                for other in found
            ):
                continue
        kept.append(candidate)
    return kept


def _outside(sentence: str, start_year: int, end_year: int) -> bool:
    """A sentence about the previous period (it opens on it, or its only years are past), or
    about a time after the plan (展望2035年: its only years are later)."""
    if _PAST_OPENING.match(sentence.strip()):
        return True
    years = [int(y) for y in _YEAR.findall(sentence)]
    return bool(years) and (max(years) < start_year or min(years) > end_year)


def _already(sentence: str, start: int) -> bool:
    """已 in the value's own clause before it: 已有3个区县通过…, 已建成…"""
    clause = re.split(r"[,，;；。]", sentence[:start])[-1]
    return bool(_ALREADY.search(clause))


def _amount(text: str) -> Decimal | None:
    """ "5—8" -> 5, "两至三" -> 2, "一" -> 1: a range asks for at least its low end."""
    if match := re.match(_NUM, text):
        return Decimal(match.group(0))
    if text and text[0] in _CN_VALUES:
        return Decimal(_CN_VALUES[text[0]])
    return None


def _low_ends(text: str) -> str:
    """ "掌握1—2项" -> "掌握1项": a range asks for at least its low end."""
    return re.sub(rf"({_NUM})[{_RANGE_DASH}]{_NUM}", r"\1", text)


def _first_arabic(text: str) -> Decimal | None:
    match = re.search(_NUM, text)
    return Decimal(match.group(0)) if match else None


def _measure(text: str) -> str:
    match = re.search(rf"(?:{_NUM}|{_CN_ONE})(课时|学时|[{_MEASURE}])", text)
    return match.group(1) if match else ""


# Doubtful numbers -------------------------------------------------------------------------------

# A two-digit number of things whose digits rise by a little, "12项", "68个": possibly a range
# "1—2项" whose dash was lost in transcription.
_LOST_DASH = re.compile(
    rf"(?<![\d.{_RANGE_DASH}])([1-9])([1-9])(?![\d.%{_RANGE_DASH}])([{_MEASURE}])"
)
# Where a printed number of that kind cannot be meant: what every single person is to have.
_PER_PERSON = re.compile(r"^每(?:位|名)")


def _read_doubt(candidate: Candidate, lossy: bool) -> None:
    """Marks a number that may be a range with its dash lost. Per person (每位学生掌握12项) the
    printed number cannot be meant: the range is the likely reading and its low end the value.
    Otherwise (建成12所) only a text that lost characters in transcription (`lossy`) makes the
    printed number doubtful; in a clean document 12所 and 67所 are counts."""
    if candidate.kind == "milestone":
        return
    match = next(
        (m for m in _LOST_DASH.finditer(candidate.value_text) if 0 < int(m[2]) - int(m[1]) <= 3),
        None,
    )
    if match is None:
        return
    low, high, measure = match.groups()
    printed, ranged = f"{low}{high}{measure}", f"{low}—{high}{measure}"
    if _PER_PERSON.match(candidate.value_text):
        candidate.doubt_reading = candidate.value_text.replace(printed, ranged, 1)
        candidate.value = Decimal(low)
        candidate.doubt = (
            f"原文作“{printed}”，按常理应为“{ranged}”（连接号可能在转录中丢失），"
            f"暂按“{ranged}”计（至少{low}{measure}），请对照正式文件核实。"
        )
    elif lossy and candidate.value == Decimal(low + high):
        candidate.doubt = (
            f"原文作“{printed}”，也可能是“{ranged}”（连接号可能在转录中丢失），"
            f"暂按{low}{high}{measure}计，请对照正式文件核实。"
        )


# The 主要指标 table -------------------------------------------------------------------------------

_BINDING = {"约束性": "binding", "约束": "binding", "预期性": "expected", "预期": "expected"}
_TABLE_VALUE = re.compile(rf"({_NUM})")
_CHANGE_NAME = re.compile(r"年均|每年|逐年")


def row_candidates(table: Table, end_year: int) -> list[tuple[str, Candidate]]:
    """(the row's line, its candidate) for each row whose target cell holds a number; the
    kind is read from the unit and the name."""
    found = []
    for row in table.rows:
        value = _table_number(row.target)
        if value is not None:
            found.append((row.line, _row_candidate(row, value, table, end_year)))
    return found


def _row_candidate(row: Row, value: Decimal, table: Table, end_year: int) -> Candidate:
    baseline = _table_number(row.baseline)
    kind, direction, unit = "count", "", row.unit
    if _CHANGE_NAME.search(row.name):
        kind = "annual_change"
        direction = "decrease" if re.search("降低|下降|减少", row.name) else "increase"
    elif row.unit == "%":
        kind = "rate"
    return Candidate(
        kind,
        row.target,
        0,
        rule=f"主要指标 table row “{row.name}”",
        value=value,
        comparator=_table_comparator(row.target, value, baseline, kind),
        unit=unit,
        direction=direction,
        every_year=kind == "annual_change",
        deadline_year=table.target_year or end_year,
        binding=next((v for k, v in _BINDING.items() if k in row.attribute), ""),
        name=row.name,
        baseline=baseline,
        baseline_year=table.baseline_year,
    )


def _table_number(cell: str) -> Decimal | None:
    match = _TABLE_VALUE.search(cell)
    if not match:
        return None
    try:
        return Decimal(match.group(1))
    except InvalidOperation:
        return None


def _table_comparator(cell: str, value: Decimal, baseline: Decimal | None, kind: str) -> str:
    if re.search("≥|不低于|不少于|以上", cell):
        return "gte"
    if re.search("≤|不高于|以下|以内", cell):
        return "lte"
    if re.search("[>＞]|超过", cell):
        return "gt"
    if re.search("[<＜]", cell):
        return "lt"
    if re.search("左右|约", cell):
        return "about"
    if kind != "annual_change" and baseline is not None and value < baseline:
        return "lte"  # 大班额比例 3.2 → 0: a measure to bring down
    return "gte"
