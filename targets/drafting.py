"""Drafting a plan file from the plan's own text: text → draft structure → YAML for `load_plan`.

A plan document is read paragraph by paragraph (.txt lines or .docx paragraphs):

- the title (the short line naming the 规划 before the first chapter), the document number and the
  date it was issued, the preamble;
- chapters 一、二、三、…: a chapter whose sections (一)(二)… hold numbered tasks (1. 2. …) gives one
  part of key tasks per section; a chapter whose sections are themselves items ending in
  departments gives one implementation part whose tasks are those items; any other section is an
  overall part with its text;
- each task: its title (up to the first 。), its text, and the departments in the bracket that
  ends it, "(市教育局、市发展改革委负责)", in order: the first one named leads;
- candidate targets: the value phrases the wording rules find in each task sentence (percentages,
  numbers of things and ranges of them (1—2项, the low end), yearly changes, deadlines as a year or
  counted from the issue date (三年内), and the plan's words for "every unit": 全覆盖, 所有, 必须,
  万兆到县/千兆到校/百兆到班 …), each guessed a kind, comparator, value and deadline and marked
  `confirm: true` with a note. A candidate entered as numerator and denominator carries a guessed
  `numerator_may_exceed` (true only for a 配比 such as 每5所幼儿园配备1名). A two-digit number
  that may be a range whose dash was lost (12项 for 1—2项) carries a `doubt`; where the printed
  number cannot be meant (12 skills for every student) also the likely `doubt_reading`, whose low
  end is the value. Nothing is loaded until a person has checked each one and deleted its
  `confirm` line: `load_plan` refuses a file that still holds one.

What cannot be told from the text (department and district short codes, numerator and denominator
labels) is taken from the city's rows already in the database where there are some, and otherwise
left for the person to fill, with a note; the header of the YAML lists every such note.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from plans.models import Part, Plan, Task, TaskDepartment
from targets.loading import PlanFileError, load_plan_file, task_code
from targets.models import Target
from targets.wording import deadlines_in, numbers_in

CHINESE_ORDINALS = "一二三四五六七八九十"
_CN = "一二三四五六七八九十"

_CHAPTER = re.compile(rf"^([{_CN}]+)、\s*(.+)$")
_SECTION = re.compile(rf"^[(（]([{_CN}]+)[)）]\s*(.+)$")
_NUMBERED = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
# The bracket that closes a task: "(市教育局、市科技局负责)",
# possibly "(…负责,列第一位的为牵头部门,下同)".
_WEB_DEBRIS = r"(?:资料下载|_|十[一二三四五六七八九]?五)+"
_DEPARTMENTS = re.compile(
    rf"[(（]([^()（）]*?)负责[^()（）]*[)）]\s*(?P<debris>{_WEB_DEBRIS})?\s*$"
)
_DOCUMENT_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,8}[发函字])\s*〔?\s*(\d{4})\s*〕?\s*(\d{1,4})\s*号"
)
_ISSUED_ON = re.compile(r"(\d{4})\s*年?\s*(\d{1,4})\s*月?\s*(\d{0,2})\s*日")
_FIVE_YEAR = re.compile(rf"“?十([{_CN}])五”?")
_BY_YEAR = re.compile(r"到(\d{4})年")
# Scraped pages leave tags of the site after a heading ("…保障水平十四五", "…资料下载").
_HEADING_DEBRIS = re.compile(rf"{_WEB_DEBRIS}$")
# Mojibake from a bad conversion: pinyin with tone marks, private-use characters, |, an ASCII !
# in Chinese prose, or a lone Latin letter between Chinese characters ("茖W管").
_GARBLED = re.compile(
    r"[\u00c0-\u024f\ue000-\uf8ff\ufffd|!]|[\u4e00-\u9fff][A-Za-z][\u4e00-\u9fff]"
)


@dataclass
class Candidate:
    """A value phrase in a task sentence that may be a quantitative target."""

    kind: str
    value_text: str
    start: int
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


@dataclass
class DraftTask:
    number: int
    title: str
    text: str = ""
    departments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftPart:
    code: str
    kind: str
    title: str
    text: str = ""
    tasks: list[DraftTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftPlan:
    title: str = ""
    document_number: str = ""
    issued_on: datetime.date | None = None
    start_year: int | None = None
    end_year: int | None = None
    preamble: str = ""
    parts: list[DraftPart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class DraftError(Exception):
    """The document cannot be drafted: it is unreadable or holds no plan structure."""


# Reading ---------------------------------------------------------------------------------------


def read_paragraphs(path: Path) -> list[str]:
    """The document's non-empty paragraphs, stripped: lines of a .txt, paragraphs of a .docx."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            import docx  # python-docx; imported here so the web process never loads it

            document = docx.Document(str(path))
            lines = [paragraph.text for paragraph in document.paragraphs]
        elif suffix == ".txt":
            raw = path.read_bytes()
            lines = _decode(raw).splitlines()
        else:
            raise DraftError(f"{path.name}: a plan document must be .txt or .docx")
    except DraftError:
        raise
    except Exception as error:  # a corrupt .docx raises zipfile, lxml or KeyError errors
        raise DraftError(f"{path.name}: cannot read the document ({error})") from None
    return [line.strip().replace("\u3000", " ").strip() for line in lines if line.strip()]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DraftError("cannot read the text: it is neither UTF-8, UTF-16 nor GBK")


