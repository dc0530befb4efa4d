"""Writing the template bureaus fill in: one row per (district, year, target), with last year's
figures beside the cells to fill."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from departments.models import District
from plans.models import Plan
from targets import figures
from targets.display import display_value, requirement
from targets.models import Figure, Target
from targets.workbook.layout import (
    CITY_LABEL,
    COLUMN_OF_FIELD,
    FIRST_ROW,
    HEADERS,
    INPUT_COLUMNS,
    SHEET,
)
from zibo_edu.lib import cells


def build_template(plan: Plan, units: list[District | None], year: int) -> bytes:
    """A workbook for these districts (None: the city) and year, with last year's figures."""
    targets = list(Target.objects.of_plan(plan).for_listing())
    stored = figures.existing_for({u.pk if u else None for u in units}, {year, year - 1})
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _write_heading(sheet, plan, units, year)
    for unit in units:
        _write_rows(sheet, unit, year, targets, stored)
    _finish(sheet)
    cells.text_only(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


_TO_FILL = PatternFill("solid", fgColor="FFF6CC")
_UNLOCKED = Protection(locked=False)
_WIDTHS = [10, 7, 11, 30, 34, 16, 20, 11, 11, 11, 9, 12, 24, 16]


def _write_heading(sheet, plan: Plan, units: list[District | None], year: int) -> None:
    """The title, the hint and the header: rows 1 to 3."""
    names = "、".join(u.name if u else CITY_LABEL for u in units)
    sheet["A1"] = f"{plan.title} · {names} · {year}年 指标数据填报"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        "只填写黄色单元格；比率类指标填写分子和分母（百分比由系统计算）；是否达成填“是”或“否”；"
        "请勿改动其他单元格、插入合并单元格或使用公式。"
    )
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E4E9EF")


def _write_rows(
    sheet, unit: District | None, year: int, targets: list[Target], stored: dict
) -> None:
    """A row per target the district (None: the city) reports, its input cells unlocked."""
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
                requirement(target),
                display_value(previous) if previous else "",
                *_values(figure),
            ]
        )
        for index in COLUMN_OF_FIELD.values():
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            cell.protection, cell.fill = _UNLOCKED, _TO_FILL


def _finish(sheet) -> None:
    """是/否 choices, column widths, wrapped text, frozen panes and the sheet's protection."""
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    yes_no.add(f"K{FIRST_ROW}:K{max(sheet.max_row, FIRST_ROW)}")
    for index, width in enumerate(_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"D{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False


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
