"""Figure workbooks: the Excel template bureaus fill in, and reading it (or a CSV) back.

One row per (district, year, target). The first three rows are the title, a hint and the header;
figures start on row 4. Reading is all or nothing: every problem is reported with its sheet, row,
column and rule, and rows only become figures through `figures.check` and `figures.record`, like
every other way in.
"""

from targets.workbook.layout import (
    CITY_LABEL,
    COLUMN_OF_FIELD,
    FIRST_ROW,
    HEADERS,
    INPUT_COLUMNS,
    NO,
    SHEET,
    YES,
)
from targets.workbook.problems import Limits, Problem, WorkbookError, upload_limits
from targets.workbook.template import build_template
from targets.workbook.upload import Row, Upload, changed_since, fingerprint, read, save, seen

__all__ = [
    "CITY_LABEL",
    "COLUMN_OF_FIELD",
    "FIRST_ROW",
    "HEADERS",
    "INPUT_COLUMNS",
    "NO",
    "SHEET",
    "YES",
    "Limits",
    "Problem",
    "Row",
    "Upload",
    "WorkbookError",
    "build_template",
    "changed_since",
    "fingerprint",
    "read",
    "save",
    "seen",
    "upload_limits",
]
