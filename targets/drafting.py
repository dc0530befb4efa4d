"""Drafting a plan file from the plan's own text: text → draft structure → YAML for `load_plan`.

A plan document is read paragraph by paragraph (.txt lines, .docx paragraphs and table rows), each
paragraph by the first of a few small rules that takes it (`_Reader`):

- the title (the short line naming the 规划 before the first chapter), the document number and the
  date it was issued, the preamble;
- chapters 一、二、三、…: a chapter whose sections (一)(二)… hold numbered tasks (1. 2. …) gives one
  part of key tasks per section; a chapter whose items end in departments (or an implementation
  chapter, 组织实施/保障措施) gives one implementation part whose tasks are those items; any other
  section is an overall part with its text. A chapter on the past (发展基础, 发展成就, 发展环境,
  回顾, 面临形势) is overall text whatever its shape: no tasks, no candidates;
- a 主要指标 table (`targets/plan_tables.py`): a task of its own holding the table's lines, a
  candidate per row with a number (baseline, target, year and 属性 → `binding`);
- a 主要目标 section whose sentences state numbers: a task holding them, so its targets have one;
- each task: its title (up to the first 。), its text, and the departments in the bracket that
  ends it, "(市教育局、市发展改革委负责)", in order: the first one named leads; a task takes the
  paragraphs that follow it up to the next heading or table;
- candidate targets (`targets/draft_candidates.py`): the value phrases the wording rules find in
  each task sentence, never a past result, each guessed a kind, comparator, value and deadline,
  saying why it was taken (`why`: the rule and the words) and marked `confirm: true` with a note.
  Nothing is loaded until a person has checked each one and deleted its `confirm` line:
  `load_plan` refuses a file that still holds one.

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
from targets import plan_tables
from targets.draft_candidates import Candidate, find_candidates, row_candidates
from targets.loading import PlanFileError, load_plan_file, task_code
from targets.models import Target

__all__ = ["Candidate", "DraftError", "draft_plan", "find_candidates", "read_paragraphs", "to_yaml"]

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
# A chapter on the previous period: its results are not targets, its items not tasks.
_PAST_CHAPTER = re.compile(
    r"发展基础|发展成就|发展环境|发展现状|现实基础|回顾|面临形势|形势与|机遇与挑战"
)
_IMPLEMENTATION_CHAPTER = re.compile(r"组织实施|保障措施|实施保障|保障机制")
_GOALS = re.compile(r"目标")


@dataclass
class DraftTask:
    number: int
    title: str
    text: str = ""
    departments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    table: plan_tables.Table | None = None
    goals: bool = False  # the sentences of a 主要目标 section


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
    # the text lost characters in transcription (garbled runs, words of a web page)
    lossy: bool = False


class DraftError(Exception):
    """The document cannot be drafted: it is unreadable or holds no plan structure."""


# Reading ---------------------------------------------------------------------------------------


def read_paragraphs(path: Path) -> list[str]:
    """The document's non-empty paragraphs, stripped: lines of a .txt; paragraphs of a .docx and
    its tables' rows in document order, a row's cells joined by tabs."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            lines = _docx_lines(path)
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


def _docx_lines(path: Path) -> list[str]:
    import docx  # python-docx; imported here so the web process never loads it
    from docx.table import Table

    lines = []
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                # a merged cell is listed once for every grid column it spans: keep it once
                spans = list(dict.fromkeys(cell._tc for cell in row.cells))
                cells = [" ".join(_docx_cell_text(tc).split()) or "—" for tc in spans]
                lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    return lines


def _docx_cell_text(tc) -> str:
    return "".join(node.text or "" for node in tc.iter() if node.tag.endswith("}t"))


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
    _read_head(plan, paragraphs[:first_chapter])
    reader = _Reader(plan)
    for paragraph in paragraphs[first_chapter:]:
        reader.read(paragraph)
    reader.finish()
    _check_text(plan)
    if not any(part.tasks for part in plan.parts):
        raise DraftError("no numbered tasks found under the chapters")
    _read_years(plan, paragraphs)
    return plan


def _read_head(plan: DraftPlan, head: list[str]) -> None:
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


