"""Figure workbooks: the Excel template bureaus fill in, and reading it (or a CSV) back.

One row per (district, year, target). The first three rows are the title, a hint and the header;
figures start on row 4. Reading is all or nothing: every problem is reported with its sheet, row,
column and rule, and rows only become figures through `figures.check` and `figures.record`, like
every other way in.
"""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from departments.models import District
from plans.models import Plan
from targets import access, figures
from targets.display import display_value
from targets.models import Figure, ReportingPeriod, Target

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
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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


def read(content: bytes, filename: str, *, plan: Plan, user) -> Upload:
    """Read and check a workbook or CSV: every row valid and permitted, or WorkbookError."""
    is_csv = filename.lower().endswith(".csv")
    sheet_name, raw_rows = _csv_rows(content) if is_csv else _excel_rows(content)
    upload = Upload(channel="csv" if is_csv else "excel")
    problems: list[Problem] = []
    header = [str(v).strip() if v is not None else "" for v in (raw_rows[0] if raw_rows else [])]
    if header[: len(HEADERS)] != HEADERS:
        missing = [h for i, h in enumerate(HEADERS) if i >= len(header) or header[i] != h]
        raise WorkbookError(
            [
                Problem(
                    sheet_name,
                    FIRST_ROW - 1,
                    None,
                    _("the header row must read %(expected)s; differs at: %(missing)s")
                    % {"expected": "、".join(HEADERS), "missing": "、".join(missing)},
                )
            ]
        )
    districts = {d.name: d for d in District.objects.filter(city=plan.city)}
    targets = {
        t.code: t
        for t in Target.objects.of_plan(plan)
        .select_related("task")
        .prefetch_related("task__assignments")
    }
    parsed, seen = [], {}
    for offset, values in enumerate(raw_rows[1:]):
        number = FIRST_ROW + offset
        values = list(values) + [None] * (len(HEADERS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue  # empty rows are allowed anywhere
        row_problems: list[Problem] = []

        def problem(index: int | None, message: str, number=number, row_problems=row_problems):
            column = _column(index) if index is not None else None
            row_problems.append(Problem(sheet_name, number, column, message))

        for index, value in enumerate(values[: len(HEADERS)]):
            if isinstance(value, str) and value.startswith("="):
                problem(index, _("formulas are not accepted: paste the value instead"))
        district = _unit(values[0], districts, problem)
        year = _year(values[1], plan, problem)
        target = targets.get(str(values[2] or "").strip())
        if target is None:
            problem(2, _("unknown target code %(code)r") % {"code": values[2]})
        elif district is not False and (target.reported_by == Target.Reporter.CITY) != (
            district is None
        ):
            problem(
                2,
                _("%(code)s is not reported by %(unit)s")
                % {"code": target.code, "unit": values[0]},
            )
        if district is not False and not access.may_enter(user, district):
            problem(0, _("you may not enter figures for %(unit)s") % {"unit": values[0]})
        data = _input(values, problem)
        if data.is_empty() and not row_problems:
            continue  # a template row left blank: nothing entered (it never clears a figure)
        if row_problems or target is None or district is False or year is None:
            problems += row_problems
            continue
        key = figures.Key(target.pk, district.pk if district else None, year)
        if key in seen:
            problem(
                2,
                _("the same target, district and year is already on row %(row)d")
                % {"row": seen[key]},
            )
            problems += row_problems
            continue
        seen[key] = number
        parsed.append((number, key, target, district, data))
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
            errors["state"] = _("this figure is %(state)s and cannot change") % {
                "state": current.get_state_display()
            }
        for name, message in errors.items():
            column = _column(COLUMN_OF_FIELD[name]) if name in COLUMN_OF_FIELD else None
            problems.append(Problem(sheet_name, number, column, message))
        version = current.version if current else None
        upload.rows.append(
            Row(number, figures.Entry(key, data, version), target, district, current)
        )
    if problems:
        raise WorkbookError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if not upload.rows:
        raise WorkbookError([Problem(sheet_name, None, None, _("the file holds no figures"))])
    return upload


def _excel_rows(content: bytes) -> tuple[str, list[tuple]]:
    """The sheet's rows from the header on, read in openpyxl's read-only (streaming) mode."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise WorkbookError(
            [
                Problem(
                    _("file"),
                    None,
                    None,
                    _(
                        "this is not an Excel workbook (.xlsx): upload the downloaded template, "
                        "or a CSV"
                    ),
                )
            ]
        ) from None
    try:
        if SHEET not in book.sheetnames:
            found = "、".join(book.sheetnames)
            raise WorkbookError(
                [
                    Problem(
                        _("file"),
                        None,
                        None,
                        _("there is no sheet named “%(sheet)s” (sheets found: %(found)s)")
                        % {"sheet": SHEET, "found": found},
                    )
                ]
            )
        merged = _merged_ranges(content, SHEET)
        if merged:
            message = _(
                "merged cells are not accepted (%(ranges)s): unmerge them and fill every row"
            ) % {"ranges": "、".join(merged)}
            raise WorkbookError([Problem(SHEET, None, None, message)])
        sheet = book[SHEET]
        rows = list(sheet.iter_rows(min_row=FIRST_ROW - 1, max_col=len(HEADERS), values_only=True))
    finally:
        book.close()
    return SHEET, rows


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([^"]+)"')


def _merged_ranges(content: bytes, sheet_name: str) -> list[str]:
    """Merged ranges of a sheet, read from the file's XML (read-only mode does not expose them)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook_xml = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        sheet_id = next(
            sheet.get(f"{{{_RELATIONSHIP}}}id")
            for sheet in workbook_xml.iter(f"{{{_MAIN}}}sheet")
            if sheet.get("name") == sheet_name
        )
        target = next(r.get("Target") for r in relations if r.get("Id") == sheet_id)
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return [ref.decode() for ref in _MERGE.findall(archive.read(path))]


def _csv_rows(content: bytes) -> tuple[str, list[tuple]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next((i for i, r in enumerate(rows) if r[:1] == [HEADERS[0]]), 0)
    blanks = [tuple(None if v.strip() == "" else v for v in r) for r in rows[header_at:]]
    return "CSV", blanks


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
        if raw is None or str(raw).strip() == "" or str(raw).startswith("="):
            continue  # empty, or a formula (reported once, as a formula)
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
            if not number.is_finite():
                raise InvalidOperation
            setattr(data, name, number)
        except InvalidOperation:
            problem(index, _("“%(text)s” is not a number") % {"text": raw})
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
    return data


def fingerprint(upload: Upload) -> str:
    """A digest of the stored figures the upload touches, to notice changes before confirming."""
    state = sorted(
        (
            row.entry.key.target_id,
            row.entry.key.district_id or 0,
            row.entry.key.year,
            row.current.version if row.current else 0,
        )
        for row in upload.rows
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def save(upload: Upload, *, user, filename: str = "") -> figures.Outcome:
    """Record a checked upload; a figure changed since it was read makes the whole save fail."""
    current = {row.entry.key: row.current for row in upload.rows if row.current is not None}
    return figures.record(
        [row.entry for row in upload.rows],
        user=user,
        channel=upload.channel,
        current=current,
        comment=filename,
    )