# Structure -------------------------------------------------------------------------------------


def parse_plan(paragraphs: list[str]) -> DraftPlan:
    """The plan's structure: title, metadata, preamble, parts and tasks with departments."""
    plan = DraftPlan()
    first_chapter = next((i for i, p in enumerate(paragraphs) if _CHAPTER.match(p)), None)
    if first_chapter is None:
        raise DraftError("no chapter heading (一、…) found: is this a plan document?")
    head = paragraphs[:first_chapter]
    title_at = max(
        (i for i, p in enumerate(head) if "规划" in p and len(p) <= 60 and "。" not in p),
        default=None,
    )
    if title_at is None:
        plan.notes.append("no title line naming the 规划 was found before the first chapter")
        title_at = -1
    else:
        plan.title = head[title_at].strip("《》")
    plan.preamble = "\n".join(head[title_at + 1 :])
    _read_metadata(plan, head[: max(title_at, 0)] or head)

    chapter = ""
    chapter_title = ""
    section: DraftPart | None = None
    implementation: DraftPart | None = None
    task: DraftTask | None = None
    for paragraph in paragraphs[first_chapter:]:
        if match := _CHAPTER.match(paragraph):
            chapter, chapter_title = match.groups()
            section = implementation = task = None
            continue
        if match := _SECTION.match(paragraph):
            ordinal, rest = match.groups()
            title, body = _split_title(rest)
            if body or _DEPARTMENTS.search(rest):  # an item with its own text: a task
                if implementation is None:
                    implementation = DraftPart(chapter, "implementation", chapter_title)
                    plan.parts.append(implementation)
                task = DraftTask(_CN.index(ordinal[-1]) + 1, title)
                implementation.tasks.append(task)
                _add_text(task, body)
                section = None
                continue
            section = DraftPart(f"{chapter}({ordinal})", "overall", _clean_heading(title))
            if section.title != title:
                section.notes.append(
                    f"heading {title!r} ended in words of the web page: removed, check"
                )
            plan.parts.append(section)
            task = None
            continue
        if (match := _NUMBERED.match(paragraph)) and section is not None:
            number, rest = match.groups()
            title, body = _split_title(rest)
            section.kind = "key_tasks"
            task = DraftTask(int(number), title)
            section.tasks.append(task)
            _add_text(task, body)
            continue
        if task is not None and not task.departments:
            _add_text(task, paragraph)
        elif section is not None and not section.tasks:
            section.text = "\n".join(filter(None, [section.text, paragraph]))
        else:
            plan.notes.append(f"paragraph outside any part or task, left out: {paragraph[:40]}…")

    for part in plan.parts:
        if part.text and (garbled := _GARBLED.search(part.text)):
            part.notes.append(f"text looks garbled near {_around(part.text, garbled)!r}: check")
        for item in part.tasks:
            if not item.departments:
                item.notes.append("no bracket of departments (…负责) ends this task: add them")
            if garbled := _GARBLED.search(item.text):
                item.notes.append(f"text looks garbled near {_around(item.text, garbled)!r}: check")
    if not any(part.tasks for part in plan.parts):
        raise DraftError("no numbered tasks found under the chapters")
    _read_years(plan, paragraphs)
    return plan