class _Reader:
    """Reads the chapters paragraph by paragraph: each paragraph goes to the first rule that
    takes it (a table row, a chapter, a section, a numbered task, a table's caption or header,
    text)."""

    def __init__(self, plan: DraftPlan) -> None:
        self.plan = plan
        self.chapter = self.chapter_title = ""
        self.section: DraftPart | None = None
        self.implementation: DraftPart | None = None
        self.task: DraftTask | None = None
        self.table: plan_tables.Table | None = None
        self.caption = ""
        self.rules = (
            self._table_row,
            self._chapter,
            self._section,
            self._numbered,
            self._caption,
            self._table_header,
            self._text,
        )

    @property
    def past(self) -> bool:
        return bool(_PAST_CHAPTER.search(self.chapter_title))

    def read(self, paragraph: str) -> None:
        for rule in self.rules:
            if rule(paragraph):
                return

    def finish(self) -> None:
        self._end_table()
        self._flush_caption()
        for part in self.plan.parts:
            _goals_task(part)

    # the rules, in order

    def _table_row(self, paragraph: str) -> bool:
        if self.table is None:
            return False
        if not self.table.rows and self.table.cell_per_line:
            if plan_tables.extend_header(self.table, paragraph):
                return True
            if not plan_tables.complete(self.table):  # not a table after all: text
                self.table, header = None, self.table.columns
                for line in header:
                    self._text(line)
                return False
        if self.table.take(paragraph):
            return True
        self._end_table()
        return False

    def _chapter(self, paragraph: str) -> bool:
        if not (match := _CHAPTER.match(paragraph)):
            return False
        self._flush_caption()
        self.chapter, self.chapter_title = match.groups()
        self.section = self.implementation = self.task = None
        return True

    def _section(self, paragraph: str) -> bool:
        if not (match := _SECTION.match(paragraph)):
            return False
        self._flush_caption()
        ordinal, rest = match.groups()
        title, body = _split_title(rest)
        if body or _DEPARTMENTS.search(rest):
            if _DEPARTMENTS.search(rest) or (
                _IMPLEMENTATION_CHAPTER.search(self.chapter_title) and not self.past
            ):
                self._implementation_item(ordinal, title, body)
                return True
        self.section = DraftPart(f"{self.chapter}({ordinal})", "overall", _clean_heading(title))
        if self.section.title != title:
            self.section.notes.append(
                f"heading {title!r} ended in words of the web page: removed, check"
            )
            self.plan.lossy = True
        self.section.text = body
        self.plan.parts.append(self.section)
        self.task = None
        return True

    def _implementation_item(self, ordinal: str, title: str, body: str) -> None:
        if self.implementation is None:
            self.implementation = DraftPart(self.chapter, "implementation", self.chapter_title)
            self.plan.parts.append(self.implementation)
        self.task = DraftTask(_CN.index(ordinal[-1]) + 1, title)
        self.implementation.tasks.append(self.task)
        self.section = None
        self._add_text(body)

    def _numbered(self, paragraph: str) -> bool:
        if self.past or self.section is None or not (match := _NUMBERED.match(paragraph)):
            return False
        self._flush_caption()
        number, rest = match.groups()
        title, body = _split_title(rest)
        self.section.kind = "key_tasks"
        self.task = DraftTask(int(number), title)
        self.section.tasks.append(self.task)
        self._add_text(body)
        return True

    def _caption(self, paragraph: str) -> bool:
        if not plan_tables.CAPTION.match(paragraph):
            return False
        self._flush_caption()
        self.caption = paragraph
        return True

    def _table_header(self, paragraph: str) -> bool:
        if self.past or not (table := plan_tables.table_header(paragraph)):
            return False
        table.caption, self.caption = self.caption, ""
        self.table = table
        return True

    def _text(self, paragraph: str) -> bool:
        self._flush_caption()
        if self.task is not None and not self.task.departments:
            self._add_text(paragraph)
        elif self.section is not None and (
            not self.section.tasks or self.section.tasks[-1].table is not None
        ):  # a section's text, or the words under its table (注：…)
            self.section.text = "\n".join(filter(None, [self.section.text, paragraph]))
        elif self.section is None and self.implementation is None and self.chapter:
            # a chapter's own text, before or without sections (一、发展基础 …)
            self.section = DraftPart(self.chapter, "overall", _clean_heading(self.chapter_title))
            self.section.text = paragraph
            self.plan.parts.append(self.section)
        else:
            self.plan.notes.append(
                f"paragraph outside any part or task, left out: {paragraph[:40]}…"
            )
        return True

    # helpers

    def _flush_caption(self) -> None:
        if self.caption:
            caption, self.caption = self.caption, ""
            self._text(caption)

    def _add_text(self, text: str) -> None:
        task = self.task
        assert task is not None
        if match := _DEPARTMENTS.search(text):
            task.departments = [name.strip() for name in re.split(r"[、,，]", match.group(1))]
            task.departments = [name for name in task.departments if name]
            if match.group("debris"):
                task.notes.append(
                    f"{match.group('debris')!r} after the departments taken as words of the web "
                    "page"
                )
                self.plan.lossy = True
            text = text[: match.start()].rstrip()
        task.text = "\n".join(filter(None, [task.text, text]))

    def _end_table(self) -> None:
        table, self.table = self.table, None
        if table is None:
            return
        table._close()
        if not table.rows:
            for line in table.columns if table.cell_per_line else [table.header_line()]:
                self._text(line)
            return
        part = self.section
        if part is None:
            part = DraftPart(self.chapter, "overall", self.chapter_title)
            self.plan.parts.append(part)
            self.section = part
        part.kind = "key_tasks"
        title = re.sub(r"^(?:表|专栏)\s*\d*[\s:：]*", "", table.caption) or "主要指标"
        task = DraftTask(len(part.tasks) + 1, title, "\n".join(table.lines()), table=table)
        task.notes += table.notes
        task.notes.append(
            "a 主要指标 table: add the departments that answer for its targets (the first leads)"
        )
        part.tasks.append(task)
        self.task = None


