"""Reading an upload's rows, streamed: a workbook after its archive checks (size, members, DTDs,
merged cells), or a CSV in whatever encoding Excel saved it; rows and lines bounded by `Limits`."""

import codecs
import contextlib
import csv
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from targets.workbook.layout import FIRST_ROW, HEADERS, SHEET
from targets.workbook.problems import Limits, Problem, Stop
from zibo_edu.lib import xlsx


@contextlib.contextmanager
def rows_of(content: bytes, is_csv: bool, limits: Limits, first_header: str = HEADERS[0]):
    """(sheet name, iterator of row values from the header on), streamed; a CSV's header is the
    first row starting with `first_header` (the figures template's, or another workbook's)."""
    if is_csv:
        yield "CSV", _csv_rows(content, limits, first_header)
        return
    with _opened_workbook(content, limits) as sheet:
        yield SHEET, _sheet_rows(sheet)


def _not_excel(detail: str = "") -> Stop:
    message = _("this is not an Excel workbook (.xlsx): upload the downloaded template, or a CSV")
    if detail:
        message = f"{message} ({detail})"
    return Stop(Problem(_("file"), None, None, message))


def _damaged(detail: str, row: int | None = None) -> Stop:
    return Stop(
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
    merged_by_member = check_archive(content, limits)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Stop:
        raise
    except (zipfile.BadZipFile, InvalidFileException) as error:
        raise _not_excel(str(error)[:120]) from None
    except Exception as error:  # any parser error of a damaged file: never a 500
        raise _damaged(f"{type(error).__name__}: {error}") from None
    try:
        if SHEET not in book.sheetnames:
            found = "、".join(book.sheetnames)
            raise Stop(
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
            raise Stop(Problem(SHEET, None, None, message))
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
        except Stop:
            raise
        except Exception as error:  # a cell whose type does not match its content, bad XML …
            raise Stop(
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


def check_archive(content: bytes, limits: Limits) -> dict[str, list[str]]:
    """Refuse before parsing: too many members, too much unpacked, DTDs (entity bombs). Returns
    the merged ranges of each worksheet (read-only mode does not expose them), found in the same
    pass over its XML."""
    _check_member_count(content, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_unpacked_size(members, limits)
            return _scan_members(archive, members)
    except Stop:
        raise
    except zipfile.BadZipFile as error:
        raise _not_excel(str(error)[:120]) from None
    except Exception as error:  # a member that does not unpack: bad CRC, bad deflate data
        raise _damaged(f"{type(error).__name__}: {error}") from None


def _check_member_count(content: bytes, limits: Limits) -> None:
    """The members the archive's directory declares, read from its end before opening it."""
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if end < 0 or len(content) < end + 22:
        raise _not_excel()
    declared_members = int.from_bytes(content[end + 10 : end + 12], "little")
    if declared_members > limits.zip_members:
        raise _damaged(
            _("%(n)s members in the archive; a workbook has a few dozen") % {"n": declared_members}
        )


def _check_unpacked_size(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.uncompressed_bytes:
        raise Stop(
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


def _scan_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, list[str]]:
    """Refuse a DTD or entities in any XML member; the merged ranges of each on the way."""
    merged: dict[str, list[str]] = {}
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        if member.filename.endswith(".xml"):  # any may be the sheet: all are scanned
            merged[member.filename] = []
        if _declares(archive, member, merged.get(member.filename)):
            raise Stop(
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
    raise Stop(
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


def _csv_rows(
    content: bytes, limits: Limits, first_header: str = HEADERS[0]
) -> Iterator[tuple[int, tuple]]:
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
            raise Stop(Problem("CSV", None, None, message)) from None
        number += 1
        if not header_seen:
            if row[:1] != [first_header] and number < 10:
                continue  # a title or hint above the header, as in the template
            header_seen = True
        yield number, tuple(None if v.strip() == "" else v for v in row)


def _bounded_lines(text: io.TextIOBase, limits: Limits) -> Iterator[str]:
    """Physical lines (\\n, \\r\\n or a lone \\r), each at most `limits.line_chars` long."""
    for number, line in enumerate(text, 1):
        if len(line) > limits.line_chars:
            raise Stop(
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
