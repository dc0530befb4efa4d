"""A corpus of broken and hostile uploads, made on the fly (no binary blobs in the repository).

Every maker returns (file name, bytes). The workbooks are real .xlsx archives whose sheet XML is
written here, so a case can hold exactly the damage it is about.
"""

import codecs
import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from targets.workbook import HEADERS, SHEET

SHEET_XML = "xl/worksheets/sheet1.xml"
# A target reported by every district, entered as a whole number (column J, 数值).
GOOD_ROW = ["张店区", 2024, "二(一)6-3", "区县典型性劳动教育基地", "", "", "", "", "", 7]
VALUE_COLUMN = HEADERS.index("数值") + 1


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    lines = [delimiter.join(HEADERS)]
    lines += [delimiter.join(str(v) for v in row) for row in rows]
    return "\n".join(lines)


def _cell(row: int | None, column: int, value) -> str:
    """A cell; without a row number it has no reference (readers count columns)."""
    ref = f' r="{get_column_letter(column)}{row}"' if row else ""
    if isinstance(value, int | float):
        return f'<c{ref} t="n"><v>{value}</v></c>'
    return f'<c{ref} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(
    rows: list[list], *, dimension: str | None = None, raw_rows: str = "", prolog: str = ""
) -> bytes:
    """The 填报 sheet: title, hint, header (row 3), then `rows` from row 4; `raw_rows` is XML
    appended inside <sheetData> as it is."""
    all_rows = [["标题"], ["说明"], HEADERS, *rows]
    body = "".join(
        f'<row r="{n}">'
        + "".join(_cell(n, c, v) for c, v in enumerate(values, 1) if v != "")
        + "</row>"
        for n, values in enumerate(all_rows, 1)
    )
    ref = dimension or f"A1:N{len(all_rows)}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{ref}"/><sheetData>{body}{raw_rows}</sheetData></worksheet>'
    ).encode()


def xlsx(sheet: bytes | None = None, *, replace: dict[str, bytes] | None = None, extra=()) -> bytes:
    """A workbook with one sheet named 填报 holding `sheet` (default: one good row)."""
    book = Workbook()
    book.active.title = SHEET
    plain = io.BytesIO()
    book.save(plain)
    members = {SHEET_XML: sheet if sheet is not None else sheet_xml([GOOD_ROW])}
    members.update(replace or {})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, members.pop(item.filename, source.read(item.filename)))
        for name, content in members.items():
            target.writestr(name, content)
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


BASE_MEMBERS = len(zipfile.ZipFile(io.BytesIO(xlsx())).namelist())


def corrupt_member(content: bytes, member: str = SHEET_XML) -> bytes:
    """Flip bytes in the middle of a member's compressed data (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(member)
    data = bytearray(content)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + min(info.compress_size, 40)):
        data[offset] ^= 0x5A
    return bytes(data)


def whitespace_bomb(megabytes: int) -> bytes:
    """A small file whose sheet XML unpacks to `megabytes` of whitespace."""
    out = io.BytesIO()
    book = Workbook()
    book.active.title = SHEET
    plain = io.BytesIO()
    book.save(plain)
    head, tail = sheet_xml([GOOD_ROW]).split(b"<sheetData>")
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != SHEET_XML:
                target.writestr(item.filename, source.read(item.filename))
        with target.open(SHEET_XML, "w") as stream:
            stream.write(head + b"<sheetData>")
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                stream.write(block)
            stream.write(tail)
    return out.getvalue()


def entity_bomb() -> bytes:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    return xlsx(
        sheet_xml([["张店区", 2024, "二(一)6-3", "&i;"]], prolog=prolog).replace(b"&amp;i;", b"&i;")
    )


def many_rows_xlsx(rows: int, row: list | None = None) -> bytes:
    """`rows` data rows, written as raw XML (openpyxl would take minutes to write them)."""
    values = row or ["淄博区", 2024, "X", "", "", "", "", "", "", "十"]
    cells = "".join(_cell(None, c, v) for c, v in enumerate(values, 1))
    body = "".join(f'<row r="{n}">{cells}</row>' for n in range(4, 4 + rows))
    return xlsx(sheet_xml([], raw_rows=body, dimension=f"A1:N{rows + 3}"))


def utf16_unicode_text(rows: list[list]) -> bytes:
    """What Excel's “Unicode text” saves: UTF-16 little-endian with its mark, tab-separated."""
    return codecs.BOM_UTF16_LE + csv_text(rows, "\t").replace("\n", "\r\n").encode("utf-16-le")


def dot_relative_sheet() -> bytes:
    """The workbook's relationship names its sheet "./worksheets/sheet1.xml", which openpyxl
    opens (and a reader joining it to "xl/" naively does not)."""
    book = Workbook()
    book.active.title = SHEET
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as archive:
        relations = archive.read("xl/_rels/workbook.xml.rels")
    relations = relations.replace(b'Target="/xl/worksheets/', b'Target="./worksheets/')
    assert b"./worksheets/" in relations
    return xlsx(replace={"xl/_rels/workbook.xml.rels": relations})


def many_short_bad_rows_csv(size: int = 10 * 2**20 - 1024) -> bytes:
    """The report's killer: a 10 MB CSV of about 1.3 million short rows, every one bad."""
    row = "x,1,y\n"
    count = size // len(row)
    return (",".join(HEADERS) + "\n" + row * count).encode()