def _goals_task(part: DraftPart) -> None:
    """A 主要目标 section whose sentences state numbers holds targets: its text becomes a task
    (the first of the part), so they have one."""
    if not _GOALS.search(part.title) or not re.search(r"\d", part.text):
        return
    if not any(re.search(r"\d+(?:\.\d+)?\s*[%％个所名项人万]", s) for s in sentences(part.text)):
        return
    for task in part.tasks:
        task.number += 1
    goals = DraftTask(1, part.title, part.text, goals=True)
    goals.notes.append(
        "the 主要目标 sentences: add the departments that answer for their targets "
        "(the first leads)"
    )
    part.tasks.insert(0, goals)
    part.text = ""
    part.kind = "key_tasks"


def _check_text(plan: DraftPlan) -> None:
    for part in plan.parts:
        if part.text and (garbled := _GARBLED.search(part.text)):
            part.notes.append(f"text looks garbled near {_around(part.text, garbled)!r}: check")
            plan.lossy = True
        for item in part.tasks:
            if not item.departments and item.table is None and not item.goals:
                item.notes.append("no bracket of departments (…负责) ends this task: add them")
            if item.table is None and (garbled := _GARBLED.search(item.text)):
                item.notes.append(f"text looks garbled near {_around(item.text, garbled)!r}: check")
                plan.lossy = True


def _split_title(rest: str) -> tuple[str, str]:
    """ "构建…体系。坚持…" -> ("构建…体系", "坚持…"); a heading without 。 is all title."""
    title, stop, body = rest.partition("。")
    return title.strip(), body.strip() if stop else ""


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
    notes = list(plan.notes)
    departments = _departments(plan, dict(known.get("department_slugs", {})), notes)
    if not known.get("districts"):
        notes.append("districts: none known for this city; list its county-level units")
    reading = _Years(start_year, end_year, plan.issued_on, plan.lossy)
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
        "parts": [_part_data(part, reading) for part in plan.parts],
    }
    if not plan.issued_on:
        notes.append("plan: issue date not found; fill issued_on")
    data["notes"] = notes
    return data


