"""CSV and Excel exports of the progress tables, made to open cleanly in Chinese Excel.

CSV: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as GBK and garbles the Chinese).
Excel: a named sheet, real numbers with number and percentage formats, readable column widths, and
the year of each value beside it (a city value may come from an earlier, complete year).
"""

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from targets.display import (
    PERCENTAGE_POINTS,
    binding_label,
    describe,
    requirement,
    unit_of,
    warning_label,
)
from targets.models import Target
from zibo_edu.lib.cells import csv_cell, text_only

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT, ONE_DECIMAL, WHOLE, SIGNED = "0.0%", "#,##0.0", "#,##0", "+0.0;-0.0;0.0"


def headers() -> list[str]:
    return [
        _("Code"),
        _("Target"),
        _("Lead department"),
        _("Value"),
        _("Unit"),
        _("Year of the value"),
        _("Plan"),
        _("Deadline"),
        _("Status"),
        _("Districts behind"),
        _("Binding"),
    ]


def _value(target: Target, progress) -> tuple[object, str, str]:
    """(cell value, Excel number format, unit) for a progress value: numbers stay numbers."""
    value = progress.value
    numeric = (
        value is not None
        and progress.count is None
        and target.entry not in (Target.Entry.YES_NO, Target.Entry.MILESTONE)
    )
    if not numeric:
        return describe(target, progress), "@", ""
    value = Decimal(value)
    if target.kind == Target.Kind.ANNUAL_CHANGE:
        unit = str(PERCENTAGE_POINTS) if target.entry == Target.Entry.FRACTION else unit_of(target)
        return float(value), SIGNED, unit
    if target.is_percentage:
        return float(value / 100), PERCENT, "%"
    whole = value == value.to_integral_value()
    return (
        (int(value) if whole else float(value)),
        WHOLE if whole else ONE_DECIMAL,
        unit_of(target),
    )


def _rows(records: Sequence, year: int) -> list[tuple[list, list[str]]]:
    rows = []
    for record in records:
        target, progress = record.target, record.progress
        value, number_format, unit = _value(target, progress)
        status = capfirst(progress.label) + ("*" if progress.provisional else "")
        if record.warned:  # 序时进度 预警
            status += f"（{warning_label()}）"
        cells = [
            target.code,
            target.name,
            str(target.lead_department or ""),
            value,
            unit,
            progress.year or year if progress.value is not None else None,
            requirement(target),
            target.deadline_year,
            status,
            record.behind,
            binding_label(target),
        ]
        formats = ["@", "@", "@", number_format, "@", "0", "@", "0", "@", "0", "@"]
        rows.append((cells, formats))
    return rows


def response(export: str, records: Sequence, *, year: int, name: str, title: str) -> HttpResponse:
    """The table as CSV or xlsx; `title` names the sheet."""
    rows = _rows(records, year)
    if export == "csv":
        return _csv(rows, name)
    return _xlsx(rows, name, title)


def _csv(rows, name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for cells, formats in rows:
        writer.writerow(
            [
                f"{cell * 100:.1f}" if fmt == PERCENT else "" if cell is None else csv_cell(cell)
                for cell, fmt in zip(cells, formats, strict=True)
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)  # CJK is twice as wide


def _xlsx(rows, name: str, title: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
    for cells, formats in rows:
        sheet.append(cells)
        for cell, number_format in zip(sheet[sheet.max_row], formats, strict=True):
            cell.number_format = "General" if number_format == "@" else number_format
    sheet.freeze_panes = "C2"
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        widest = max((_width(value) for value in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    text_only(book)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