def _split_title(rest: str) -> tuple[str, str]:
    """ "构建…体系。坚持…" -> ("构建…体系", "坚持…"); a heading without 。 is all title."""
    title, stop, body = rest.partition("。")
    return title.strip(), body.strip() if stop else ""


def _add_text(task: DraftTask, text: str) -> None:
    if match := _DEPARTMENTS.search(text):
        task.departments = [name.strip() for name in re.split(r"[、,，]", match.group(1))]
        task.departments = [name for name in task.departments if name]
        if match.group("debris"):
            task.notes.append(
                f"{match.group('debris')!r} after the departments taken as words of the web page"
            )
        text = text[: match.start()].rstrip()
    task.text = "\n".join(filter(None, [task.text, text]))


def _clean_heading(title: str) -> str:
    return _HEADING_DEBRIS.sub("", title).strip() or title


def _around(text: str, match: re.Match) -> str:
    return text[max(match.start() - 6, 0) : match.end() + 6]


def _read_metadata(plan: DraftPlan, head: list[str]) -> None:
    text = "\n".join(head)
    if match := _DOCUMENT_NUMBER.search(text):
        prefix, year, number = match.groups()
        plan.document_number = f"{prefix}〔{year}〕{number}号"
        if plan.document_number != match.group(0).replace(" ", ""):
            plan.notes.append(f"document number read from {match.group(0)!r}: check")
    for match in _ISSUED_ON.finditer(text):
        dates = _dates(*match.groups())
        if dates:
            plan.issued_on = dates[0]
            if len(dates) > 1 or "月" not in match.group(0):
                plan.notes.append(f"issue date read from {match.group(0)!r}: check")
            break


def _dates(year: str, month_day: str, day: str) -> list[datetime.date]:
    """ "2022","4","26" or a run with the 月 lost, "2022","426","" -> every date it can be."""
    splits = [(month_day, day)] if day else []
    if not day:
        splits = [(month_day[:i], month_day[i:]) for i in (1, 2) if 0 < i < len(month_day)]
    dates = []
    for month, day_of_month in splits:
        try:
            dates.append(datetime.date(int(year), int(month), int(day_of_month)))
        except ValueError:
            continue
    return dates


def _read_years(plan: DraftPlan, paragraphs: list[str]) -> None:
    """十四五 -> 2021–2025 (the third plan began in 1966, one every five years since)."""
    if match := _FIVE_YEAR.search(plan.title):
        start = 1966 + 5 * (_CN.index(match.group(1)) + 10 + 1 - 3)
        plan.start_year, plan.end_year = start, start + 4
        return
    years = sorted({int(y) for p in paragraphs for y in _BY_YEAR.findall(p)})
    if years:
        plan.end_year, plan.start_year = years[-1], years[-1] - 4
        plan.notes.append("the plan's years were guessed from its 到…年 deadlines: check")


# Candidate targets -----------------------------------------------------------------------------

