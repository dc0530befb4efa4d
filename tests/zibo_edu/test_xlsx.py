"""zibo_edu.lib.xlsx reads the values openpyxl's streaming read gives, for every kind of cell."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from zibo_edu.lib import xlsx

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _openpyxl(content: bytes, min_row: int, max_col: int) -> list[tuple[int, tuple]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True)
    return [(n, r) for n, r in enumerate(rows, min_row) if any(v is not None for v in r)]


def _ours(content: bytes, min_row: int, max_col: int) -> list[tuple[int, tuple]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [
        (n, r)
        for n, r in xlsx.rows(sheet, min_row=min_row, max_col=max_col)
        if any(v is not None for v in r)
    ]


def _with_sheet(xml: str) -> bytes:
    book = Workbook()
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            sheet = item.filename == "xl/worksheets/sheet1.xml"
            z.writestr(item.filename, xml.encode() if sheet else source.read(item.filename))
    return out.getvalue()


def test_a_workbook_of_every_kind_of_value_reads_as_openpyxl_reads_it():
    book = Workbook()
    sheet = book.active
    sheet.append(["标题"])
    sheet.append(
        ["张店区", 2024, 2.5, True, False, datetime.date(2024, 3, 1),
         datetime.datetime(2024, 3, 1, 12, 0), "=A1+1", None, "是", 1e20, -3,
         datetime.time(12, 30), datetime.timedelta(hours=5)]
    )  # fmt: skip
    sheet["B5"] = " 带空格 "
    sheet["N7"] = 3
    sheet["O7"] = "beyond the columns read"
    sheet.cell(row=9, column=2, value="=SUM(A1:A2)")
    out = io.BytesIO()
    book.save(out)
    for min_row in (1, 2, 3):
        assert _ours(out.getvalue(), min_row, 14) == _openpyxl(out.getvalue(), min_row, 14)


def test_cells_written_by_other_tools_read_as_openpyxl_reads_them():
    """Inline strings with runs and a phonetic guide, cells and rows without references, error
    codes, cached formula text, ISO dates, "7.0" row numbers, a formula's cached value."""
    xml = (
        f'<worksheet {MAIN}><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t> a b </t></is></c>'
        '<c r="B1" t="inlineStr"><is><r><t>x</t></r><r><rPr/><t>y</t></r>'
        '<rPh sb="0" eb="1"><t>ph</t></rPh></is></c>'
        '<c r="C1" t="inlineStr"><is><t/></is></c><c r="D1" t="inlineStr"/>'
        '<c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="str"><v>s</v></c>'
        '<c r="G1" t="d"><v>2024-01-02</v></c><c t="n"><v>4</v></c>'
        '<c r="J1"><f>A1</f><v>3</v></c><c r="K1" t="inlineStr"><f>A1</f><is><t>q</t></is></c>'
        '<c r="L1" t="n"><v></v></c></row>'
        '<row><c><v>1.5E3</v></c><c t="b"><v>0</v></c></row>'
        '<row r="7.0"><c r="A7" t="b"><v>1</v></c><c r="AB7"><v>9</v></c></row>'
        "</sheetData></worksheet>"
    )
    content = _with_sheet(xml)
    assert _ours(content, 1, 30) == _openpyxl(content, 1, 30)
    assert _ours(content, 1, 30)[0][1][:3] == (" a b ", "xy", "")


def test_shared_strings_and_date_styles_as_excel_writes_them_read_as_openpyxl_reads_them():
    """Excel keeps text in a shared table (openpyxl writes it inline) and dates as numbers with
    a date style, here style 1 (the date of the first cell openpyxl wrote)."""
    book = Workbook()
    book.active["A1"] = datetime.date(2024, 1, 1)
    plain = io.BytesIO()
    book.save(plain)
    strings = (
        f'<sst {MAIN} count="3" uniqueCount="3"><si><t>张店区</t></si>'
        "<si><r><t>二(一)</t></r><r><t>4-1</t></r></si><si><t>_x005F_x000D_</t></si></sst>"
    )
    sheet = (
        f'<worksheet {MAIN}><sheetData><row r="1" spans="1:4">'
        '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" s="1"><v>45473</v></c>'
        '<c r="D1" t="s"><v>2</v></c><c r="E1" s="1"><v>4.5</v></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            z.writestr(item.filename, data)
        z.writestr("xl/sharedStrings.xml", strings.encode())
    content = out.getvalue()
    assert _ours(content, 1, 5) == _openpyxl(content, 1, 5)
    assert _ours(content, 1, 5)[0][1][:3] == ("张店区", "二(一)4-1", datetime.datetime(2024, 6, 30))


def test_the_first_row_asked_for_comes_first_even_when_the_file_skips_it():
    content = _with_sheet(f'<worksheet {MAIN}><sheetData><row r="5"><c r="A5"><v>1</v></c></row>'
                          "</sheetData></worksheet>")  # fmt: skip
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert list(xlsx.rows(sheet, min_row=3, max_col=2)) == [(3, (None, None)), (5, (1, None))]


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        ('<c r="A5" t="n"><v>abc</v></c>', ValueError),
        ('<c r="A5" t="s"><v>999</v></c>', IndexError),
        ('<c r="A5" t="b"><v>x</v></c>', ValueError),
        ('<c r="A5"><v>1</v>', Exception),  # the XML ends inside the cell
        (f'<c r="A5" t="str"><v>{"x" * 40_000}</v></c>', ValueError),  # more than Excel holds
    ],
)
def test_rows_before_a_bad_cell_come_out_before_the_error(cell, error):
    xml = (
        f'<worksheet {MAIN}><dimension ref="A4:A5"/><sheetData>'
        f'<row r="4"><c r="A4"><v>1</v></c></row><row r="5">{cell}'
    )
    xml += "</row></sheetData></worksheet>" if cell.endswith("</c>") else ""
    sheet = load_workbook(io.BytesIO(_with_sheet(xml)), read_only=True).worksheets[0]
    rows = xlsx.rows(sheet, min_row=4, max_col=1)
    assert next(rows) == (4, (1,))
    with pytest.raises(error):
        next(rows)
