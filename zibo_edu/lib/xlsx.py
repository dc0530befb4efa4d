"""The values of a worksheet's rows, read straight from its XML: openpyxl's streaming read
(`iter_rows(values_only=True)` on a read-only workbook) without its per-cell cost.

openpyxl builds an element, a dict and a coordinate lookup for every cell; for a 10,000-row
upload that is most of the time an import takes. This feeds the sheet's XML to expat in chunks and
keeps, per cell, only what makes its value, which it gives as openpyxl does: numbers as int or
float (a date or time format makes them datetime or timedelta, on the workbook's epoch), shared
and inline strings as text, booleans, ISO dates, error codes, and a formula as "=" and its text
(the cached result is not read). The workbook itself (shared strings, styles, epoch) is opened
by openpyxl.

A DTD or entity declaration is refused (ValueError), never expanded, and nothing is fetched.
"""

from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.utils.datetime import from_excel, from_ISO8601

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# expat names a namespaced element "<namespace> <local name>", whatever prefix the file uses.
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT, _RUN, _PHONETIC = (
    f"{MAIN} {tag}" for tag in ("row", "c", "v", "f", "is", "t", "r", "rPh")
)
_COLUMN_DIGITS = {chr(ord("A") + n): n + 1 for n in range(26)}
CHUNK = 1 << 16
EXCEL_CELL_CHARS = 32_767  # the most one cell can hold in Excel


def rows(sheet, *, min_row: int, max_col: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values of columns 1…max_col) of a read-only openpyxl worksheet, from
    `min_row` on, in the order the file holds them. Rows the file leaves out are not yielded,
    except `min_row` itself (empty) when the file starts below it.

    A cell that cannot be read (a number that is not one, a shared string that does not exist)
    raises ValueError or IndexError, and damaged XML expat.ExpatError, after the rows before it
    have been yielded."""
    book = sheet.parent
    reader = _SheetReader(
        sheet._shared_strings,
        book.epoch,
        book._date_formats,
        book._timedelta_formats,
        min_row=min_row,
        max_col=max_col,
    )
    with sheet._get_source() as source:
        while True:
            chunk = source.read(CHUNK)
            try:
                reader.feed(chunk, final=not chunk)
            except Exception:
                yield from reader.take()  # the rows read before the damage, then the damage
                raise
            yield from reader.take()
            if not chunk:
                return


class _SheetReader:
    """expat's handlers for a sheet: the rows read so far wait in `done` until taken."""

    def __init__(self, shared_strings, epoch, date_styles, timedelta_styles, *, min_row, max_col):
        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_styles = {int(s) for s in date_styles}
        self.timedelta_styles = {int(s) for s in timedelta_styles}
        self.min_row, self.max_col = min_row, max_col
        self.started = False
        self.done: list[tuple[int, tuple]] = []
        # The cell being read: its row, column, type, style, and the text of its parts.
        self.number = self.column = 0
        self.values: list = []
        self.kind = self.style = None
        self.value = self.formula = self.plain = None
        self.runs: list[str] | None = None
        self.text: str | None = None  # collecting the text of a <v>, <f> or <t>
        self.in_run = self.phonetic = False  # inside an inline string's run, or phonetic guide
        self.parser = parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = CHUNK
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.refuse
        parser.EntityDeclHandler = self.refuse
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def feed(self, chunk: bytes, *, final: bool) -> None:
        self.parser.Parse(chunk, final)

    def take(self) -> list[tuple[int, tuple]]:
        done, self.done = self.done, []
        return done

    @staticmethod
    def refuse(*_args) -> None:
        raise ValueError("the sheet declares a DTD or entities")

    def characters(self, data: str) -> None:
        if self.text is not None:
            if len(self.text) + len(data) > EXCEL_CELL_CHARS:  # bounds memory, and time: += copies
                raise ValueError(
                    f"a cell holds more than {EXCEL_CELL_CHARS:,} characters, more than Excel can"
                )
            self.text += data

    def start(self, name: str, attrs: dict) -> None:
        if name == _CELL:
            reference = attrs.get("r")
            if reference is None:
                self.column += 1
            elif "A" <= reference[0] <= "Z" and reference[1:2] < "A":  # "A4" … "Z99"
                self.column = ord(reference[0]) - 64
            else:
                self.column = _column(reference)
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value = self.formula = self.plain = self.runs = None
        elif name == _VALUE or name == _TEXT or name == _FORMULA:
            self.text = ""
        elif name == _INLINE:
            self.runs = []
        elif name == _ROW:
            declared = attrs.get("r")
            self.number = _row_number(declared) if declared else self.number + 1
            self.column = 0
            self.values = [None] * self.max_col
        elif name == _RUN:
            self.in_run = True
        elif name == _PHONETIC:
            self.phonetic = True

    def end(self, name: str) -> None:
        if name == _VALUE:
            self.value, self.text = self.text, None
        elif name == _CELL:
            if 0 < self.column <= self.max_col:
                self.values[self.column - 1] = self.cell_value()
        elif name == _TEXT:
            text, self.text = self.text, None
            if self.runs is not None and not self.phonetic:
                if self.in_run:
                    self.runs.append(text)
                else:
                    self.plain = text
        elif name == _ROW:
            self.row_done()
        elif name == _FORMULA:
            self.formula, self.text = self.text, None
        elif name == _RUN:
            self.in_run = False
        elif name == _PHONETIC:
            self.phonetic = False

    def row_done(self) -> None:
        if self.number < self.min_row:
            return
        if not self.started and self.number > self.min_row:
            self.done.append((self.min_row, (None,) * self.max_col))
        self.started = True
        self.done.append((self.number, tuple(self.values)))

    def cell_value(self):
        """As openpyxl's WorkSheetParser.parse_cell (data_only=False)."""
        if self.formula is not None:
            return "=" + self.formula
        kind = self.kind
        if kind == "inlineStr":
            if self.runs is None:
                return None
            return (self.plain or "") + "".join(self.runs)
        value = self.value
        if not value:
            return None
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "n":
            number = float(value) if "." in value or "E" in value or "e" in value else int(value)
            if self.style and int(self.style) in self.date_styles:
                try:
                    return from_excel(
                        number, self.epoch, timedelta=int(self.style) in self.timedelta_styles
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a date serial outside what dates hold, as openpyxl says
            return number
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's cached text) and "e" (an error such as #N/A)


def _row_number(declared: str) -> int:
    try:
        return int(declared)
    except ValueError:
        number = float(declared)  # "4.0", as some writers put it
        if not number.is_integer():
            raise ValueError(f"{declared} is not a valid row number") from None
        return int(number)


def _column(reference: str) -> int:
    """The column of "N4" or "AB12": 14, 28."""
    column = 0
    for char in reference.upper():
        digit = _COLUMN_DIGITS.get(char)
        if digit is None:
            break
        column = column * 26 + digit
    return column