_MEASURE = "个所名项场次家人课时门类万元元亿元间平方米"
_NUM = r"\d+(?:\.\d+)?"
_RANGE_DASH = "—–~～-"
# A number or a range of them, "1—2": a range states its low end as the least asked.
_AMOUNT = rf"{_NUM}(?:[{_RANGE_DASH}]{_NUM})?"
_CN_ONE = r"[一两二三四五六七八九十]"
# (kind, pattern); earlier rules win where two phrases overlap.
_RULES: list[tuple[str, re.Pattern]] = [
    (
        "annual_change",
        re.compile(
            rf"(?:每年|逐年|年均)(?:降低|减少|下降|提高|增长|增加|提升)?(?:不少于|不低于|至少)?"
            rf"{_NUM}(?:个百分点|%)(?:左右|以上)?"
        ),
    ),
    ("annual_change", re.compile(r"逐年只增不减|只增不减")),
    ("milestone", re.compile(r"(\d{4})年(?:年底|年末|底|末)?(?:前|以前)")),
    ("milestone", re.compile(rf"(?<!\d)(?:\d{{1,2}}|{_CN_ONE})年内")),
    # 必须 binds every unit the clause names: "超过1000人规模的学校必须配备专职教师" (the 1000人
    # is who, not a count), so it is read before the counts.
    ("every", re.compile(r"[^,。;，；、]{0,16}必须[^,。;，；、\d%]{1,20}(?=[,。;，；、]|$)")),
    (
        "unit_ratio",
        re.compile(
            rf"每(\d+)(?:所|个|名)[^,。;，；、]{{1,10}}?(?:配备|建有|建成|设置)({_AMOUNT}|{_CN_ONE})"
            rf"(?:名|个|所)"
        ),
    ),
    (
        "unit_ratio",
        re.compile(
            rf"每(?:名|个|位)?[^,。;，；、每]{{1,6}}每(?:年|学期|周)[^,。;，；、\d]{{1,4}}"
            rf"({_AMOUNT}|{_CN_ONE})(?:次|项|名|个)"
        ),
    ),
    # what every one person is to have: 每位学生掌握1—2项运动技能
    (
        "unit_ratio",
        re.compile(rf"每(?:位|名)[^,。;，；、\d每]{{1,8}}?({_AMOUNT}|{_CN_ONE})(?:项|门|种|次|个)"),
    ),
    (
        "at_least",
        re.compile(
            rf"(?:每(?:周|年|学期|月))?(?:至少|不少于|不低于)[^,。;，；、\d{_CN}]{{0,6}}"
            rf"({_AMOUNT}|{_CN_ONE})(?:个|所|名|项|课时|次|门|家|场)"
        ),
    ),
    (
        "rate",
        re.compile(rf"(?:超过|不低于|不少于|高于|低于|力争)?({_NUM})%(?:以上|左右|以下)?"),
    ),
    (
        "count",
        re.compile(rf"(?:每年[^,。;，；、\d]{{0,4}})?({_AMOUNT})([{_MEASURE}])(?:以上|左右)?"),
    ),
    ("every", re.compile(r"全覆盖|不低于或高于|万兆到县|千兆到校|百兆到班")),
    ("every", re.compile(r"(?:所有|校校|全面实现)[^,。;，；、]{1,20}|全部[^,。;，；、]{1,8}")),
]
_SKIP_COUNT_AFTER = re.compile(r"[《“\"A-Za-z]$")


def find_candidates(
    sentence: str, end_year: int, issued_on: datetime.date | None = None
) -> list[Candidate]:
    """The value phrases of one sentence that may be targets, in the order they stand.
    `issued_on` dates the deadlines counted from the issue date (三年内)."""
    taken: list[tuple[int, int]] = []
    found: list[Candidate] = []
    for rule, pattern in _RULES:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            candidate = _candidate(rule, match, sentence, end_year, issued_on)
            if candidate is None:
                continue
            _read_doubt(candidate)
            taken.append((start, end))
            found.append(candidate)
    return sorted(found, key=lambda c: c.start)


