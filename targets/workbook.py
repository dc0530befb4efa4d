"""Figure workbooks: the Excel template bureaus fill in, and reading it (or a CSV) back.

One row per (district, year, target). The first three rows are the title, a hint and the header;
figures start on row 4. Reading is all or nothing: every problem is reported with its sheet, row,
column and rule, and rows only become figures through `figures.check` and `figures.record`, like
every other way in.
"""

import codecs
import contextlib
import csv
import datetime
import hashlib
import io
import itertools
import posixpath
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from departments import access
from departments.models import District
from plans.models import Plan
from targets import figures
from targets.display import display_value
from targets.models import Figure, FigureChange, ReportingPeriod, Target
from zibo_edu.lib import cells, collector, xlsx

SHEET = "填报"
CITY_LABEL = "市级"
HEADERS = [
    "区县",
    "年度",
    "指标编号",
    "指标名称",
    "填报说明",
    "规划要求",
    "上年数值",
    "分子",
    "分母",
    "数值",
    "是否达成",
    "达成日期",
    "说明",
    "数据来源",
]
FIRST_ROW = 4
INPUT_COLUMNS = {
    "分子": "numerator",
    "分母": "denominator",
    "数值": "value",
    "是否达成": "achieved",
    "达成日期": "achieved_on",
    "说明": "note",
    "数据来源": "source",
}
COLUMN_OF_FIELD = {name: HEADERS.index(header) for header, name in INPUT_COLUMNS.items()}
YES = {"是", "yes", "y", "true", "1", "已完成", "达成"}
NO = {"否", "no", "n", "false", "0", "未完成", "未达成"}


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None  # e.g. "H（分子）"
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{' · '.join(where)}: {self.message}"


class WorkbookError(Exception):
    """The upload is refused; `problems` lists the first problems (each naming sheet, row,
    column and rule), ending with "… and N more" when there were more than the limit."""

    def __init__(self, problems: list[Problem], *, total: int | None = None, status: int = 422):
        self.total = max(total or 0, len(problems))
        self.status = status
        self.problems = list(problems)
        if self.total > len(problems):
            more = self.total - len(problems)
            self.problems.append(
                Problem(
                    problems[-1].sheet if problems else _("file"),
                    None,
                    None,
                    _("… and %(more)s more problems, not listed") % {"more": f"{more:,}"},
                )
            )
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def too_large(cls, size: int) -> "WorkbookError":
        return cls([_too_large(size, upload_limits())], status=413)


@dataclass
class Row:
    number: int
    entry: figures.Entry
    target: Target
    district: District | None
    current: Figure | None = None

    @property
    def action(self) -> str:
        if self.current is None:
            return "create"
        return "unchanged" if figures.FigureInput.of(self.current) == self.entry.data else "update"


@dataclass
class Upload:
    """A read, checked upload: its rows and what each would do."""

    rows: list[Row] = field(default_factory=list)
    channel: str = "excel"

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts


def _column(index: int) -> str:
    return f"{get_column_letter(index + 1)}（{HEADERS[index]}）"


# Writing the template ----------------------------------------------------------------------


