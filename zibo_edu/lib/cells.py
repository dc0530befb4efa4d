"""Text written to a spreadsheet stays text (CSV/formula injection, OWASP).

A user's text may start like a formula: `=HYPERLINK("http://x","y")`, `+1+cmd|...`, `-2+3`,
`@SUM(...)`, or a tab or carriage return before one. Excel and LibreOffice run such a cell when
it opens a CSV, and openpyxl itself stores a string starting with "=" as a formula. So:

- CSV: such text gets a leading single quote (OWASP's advice); numbers are not text and stay
  numbers.
- xlsx: every string cell is stored as a string, never a formula, and one that starts like a
  formula is marked "quote prefix" (Excel's own way to show text that looks like a formula: the
  value is unchanged, so an import of the file reads back exactly what was written, "-3" too).

Every CSV and xlsx writer of the project goes through `csv_row` or `text_only`.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A CSV field: formula-like text behind a single quote; anything else as it is."""
    return "'" + value if starts_like_formula(value) else value


def csv_row(values: Iterable) -> list:
    return [csv_cell(value) for value in values]


def text_only(book) -> None:
    """Every string cell of this openpyxl workbook stays a string (the writers of this project
    write values, never formulas): a cell openpyxl took for a formula becomes text again, and
    formula-like text is quote-prefixed. Call it just before saving."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"
                if cell.data_type == "s" and starts_like_formula(cell.value):
                    cell.quotePrefix = True


def csv_text(rows: Iterable[Iterable]) -> str:
    """Rows as CSV for Chinese Excel: UTF-8 behind a byte-order mark (without it Excel reads
    UTF-8 as GBK), formula-like text quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(csv_row("" if value is None else value for value in row))
    return "\ufeff" + out.getvalue()


def workbook_bytes(rows: Iterable[Iterable], *, title: str = "Sheet") -> bytes:
    """Rows as a one-sheet xlsx, the first row bold, numbers as numbers, text as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_only(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