def _candidate(
    rule: str,
    match: re.Match,
    sentence: str,
    end_year: int,
    issued_on: datetime.date | None = None,
) -> Candidate | None:
    text = match.group(0)
    before = sentence[: match.start()]
    deadline = int(years[-1]) if (years := _BY_YEAR.findall(sentence)) else end_year
    stated = sorted(numbers_in(text))
    if rule == "milestone":
        if text.endswith("年内"):  # counted from the issue date, by the loader's rule
            within = deadlines_in(text, issued_on) if issued_on else set()
            year = within.pop() if len(within) == 1 else None
            return Candidate(
                "milestone", text, match.start(), deadline_year=year, relative_deadline=True
            )
        year = int(match.group(1))
        return Candidate("milestone", text, match.start(), deadline_year=year)
    if rule == "annual_change":
        down = any(word in text for word in ("降低", "减少", "下降"))
        unit = "百分点" if "百分点" in text else ("%" if "%" in text else "")
        value = Decimal(0) if "只增不减" in text else _first_arabic(text)
        return Candidate(
            "annual_change",
            text,
            match.start(),
            value=value,
            comparator="about" if "左右" in text else "gte",
            unit=unit,
            direction="decrease" if down else "increase",
            every_year=True,
            deadline_year=deadline,
        )
    if rule == "unit_ratio":
        numbers = [Decimal(n) for n in re.findall(_NUM, _low_ends(text))] or stated
        per_units = int(numbers[0]) if len(numbers) > 1 and text.startswith("每") else 1
        value = numbers[-1] if numbers else (stated[0] if stated else None)
        if value is None:
            return None
        return Candidate(
            "unit_ratio",
            text,
            match.start(),
            value=value,
            comparator="gte",
            unit=_measure(text),
            per_units=per_units,
            every_year="每年" in text,
            deadline_year=deadline,
        )
    if rule == "at_least":
        if not stated:
            return None
        value = sorted(numbers_in(_low_ends(text)))[-1]
        kind = "district_minimum" if "区县" in before[-12:] else "unit_ratio"
        return Candidate(
            kind,
            text,
            match.start(),
            value=value,
            comparator="gte",
            unit=_measure(text),
            every_year=text.startswith("每年"),
            deadline_year=deadline,
        )
    if rule == "rate":
        after = sentence[match.end() : match.end() + 3]
        kind = "district_share" if after.startswith("的区县") or "区县" in after else "rate"
        comparator = "gte"
        if text.startswith(("超过", "高于")):
            comparator = "gt"
        elif "以下" in text or text.startswith("低于"):
            comparator = "lte"
        elif "左右" in text:
            comparator = "about"
        return Candidate(
            kind,
            text,
            match.start(),
            value=Decimal(match.group(1)),
            comparator=comparator,
            unit="%",
            deadline_year=deadline,
        )
    if rule == "count":
        if re.match(r"\d{4}$", match.group(1)) or _SKIP_COUNT_AFTER.search(before):
            return None  # a year, a title in quotes, 5G / IPv6
        return Candidate(
            "count",
            text,
            match.start(),
            value=Decimal(_low_ends(match.group(1))),
            comparator="about" if "左右" in text else "gte",
            unit=match.group(2),
            every_year=text.startswith("每年"),
            deadline_year=deadline,
        )
    # the plan's words for every unit (全覆盖 …) or for "at least the reference"; 万兆到县 reaches
    # every county: a share of districts
    return Candidate(
        "district_share" if text == "万兆到县" else "rate",
        text,
        match.start(),
        value=Decimal(100),
        comparator="gte",
        unit="%",
        deadline_year=deadline,
    )


def _low_ends(text: str) -> str:
    """ "掌握1—2项" -> "掌握1项": a range asks for at least its low end."""
    return re.sub(rf"({_NUM})[{_RANGE_DASH}]{_NUM}", r"\1", text)


# A two-digit number of things whose digits rise by a little, "12项", "68个": possibly a range
# "1—2项" whose dash was lost in transcription.
_LOST_DASH = re.compile(
    rf"(?<![\d.{_RANGE_DASH}])([1-9])([1-9])(?![\d.%{_RANGE_DASH}])([{_MEASURE}])"
)
# Where a printed number of that kind cannot be meant: what every single person is to have.
_PER_PERSON = re.compile(r"^每(?:位|名)")