def build_template(plan: Plan, units: list[District | None], year: int) -> bytes:
    """A workbook for these districts (None: the city) and year, with last year's figures."""
    targets = list(Target.objects.of_plan(plan).for_listing())
    stored = figures.existing_for({u.pk if u else None for u in units}, {year, year - 1})
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    names = "、".join(u.name if u else CITY_LABEL for u in units)
    sheet["A1"] = f"{plan.title} · {names} · {year}年 指标数据填报"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        "只填写黄色单元格；比率类指标填写分子和分母（百分比由系统计算）；是否达成填“是”或“否”；"
        "请勿改动其他单元格、插入合并单元格或使用公式。"
    )
    sheet.append(HEADERS)
    unlocked, fill = Protection(locked=False), PatternFill("solid", fgColor="FFF6CC")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E4E9EF")
    for unit in units:
        reporter = Target.Reporter.DISTRICTS if unit else Target.Reporter.CITY
        unit_id = unit.pk if unit else None
        for target in (t for t in targets if t.reported_by == reporter):
            figure = stored.get(figures.Key(target.pk, unit_id, year))
            previous = stored.get(figures.Key(target.pk, unit_id, year - 1))
            sheet.append(
                [
                    unit.name if unit else CITY_LABEL,
                    year,
                    target.code,
                    target.name,
                    _guidance(target),
                    target.requirement,
                    display_value(previous) if previous else "",
                    *_values(figure),
                ]
            )
            for index in COLUMN_OF_FIELD.values():
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                cell.protection, cell.fill = unlocked, fill
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    yes_no.add(f"K{FIRST_ROW}:K{max(sheet.max_row, FIRST_ROW)}")
    for index, width in enumerate([10, 7, 11, 30, 34, 16, 20, 11, 11, 11, 9, 12, 24, 16], 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"D{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    cells.text_only(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _guidance(target: Target) -> str:
    entry = target.entry
    if entry == Target.Entry.FRACTION:
        return f"分子：{target.numerator_label}；分母：{target.denominator_label}"
    if entry == Target.Entry.WHOLE:
        return f"数值：整数（{target.figure_unit}）"
    if entry == Target.Entry.AMOUNT:
        return f"数值（{target.figure_unit}）"
    if entry == Target.Entry.YES_NO:
        return "是否达成：是/否"
    return "是否达成：是/否；已完成的填达成日期"


def _values(figure: Figure | None) -> list:
    if figure is None:
        return [None] * len(INPUT_COLUMNS)
    yes_no = {True: "是", False: "否"}.get(figure.achieved)

    def number(value):
        return None if value is None else (int(value) if value == int(value) else float(value))

    return [
        number(figure.numerator),
        number(figure.denominator),
        number(figure.value),
        yes_no,
        figure.achieved_on,
        figure.note or None,
        figure.source or None,
    ]


# Reading an upload -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much one upload may make the server do, whatever the file holds.

    Defaults fit the largest real upload (the city admin's workbook of every district, a few
    thousand rows) many times over; `settings.ZIBO_UPLOAD_LIMITS` (a dict) overrides any of them.
    """

    upload_bytes: int = 10 * 2**20  # the file as sent
    uncompressed_bytes: int = 64 * 2**20  # an .xlsx's members, unpacked
    zip_members: int = 1_000  # an .xlsx made by Excel holds a dozen or two
    rows: int = 20_000  # rows with anything in them
    cells: int = 64  # cells in a CSV row (the template has 14)
    cell_chars: int = 2_000  # characters in one cell
    problems: int = 100  # problems listed; the rest are counted ("and 9,871 more")
    seconds: float = 15.0  # reading and checking, well inside a worker's 30 s timeout

    @property
    def line_chars(self) -> int:
        return self.cells * self.cell_chars


def upload_limits() -> Limits:
    return Limits(**getattr(settings, "ZIBO_UPLOAD_LIMITS", {}))


class _Problems:
    """Problems in row order, the first `limit` kept and the rest counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def error(self, *, status: int = 422, first: Problem | None = None) -> "WorkbookError":
        """The error to raise; `first`, why reading stopped, leads and is never cut."""
        kept = sorted(self.kept, key=lambda p: (p.row or 0, p.column or ""))
        if first is None:
            return WorkbookError(kept, total=self.total, status=status)
        return WorkbookError([first, *kept], total=self.total + 1, status=status)


class _Stop(Exception):
    """Reading must stop here; the problem says where and why."""

    def __init__(self, problem: Problem, status: int = 422):
        self.problem = problem
        self.status = status


def read(
    content: bytes, filename: str, *, plan: Plan, user, limits: Limits | None = None
) -> Upload:
    """Read and check a workbook or CSV: every row valid and permitted, or WorkbookError.

    The file is streamed row by row; rows, cells, unpacked size, problems kept and time are all
    bounded by `limits`, so one upload costs bounded memory and time whatever it holds.
    """
    with collector.paused():
        return _read(content, filename, plan=plan, user=user, limits=limits or upload_limits())


def _read(content: bytes, filename: str, *, plan: Plan, user, limits: Limits) -> Upload:
    is_csv = filename.lower().endswith((".csv", ".txt"))
    upload = Upload(channel="csv" if is_csv else "excel")
    problems = _Problems(limits.problems)
    deadline = time.monotonic() + limits.seconds
    if len(content) > limits.upload_bytes:
        raise WorkbookError([_too_large(len(content), limits)], status=413)
    try:
        with _rows_of(content, is_csv, limits) as (sheet_name, raw_rows):
            parsed = _check_rows(sheet_name, raw_rows, plan, user, problems, limits, deadline)
    except _Stop as stop:
        raise problems.error(status=stop.status, first=stop.problem) from None
    stored = figures.existing_for(
        {key.district_id for _n, key, *_rest in parsed},
        {key.year for _n, key, *_rest in parsed} | {key.year - 1 for _n, key, *_rest in parsed},
    )
    thresholds = dict(
        ReportingPeriod.objects.filter(plan=plan).values_list("year", "change_note_threshold")
    )
    for number, key, target, district, data in parsed:
        current = stored.get(key)
        if current is not None:
            current.target = target  # shown in the preview: no query per row
        previous = stored.get(figures.Key(key.target_id, key.district_id, key.year - 1))
        errors = figures.check(target, data, previous, thresholds.get(key.year))
        if (
            current is not None
            and not current.is_editable
            and figures.FigureInput.of(current) != data
        ):
            errors["state"] = (
                figures.carried_message(current)
                if current.is_carried
                else _("this figure is %(state)s and cannot change")
                % {"state": current.get_state_display()}
            )
        for name, message in errors.items():
            column = _column(COLUMN_OF_FIELD[name]) if name in COLUMN_OF_FIELD else None
            problems.add(Problem(sheet_name, number, column, message))
        version = current.version if current else figures.ABSENT
        upload.rows.append(
            Row(number, figures.Entry(key, data, version), target, district, current)
        )
    if problems.total:
        raise problems.error()
    if not upload.rows:
        raise WorkbookError([Problem(sheet_name, None, None, _("the file holds no figures"))])
    return upload


def _check_rows(sheet_name, raw_rows, plan, user, problems, limits, deadline) -> list[tuple]:
    """Each row's own problems, and the rows fit to check against stored figures."""
    header_number, header_row = next(raw_rows, (FIRST_ROW - 1, None))
    header = [str(v).strip() if v is not None else "" for v in (header_row or [])]
    if header[: len(HEADERS)] != HEADERS:
        missing = [h for i, h in enumerate(HEADERS) if i >= len(header) or header[i] != h]
        raise _Stop(
            Problem(
                sheet_name,
                header_number,
                None,
                _("the header row must read %(expected)s; differs at: %(missing)s")
                % {"expected": "、".join(HEADERS), "missing": "、".join(missing)},
            )
        )
    districts = {d.name: d for d in District.objects.filter(city=plan.city)}
    targets = {
        t.code: t
        for t in Target.objects.of_plan(plan)
        .select_related("task")
        .prefetch_related("task__assignments")
    }
    may_enter: dict[int | None, bool] = {}
    parsed, seen, used = [], {}, 0
    for number, values in raw_rows:
        if time.monotonic() > deadline:
            raise _Stop(
                Problem(
                    sheet_name,
                    number,
                    None,
                    _("reading stopped after %(seconds)s seconds: split the file")
                    % {"seconds": f"{limits.seconds:g}"},
                ),
                status=413,
            )
        values = list(values[: len(HEADERS)]) + [None] * (len(HEADERS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # empty rows are allowed anywhere
        used += 1
        if used > limits.rows:
            raise _Stop(
                Problem(
                    sheet_name,
                    number,
                    None,
                    _("the file holds more than %(rows)s rows of figures: split it")
                    % {"rows": f"{limits.rows:,}"},
                ),
                status=413,
            )
        row_problems: list[Problem] = []

        def problem(index: int | None, message: str, number=number, row_problems=row_problems):
            column = _column(index) if index is not None else None
            row_problems.append(Problem(sheet_name, number, column, message))

        cell_chars = limits.cell_chars
        suspect = [  # most rows have none: look closer only at these
            index
            for index, value in enumerate(values)
            if isinstance(value, str) and (value[:1] == "=" or len(value) > cell_chars)
        ]
        for index in suspect:
            value = values[index]
            if isinstance(value, str) and value.startswith("="):
                problem(index, _("formulas are not accepted: paste the value instead"))
            elif isinstance(value, str) and len(value) > limits.cell_chars:
                problem(
                    index,
                    _("%(length)s characters; a cell holds at most %(max)s")
                    % {"length": f"{len(value):,}", "max": f"{limits.cell_chars:,}"},
                )
                values[index] = None  # reported; not read further
        district = _unit(values[0], districts, problem)
        year = _year(values[1], plan, problem)
        target = targets.get(str(values[2] or "").strip())
        if target is None:
            problem(2, _("unknown target code %(code)r") % {"code": _short(values[2])})
        elif district is not False and (target.reported_by == Target.Reporter.CITY) != (
            district is None
        ):
            problem(
                2,
                _("%(code)s is not reported by %(unit)s")
                % {"code": target.code, "unit": values[0]},
            )
        if district is not False:
            unit_id = district.pk if district else None
            if unit_id not in may_enter:
                may_enter[unit_id] = access.may_enter(user, district)
            if not may_enter[unit_id]:
                problem(0, _("you may not enter figures for %(unit)s") % {"unit": values[0]})
        data = _input(values, problem)
        if data.is_empty() and not row_problems:
            continue  # a template row left blank: nothing entered (it never clears a figure)
        if row_problems or target is None or district is False or year is None:
            for each in row_problems:
                problems.add(each)
            continue
        key = figures.Key(target.pk, district.pk if district else None, year)
        if key in seen:
            problems.add(
                Problem(
                    sheet_name,
                    number,
                    _column(2),
                    _("the same target, district and year is already on row %(row)d")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        parsed.append((number, key, target, district, data))
    return parsed


def _too_large(size: int, limits: Limits) -> Problem:
    return Problem(
        _("file"),
        None,
        None,
        _("the file is %(size)s MB; at most %(max)s MB is accepted")
        % {"size": f"{size / 2**20:.1f}", "max": f"{limits.upload_bytes / 2**20:g}"},
    )


def _short(value) -> str:
    text = str(value or "")
    return text if len(text) <= 40 else text[:40] + "…"


@contextlib.contextmanager
def _rows_of(content: bytes, is_csv: bool, limits: Limits):
    """(sheet name, iterator of row values from the header on), streamed."""
    if is_csv:
        yield "CSV", _csv_rows(content, limits)
        return
    with _opened_workbook(content, limits) as sheet:
        yield SHEET, _sheet_rows(sheet)


def _not_excel(detail: str = "") -> _Stop:
    message = _("this is not an Excel workbook (.xlsx): upload the downloaded template, or a CSV")
    if detail:
        message = f"{message} ({detail})"
    return _Stop(Problem(_("file"), None, None, message))


def _damaged(detail: str, row: int | None = None) -> _Stop:
    return _Stop(
        Problem(
            SHEET if row else _("file"),
            row,
            None,
            _("the workbook is damaged (%(detail)s): open it in Excel and save it again")
            % {"detail": detail[:160]},
        )
    )


@contextlib.contextmanager
def _opened_workbook(content: bytes, limits: Limits):
    """The 填报 sheet of a workbook that passed the archive checks, opened read-only."""
    merged_by_member = _check_archive(content, limits)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except _Stop:
        raise
    except (zipfile.BadZipFile, InvalidFileException) as error:
        raise _not_excel(str(error)[:120]) from None
    except Exception as error:  # any parser error of a damaged file: never a 500
        raise _damaged(f"{type(error).__name__}: {error}") from None
    try:
        if SHEET not in book.sheetnames:
            found = "、".join(book.sheetnames)
            raise _Stop(
                Problem(
                    _("file"),
                    None,
                    None,
                    _("there is no sheet named “%(sheet)s” (sheets found: %(found)s)")
                    % {"sheet": SHEET, "found": found},
                )
            )
        merged = merged_by_member.get(_sheet_member(content, SHEET), [])
        if merged:
            message = _(
                "merged cells are not accepted (%(ranges)s): unmerge them and fill every row"
            ) % {"ranges": "、".join(merged)}
            raise _Stop(Problem(SHEET, None, None, message))
        sheet = book[SHEET]
        # Read every row, not only those inside the sheet's declared <dimension>: a file can
        # declare A1:N10 and hold rows below, which openpyxl would otherwise skip in silence.
        sheet.reset_dimensions()
        yield sheet
    finally:
        book.close()


def _sheet_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(row number, values) from the header (row 3) on; a row that cannot be read is named."""
    rows = xlsx.rows(sheet, min_row=FIRST_ROW - 1, max_col=len(HEADERS))
    number = FIRST_ROW - 2
    while True:
        try:
            number, values = next(rows)
        except StopIteration:
            return
        except _Stop:
            raise
        except Exception as error:  # a cell whose type does not match its content, bad XML …
            raise _Stop(
                Problem(
                    SHEET,
                    number + 1,
                    None,
                    _(
                        "this row cannot be read: a cell's stored type does not match its "
                        "content, or the sheet's XML is damaged here (%(detail)s)"
                    )
                    % {"detail": f"{type(error).__name__}: {error}"[:160]},
                )
            ) from None
        yield number, values


_DECLARATIONS = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


def _check_archive(content: bytes, limits: Limits) -> dict[str, list[str]]:
    """Refuse before parsing: too many members, too much unpacked, DTDs (entity bombs). Returns
    the merged ranges of each worksheet (read-only mode does not expose them), found in the same
    pass over its XML."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if end < 0 or len(content) < end + 22:
        raise _not_excel()
    declared_members = int.from_bytes(content[end + 10 : end + 12], "little")
    if declared_members > limits.zip_members:
        raise _damaged(
            _("%(n)s members in the archive; a workbook has a few dozen") % {"n": declared_members}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > limits.uncompressed_bytes:
                raise _Stop(
                    Problem(
                        _("file"),
                        None,
                        None,
                        _(
                            "the workbook unpacks to %(size)s MB; at most %(max)s MB is "
                            "accepted: delete unused rows and columns, or split it"
                        )
                        % {
                            "size": f"{unpacked / 2**20:.0f}",
                            "max": f"{limits.uncompressed_bytes / 2**20:g}",
                        },
                    ),
                    status=413,
                )
            merged: dict[str, list[str]] = {}
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                if member.filename.endswith(".xml"):  # any may be the sheet: all are scanned
                    merged[member.filename] = []
                if _declares(archive, member, merged.get(member.filename)):
                    raise _Stop(
                        Problem(
                            _("file"),
                            None,
                            None,
                            _(
                                "%(member)s declares a DTD or entities, which Excel never "
                                "writes: the file is refused"
                            )
                            % {"member": member.filename[:80]},
                        )
                    )
    except _Stop:
        raise
    except zipfile.BadZipFile as error:
        raise _not_excel(str(error)[:120]) from None
    except Exception as error:  # a member that does not unpack: bad CRC, bad deflate data
        raise _damaged(f"{type(error).__name__}: {error}") from None
    return merged


def _declares(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, merged: list | None = None, most: int = 10
) -> bool:
    """Whether an XML member holds <!DOCTYPE or <!ENTITY, read in chunks (never all at once);
    on the way, the first `most` merged ranges into `merged` (for a worksheet)."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            window = tail + chunk
            # "<!" in UTF-8, or in UTF-16 of either order, comes before any declaration
            if (b"<!" in window or b"<\x00!" in window) and any(
                marker in window for marker in _DECLARATIONS
            ):
                return True
            cut = len(window) - 64
            if merged is not None and len(merged) < most and b"mergeCell" in window:
                matches = list(_MERGE.finditer(window))
                merged += [m.group(1).decode("ascii", "replace") for m in matches]
                # keep an unfinished tag for the next chunk, never one already counted
                cut = max(cut, matches[-1].end() if matches else 0)
            tail = window[max(cut, 0) :]
    if merged is not None:
        del merged[most:]
    return False


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([^"]{1,40})"')


def _sheet_member(content: bytes, sheet_name: str) -> str:
    """The archive member holding a sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook_xml = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        sheet_id = next(
            sheet.get(f"{{{_RELATIONSHIP}}}id")
            for sheet in workbook_xml.iter(f"{{{_MAIN}}}sheet")
            if sheet.get("name") == sheet_name
        )
        target = next(r.get("Target") for r in relations if r.get("Id") == sheet_id)
        # "worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml" and "./worksheets/sheet1.xml"
        return posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        )


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _csv_encoding(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's “Unicode text”) or GBK, as Excel saves them;
    anything else is refused with the line of the first byte that is none of them."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif content.startswith(_UTF16_BOMS):
        candidates = ["utf-16"]
    elif content[1:200:2].count(0) > 40:  # every other byte NUL: UTF-16 without its mark
        candidates = ["utf-16-le"]
    else:
        candidates = ["utf-8", "gb18030"]
    first_bad = None
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(content), 1 << 16):
                decoder.decode(content[start : start + (1 << 16)])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as error:
            position = start + error.start
            first_bad = max(first_bad or 0, position)
    line = content.count(b"\n", 0, first_bad) + 1 if first_bad is not None else None
    byte = content[first_bad : first_bad + 1].hex() if first_bad is not None else ""
    raise _Stop(
        Problem(
            "CSV",
            None,
            None,
            _(
                "line %(line)s: byte 0x%(byte)s is not UTF-8, UTF-16 or GBK text: save the file "
                "as “CSV UTF-8” or “Unicode text”"
            )
            % {"line": line, "byte": byte},
        )
    )


def _csv_rows(content: bytes, limits: Limits) -> Iterator[tuple[int, tuple]]:
    """(row number, values) from the header on, decoded and split as they are read; rows are
    numbered as a spreadsheet shows the file (a field over several lines is one row)."""
    encoding = _csv_encoding(content)
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    lines = _bounded_lines(text, limits)
    first = next(lines, "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    header_seen, number = False, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                message = _("line %(line)s: a field is longer than %(max)s characters") % {
                    "line": reader.line_num,
                    "max": f"{csv.field_size_limit():,}",
                }
            else:
                message = _("line %(line)s: the CSV cannot be read here (%(error)s)") % {
                    "line": reader.line_num,
                    "error": error,
                }
            raise _Stop(Problem("CSV", None, None, message)) from None
        number += 1
        if not header_seen:
            if row[:1] != [HEADERS[0]] and number < 10:
                continue  # a title or hint above the header, as in the template
            header_seen = True
        yield number, tuple(None if v.strip() == "" else v for v in row)


def _bounded_lines(text: io.TextIOBase, limits: Limits) -> Iterator[str]:
    """Physical lines (\\n, \\r\\n or a lone \\r), each at most `limits.line_chars` long."""
    for number, line in enumerate(text, 1):
        if len(line) > limits.line_chars:
            raise _Stop(
                Problem(
                    "CSV",
                    None,
                    None,
                    _(
                        "line %(line)s is %(length)s characters long; a row holds at most "
                        "%(cells)s cells of %(chars)s characters"
                    )
                    % {
                        "line": number,
                        "length": f"{len(line):,}",
                        "cells": limits.cells,
                        "chars": f"{limits.cell_chars:,}",
                    },
                )
            )
        yield line


def _unit(value, districts, problem):
    """A District, None for the city, or False when unknown."""
    name = str(value or "").strip()
    if name == CITY_LABEL:
        return None
    if name not in districts:
        problem(0, _("unknown district %(name)r") % {"name": name})
        return False
    return districts[name]


def _year(value, plan: Plan, problem) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year not in plan.years:
        problem(
            1,
            _("the year must be one of %(years)s")
            % {"years": f"{plan.baseline_year}–{plan.end_year}"},
        )
        return None
    return year


def _input(values: list, problem) -> figures.FigureInput:
    data = figures.FigureInput()
    for name in ("numerator", "denominator", "value"):
        index = COLUMN_OF_FIELD[name]
        raw = values[index]
        if raw is None:
            continue
        if raw.__class__ is int:  # a whole number from a workbook: nothing to clean or check
            number = Decimal(raw)
            if _fits(number, name):
                setattr(data, name, number)
                continue
        text = str(raw)
        if text.startswith("="):
            continue  # a formula, reported once as a formula
        text = text.strip()
        if text == "":
            continue
        try:
            number = Decimal(text.replace(",", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problem(index, _("“%(text)s” is not a number") % {"text": _short(raw)})
            continue
        if not _fits(number, name):
            problem(
                index,
                _("“%(text)s” is too large: at most %(digits)s digits before the decimal point")
                % {"text": _short(raw), "digits": _integer_digits(name)},
            )
            continue
        setattr(data, name, number)
    achieved = values[COLUMN_OF_FIELD["achieved"]]
    if achieved is not None and str(achieved).strip() != "":
        word = str(achieved).strip().lower()
        if word in YES:
            data.achieved = True
        elif word in NO:
            data.achieved = False
        else:
            problem(
                COLUMN_OF_FIELD["achieved"],
                _("write 是 or 否, not “%(text)s”") % {"text": achieved},
            )
    day = values[COLUMN_OF_FIELD["achieved_on"]]
    if isinstance(day, datetime.datetime):
        data.achieved_on = day.date()
    elif isinstance(day, datetime.date):
        data.achieved_on = day
    elif day is not None and str(day).strip():
        try:
            data.achieved_on = datetime.date.fromisoformat(str(day).strip().replace("/", "-"))
        except ValueError:
            problem(
                COLUMN_OF_FIELD["achieved_on"],
                _("“%(text)s” is not a date (YYYY-MM-DD)") % {"text": day},
            )
    data.note = str(values[COLUMN_OF_FIELD["note"]] or "").strip()
    data.source = str(values[COLUMN_OF_FIELD["source"]] or "").strip()
    if len(data.source) > _SOURCE_CHARS:
        problem(
            COLUMN_OF_FIELD["source"],
            _("at most %(max)s characters (this one has %(length)s)")
            % {"max": _SOURCE_CHARS, "length": len(data.source)},
        )
    return data


# What the figure's columns can store: a bigger number would fail only when saving.
_SOURCE_CHARS = Figure._meta.get_field("source").max_length


def _integer_digits(name: str) -> int:
    column = Figure._meta.get_field(name)
    return column.max_digits - column.decimal_places


_INTEGER_DIGITS = {name: _integer_digits(name) for name in ("numerator", "denominator", "value")}


def _fits(number: Decimal, name: str) -> bool:
    """Whether the number, rounded as the column stores it, fits the column's digits."""
    adjusted = number.adjusted()
    if adjusted < _INTEGER_DIGITS[name] - 1:
        return True  # a digit to spare: rounding to the stored places cannot overflow it
    if adjusted >= _INTEGER_DIGITS[name] + 1:
        return False
    column = Figure._meta.get_field(name)
    with localcontext() as context:
        context.prec = 100
        stored = number.quantize(Decimal(1).scaleb(-column.decimal_places))
    return stored.is_zero() or stored.adjusted() < _integer_digits(name)


def fingerprint(upload: Upload) -> str:
    """A digest of the stored figures the upload touches, to notice changes before confirming."""
    state = sorted(
        (target, district or 0, year, version) for target, district, year, version in seen(upload)
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def seen(upload: Upload) -> list[list]:
    """Each figure the upload touches, in the file's order, and its version as the preview
    showed it (0: absent): [target, district (None: the city), year, version]."""
    return [
        [
            row.entry.key.target_id,
            row.entry.key.district_id,
            row.entry.key.year,
            row.current.version if row.current else figures.ABSENT,
        ]
        for row in upload.rows
    ]


def changed_since(previewed: list[list], *, most: int = 10) -> list[str]:
    """The figures among `previewed` (from `seen`) that are no longer as the preview showed
    them, each named by target, district and year with who changed it last, through what and
    when; the first `most`, then how many more."""
    versions = {figures.Key(t, d, y): version for t, d, y, version in previewed}
    if not versions:
        return []
    stored = figures.existing_for({k.district_id for k in versions}, {k.year for k in versions})
    changed = [
        key
        for key, version in versions.items()
        if (stored[key].version if key in stored else figures.ABSENT) != version
    ]
    shown = changed[:most]
    codes = dict(
        Target.objects.filter(pk__in={k.target_id for k in shown}).values_list("pk", "code")
    )
    names = dict(
        District.objects.filter(pk__in={k.district_id for k in shown}).values_list("pk", "name")
    )
    last: dict[int, FigureChange] = {}
    for change in (
        FigureChange.objects.filter(figure__in=[stored[k].pk for k in shown if k in stored])
        .select_related("changed_by__role__district", "changed_by__role__department")
        .order_by("figure_id", "-changed_at", "-pk")
    ):
        last.setdefault(change.figure_id, change)
    lines = []
    for key in shown:
        name = names.get(key.district_id) if key.district_id else _("city")
        figure = f"{codes.get(key.target_id, key.target_id)} · {name} · {key.year}"
        change = last.get(stored[key].pk) if key in stored else None
        if key not in stored:
            lines.append(_("%(figure)s: deleted") % {"figure": figure})
        elif change is None:
            lines.append(_("%(figure)s: changed") % {"figure": figure})
        else:
            lines.append(
                _("%(figure)s: %(action)s by %(who)s through %(channel)s at %(when)s")
                % {
                    "figure": figure,
                    "action": change.get_action_display(),
                    "who": change.who,
                    "channel": change.get_channel_display(),
                    "when": timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
    if len(changed) > most:
        lines.append(_("… and %(more)s more") % {"more": f"{len(changed) - most:,}"})
    return lines


def save(upload: Upload, *, user, filename: str = "") -> figures.Outcome:
    """Record a checked upload; a figure changed since it was read makes the whole save fail."""
    current = {row.entry.key: row.current for row in upload.rows if row.current is not None}
    with collector.paused():
        return figures.record(
            [row.entry for row in upload.rows],
            user=user,
            channel=upload.channel,
            current=current,
            comment=filename,
        )