def _departments(plan: DraftPlan, slugs: dict[str, str], notes: list[str]) -> list[dict]:
    departments: list[dict[str, str]] = []
    for part in plan.parts:
        for task in part.tasks:
            for name in task.departments:
                if name in {d["name"] for d in departments}:
                    continue
                if name not in slugs:
                    slugs[name] = f"department-{len(departments) + 1}"
                    notes.append(f"department {name}: short code {slugs[name]}, rename")
                departments.append({"name": name, "slug": slugs[name]})
    return departments


@dataclass
class _Years:
    """What reading a sentence needs to know of the plan."""

    start: int
    end: int
    issued_on: datetime.date | None
    lossy: bool


def _part_data(part: DraftPart, reading: _Years) -> dict[str, Any]:
    data: dict[str, Any] = {"code": part.code, "kind": part.kind, "title": part.title}
    if part.notes:
        data["note"] = "; ".join(part.notes)
    if part.kind != "key_tasks" and part.kind != "implementation":
        data["text"] = part.text
        return data
    if part.text:
        data["text"] = part.text
    data["tasks"] = [_task_data(part, task, reading) for task in part.tasks]
    return data


def _task_data(part: DraftPart, task: DraftTask, reading: _Years) -> dict[str, Any]:
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
        for n, (sentence, candidate) in enumerate(_task_candidates(task, reading), 1)
    ]
    if targets:
        task_data["targets"] = targets
    return task_data


def _task_candidates(task: DraftTask, reading: _Years) -> list[tuple[str, Candidate]]:
    """(source sentence, candidate) of a task: a table's rows, or its sentences' value phrases
    (a 主要目标 section's only where the sentence states a number)."""
    if task.table is not None:
        return row_candidates(task.table, reading.end)
    found = []
    for sentence in sentences(task.text):
        sentence = sentence.strip()
        if task.goals and not re.search(r"\d", sentence):
            continue
        for candidate in find_candidates(
            sentence, reading.end, reading.issued_on, start_year=reading.start, lossy=reading.lossy
        ):
            found.append((sentence, candidate))
    return found


def sentences(text: str) -> list[str]:
    """A task's sentences, each ending with its 。 (the unit a target's source sentence is)."""
    return [s for s in re.findall(r"[^。！？!?\n]+[。！？!?]?", text) if s.strip()]


def _candidate_name(sentence: str, candidate: Candidate) -> str:
    """The words just before the value phrase, back to the last comma: what the value is of."""
    if candidate.name:
        return candidate.name[:60]
    before = re.split(r"[,，;；、:：]", sentence[: candidate.start])[-1]
    before = re.sub(r"^(?:到\d{4}年|全市|全县|全区|力争|确保|实现|努力)+", "", before).strip()
    before = re.sub(r"(?:在|于)$", "", before).strip()
    after = re.split(r"[,，;；。]", sentence[candidate.start + len(candidate.value_text) :])[0]
    if candidate.relative_deadline and after:  # "力争在三年内形成…体系": what is to be done
        return after[:60]
    name = before or (candidate.value_text + after)
    name = re.sub(r"(?:达到|超过|不低于|保持|稳定在|控制在|为)$", "", name).strip()
    return (name or candidate.value_text)[:60]


_SCOPES = (
    ("区县", "district"),
    ("镇", "town"),
    ("学生", "student"),
    ("机构", "institution"),
    ("学校", "school"),
    ("中小学", "school"),
    ("幼儿园", "school"),
)


def _scope(sentence: str, candidate: Candidate) -> str:
    before = sentence[: candidate.start]
    if candidate.kind == "unit_ratio":
        return next((s for word, s in _SCOPES if word in before), "school")
    if candidate.name or ("全市" in before and candidate.kind in ("rate", "count")):
        return "city"  # a table's indicator is the plan area's own figure
    return "district"


def _target_data(code: str, sentence: str, candidate: Candidate) -> dict[str, Any]:
    scope = _scope(sentence, candidate)
    target: dict[str, Any] = {
        "code": code,
        "name": _candidate_name(sentence, candidate),
        "kind": candidate.kind,
        "confirm": True,
        "why": candidate.why,
        "binding": candidate.binding,
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
    if candidate.baseline is not None:
        target["baseline"] = _plain(candidate.baseline)
        target["baseline_year"] = candidate.baseline_year
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