def _read_doubt(candidate: Candidate) -> None:
    """Marks a number that may be a range with its dash lost. Per person (每位学生掌握12项) the
    range is the likely reading and its low end the value; otherwise the printed number stands."""
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
    elif candidate.value == Decimal(low + high):
        candidate.doubt = (
            f"原文作“{printed}”，也可能是“{ranged}”（连接号可能在转录中丢失），"
            f"暂按{low}{high}{measure}计，请对照正式文件核实。"
        )


def _first_arabic(text: str) -> Decimal | None:
    match = re.search(_NUM, text)
    return Decimal(match.group(0)) if match else None


def _measure(text: str) -> str:
    match = re.search(rf"(?:{_NUM}|{_CN_ONE})(课时|[{_MEASURE}])", text)
    return match.group(1) if match else ""


def sentences(text: str) -> list[str]:
    """A task's sentences, each ending with its 。 (the unit a target's source sentence is)."""
    return [s for s in re.findall(r"[^。！？!?\n]+[。！？!?]?", text) if s.strip()]


def _candidate_name(sentence: str, candidate: Candidate) -> str:
    """The words just before the value phrase, back to the last comma: what the value is of."""
    before = re.split(r"[,，;；、:：]", sentence[: candidate.start])[-1]
    before = re.sub(r"^(?:到\d{4}年|全市|力争|确保|实现|努力)+", "", before).strip()
    before = re.sub(r"(?:在|于)$", "", before).strip()
    after = re.split(r"[,，;；。]", sentence[candidate.start + len(candidate.value_text) :])[0]
    if candidate.relative_deadline and after:  # "力争在三年内形成…体系": what is to be done
        return after[:60]
    name = before or (candidate.value_text + after)
    name = re.sub(r"(?:达到|超过|不低于|保持|为)$", "", name).strip()
    return (name or candidate.value_text)[:60]


# The draft as YAML -----------------------------------------------------------------------------


def draft_plan(
    paragraphs: list[str],
    *,
    city: str,
    slug: str,
    known: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The YAML-ready draft: `load_plan`'s format, with candidates marked `confirm: true`.

    `known` may hold the city's rows already in the database ({"province", "districts":
    [{name, full_name, slug, kind}], "department_slugs": {name: slug}}) to reuse their codes.
    """
    plan = parse_plan(paragraphs)
    known = known or {}
    end_year = plan.end_year or datetime.date.today().year
    start_year = plan.start_year or end_year - 4
    department_slugs: dict[str, str] = dict(known.get("department_slugs", {}))
    departments: list[dict[str, str]] = []
    notes = list(plan.notes)
    for part in plan.parts:
        for task in part.tasks:
            for name in task.departments:
                if name in {d["name"] for d in departments}:
                    continue
                if name not in department_slugs:
                    department_slugs[name] = f"department-{len(departments) + 1}"
                    notes.append(f"department {name}: short code {department_slugs[name]}, rename")
                departments.append({"name": name, "slug": department_slugs[name]})
    if not known.get("districts"):
        notes.append("districts: none known for this city; list its county-level units")
    data: dict[str, Any] = {
        "city": {"name": city, "province": known.get("province", "")},
        "districts": list(known.get("districts", [])),
        "departments": departments,
        "plan": {
            "slug": slug,
            "title": plan.title,
            "document_number": plan.document_number,
            "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
            "start_year": start_year,
            "end_year": end_year,
            "baseline_year": start_year - 1,
            "preamble": plan.preamble,
        },
        "parts": [_part_data(part, end_year, plan.issued_on) for part in plan.parts],
    }
    if not plan.issued_on:
        notes.append("plan: issue date not found; fill issued_on")
    data["notes"] = notes
    return data


def _part_data(
    part: DraftPart, end_year: int, issued_on: datetime.date | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"code": part.code, "kind": part.kind, "title": part.title}
    if part.notes:
        data["note"] = "; ".join(part.notes)
    if part.kind != "key_tasks" and part.kind != "implementation":
        data["text"] = part.text
        return data
    data["tasks"] = []
    for task in part.tasks:
        code = task_code(part.code, task.number)
        task_data: dict[str, Any] = {
            "number": task.number,
            "title": task.title,
            "departments": task.departments,
            "text": task.text,
        }
        if task.notes:
            task_data["note"] = "; ".join(task.notes)
        targets = [
            _target_data(f"{code}-{n}", sentence, candidate)
            for n, (sentence, candidate) in enumerate(
                (
                    (sentence.strip(), candidate)
                    for sentence in sentences(task.text)
                    for candidate in find_candidates(sentence.strip(), end_year, issued_on)
                ),
                1,
            )
        ]
        if targets:
            task_data["targets"] = targets
        data["tasks"].append(task_data)
    return data


_SCOPES = (
    ("区县", "district"),
    ("镇", "town"),
    ("学生", "student"),
    ("机构", "institution"),
    ("学校", "school"),
    ("中小学", "school"),
    ("幼儿园", "school"),
)


def _target_data(code: str, sentence: str, candidate: Candidate) -> dict[str, Any]:
    before = sentence[: candidate.start]
    scope = "district"
    if candidate.kind in ("unit_ratio",):
        scope = next((s for word, s in _SCOPES if word in before), "school")
    elif "全市" in before and candidate.kind in ("rate", "count"):
        scope = "city"
    target: dict[str, Any] = {
        "code": code,
        "name": _candidate_name(sentence, candidate),
        "kind": candidate.kind,
        "confirm": True,
    }
    if candidate.kind != "milestone":
        target["unit"] = candidate.unit
        target["comparator"] = candidate.comparator
        target["value"] = _plain(candidate.value)
        if candidate.per_units != 1:
            target["per_units"] = candidate.per_units
        if candidate.direction:
            target["direction"] = candidate.direction
        if candidate.every_year:
            target["every_year"] = True
    target["deadline_year"] = candidate.deadline_year
    target["scope"] = scope
    target["reported_by"] = "city" if scope == "city" and candidate.kind == "count" else "districts"
    if candidate.kind in ("rate", "unit_ratio"):
        target["numerator_label"] = ""
        target["denominator_label"] = ""
        target["numerator_may_exceed"] = numerator_may_exceed(candidate)
    target["value_text"] = candidate.value_text
    if candidate.doubt:
        target["doubt"] = candidate.doubt
    if candidate.doubt_reading:
        target["doubt_reading"] = candidate.doubt_reading
    target["source_sentence"] = sentence
    target["note"] = _note(candidate)
    return target


def numerator_may_exceed(candidate: Candidate) -> bool:
    """A best guess for a person to confirm: a 配比 (每5所幼儿园配备1名: 督学 per 幼儿园) is a
    ratio of two things and may exceed 1; a share (schools, students reached) may not."""
    return candidate.kind == "unit_ratio" and candidate.per_units > 1


def _note(candidate: Candidate) -> str:
    words = "candidate found by the wording rules: check kind, value, scope and who reports"
    if candidate.kind in ("rate", "unit_ratio"):
        words += (
            ", fill numerator_label and denominator_label, check numerator_may_exceed "
            "(a guess: true for a ratio of two things, false for a share)"
        )
    if candidate.relative_deadline:
        words += ", the deadline is counted from the issue date"
        if candidate.deadline_year is None:
            words += " (fill issued_on, then deadline_year)"
    if candidate.doubt:
        words += ", check the doubtful number against the official document (doubt)"
    return words + "; then delete `confirm: true` (or the whole target if it is none)"


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def to_yaml(data: dict[str, Any]) -> str:
    """The draft as a YAML file: a header of what to check, then the body `load_plan` reads."""
    notes = data.get("notes", [])
    body = {key: value for key, value in data.items() if key != "notes"}
    header = [
        f"# Draft of {body['plan']['title'] or body['plan']['slug']}, made by draft_plan.",
        "# Every candidate target carries `confirm: true` and a note: check each one, fix it,",
        "# then delete its `confirm` line (or the target). load_plan refuses the file until then.",
    ]
    if notes:
        header.append("# To check:")
        header += [f"#  - {note}" for note in notes]
    dumped = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=10_000)
    return "\n".join(header) + "\n\n" + dumped


# Previewing an uploaded draft ------------------------------------------------------------------


@dataclass
class Change:
    """One row a load would create, update or remove, with the fields that differ."""

    what: str
    key: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def row_label(self) -> str:
        return f"{_ROW_MODELS[self.what]._meta.verbose_name} {self.key}"

    @property
    def action_label(self) -> str:
        return str(_ACTIONS[self.action])

    @property
    def labelled_fields(self) -> list[tuple[str, str, str]]:
        meta = _ROW_MODELS[self.what]._meta
        return [
            (str(meta.get_field(name).verbose_name), old, new) for name, old, new in self.fields
        ]


@dataclass
class Preview:
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    summary: str = ""


def preview_plan_file(path: Path) -> Preview:
    """What `load_plan` would change, found by loading for real inside a transaction that is
    rolled back: the same validation and change detection, and nothing kept."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        city, slug = data["city"]["name"], data["plan"]["slug"]
    except Exception:  # malformed: load_plan_file below names the problem
        city = slug = None
    with transaction.atomic():
        before = _snapshot(city, slug)
        try:
            result = load_plan_file(path)
        except PlanFileError as error:
            transaction.set_rollback(True)
            return Preview(problems=error.problems)
        after = _snapshot(city, slug)
        transaction.set_rollback(True)
    return Preview(changes=_diff(before, after), summary=result.summary())


_ROW_MODELS = {
    "plan": Plan,
    "district": District,
    "department": Department,
    "part": Part,
    "task": Task,
    "target": Target,
}
_ACTIONS = {"created": _("created"), "updated": _("updated"), "removed": _("removed")}


def _snapshot(city: str | None, slug: str | None) -> dict[tuple[str, str], dict[str, str]]:
    """Every row of the city's plan a load writes, by natural key, as text."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    if not city or not slug:
        return rows

    def put(what: str, key: str, obj: Any, names: list[str]) -> None:
        rows[(what, key)] = {name: _shown(getattr(obj, name)) for name in names}

    for plan in Plan.objects.filter(slug=slug):
        put("plan", slug, plan, ["title", "document_number", "issued_on", "start_year",
                                 "end_year", "baseline_year", "preamble"])  # fmt: skip
    for district in District.objects.filter(city__name=city):
        put("district", district.name, district, ["full_name", "slug", "kind", "order"])
    for department in Department.objects.filter(city__name=city):
        put("department", department.name, department, ["slug", "order"])
    for part in Part.objects.filter(plan__slug=slug):
        put("part", part.code, part, ["kind", "title", "text", "order"])
    names: dict[int, list[str]] = {}
    for assignment in (
        TaskDepartment.objects.filter(task__part__plan__slug=slug)
        .select_related("department")
        .order_by("position")
    ):
        names.setdefault(assignment.task_id, []).append(assignment.department.name)
    for task in Task.objects.filter(part__plan__slug=slug):
        put("task", task.code, task, ["title", "text"])
        rows[("task", task.code)]["departments"] = "、".join(names.get(task.pk, []))
    target_fields = [
        f.name for f in Target._meta.concrete_fields if f.name not in ("id", "task", "code")
    ]
    for target in Target.objects.filter(task__part__plan__slug=slug).select_related("task"):
        put("target", target.code, target, target_fields)
        rows[("target", target.code)]["task"] = target.task.code
    return rows


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _diff(before: dict, after: dict) -> list[Change]:
    changes = []
    order = list(dict.fromkeys([*after, *before]))
    for what, key in order:
        old, new = before.get((what, key)), after.get((what, key))
        if old is None:
            changes.append(Change(what, key, "created"))
        elif new is None:
            changes.append(Change(what, key, "removed"))
        elif old != new:
            fields = [(name, old.get(name, ""), value) for name, value in new.items()]
            fields = [(name, o, n) for name, o, n in fields if o != n]
            changes.append(Change(what, key, "updated", fields))
    return changes
