"""The districts' own values of a target (分解目标) in Excel: a template listing every district
with its value in force (columns 区县 / 分解目标值, the city's value in the header), and reading
it back. A file with any bad cell gives nothing: every problem is named (row, column, what is
allowed) and no value is taken."""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from targets.display import level
from targets.models import Target
from zibo_edu.lib import xlsx
from zibo_edu.lib.cells import workbook_bytes

DISTRICT, VALUE = "区县", "分解目标值"
MAX_BYTES = 1 << 20  # a sheet of a few dozen districts; anything bigger is not this template
MAX_VALUE = Decimal("9999999999.99")  # the column's 12 digits, 2 after the point


@dataclass
class Problem:
    row: int | None
    column: str
    message: str


class GoalWorkbookError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def template(target: Target, districts: list, current: dict[int, Decimal]) -> bytes:
    """Every district, its value in force (empty: judged against the city's value)."""
    header = [DISTRICT, VALUE, f"全市目标值 {level(target, target.value)}"]
    rows = [header]
    for district in districts:
        value = current.get(district.pk)
        rows.append([district.name, float(value) if value is not None else None, None])
    return workbook_bytes(rows, title=target.code[:31] or "targets")


def _value(raw, row: int, problems: list[Problem]) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        problems.append(Problem(row, VALUE, _("a number is allowed, such as 96 or 12.5")))
        return None
    if isinstance(raw, str) and raw.startswith("="):
        problems.append(Problem(row, VALUE, _("a formula is not read: type the number itself")))
        return None
    try:
        value = Decimal(str(raw).strip().removesuffix("%"))
    except InvalidOperation:
        problems.append(
            Problem(
                row,
                VALUE,
                _("“%(text)s” is not a number: a number is allowed, such as 96")
                % {"text": str(raw)[:40]},
            )
        )
        return None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        problems.append(Problem(row, VALUE, _("a number from 0 to 9999999999.99 is allowed")))
        return None
    if value != value.quantize(Decimal("0.01")):
        problems.append(Problem(row, VALUE, _("at most two decimal places are allowed")))
        return None
    return value


def read(content: bytes, districts: list) -> dict:
    """District → value (None: judged against the city's value) for every district of the city,
    or GoalWorkbookError naming every problem."""
    if len(content) > MAX_BYTES:
        raise GoalWorkbookError([Problem(None, "", _("The file is larger than 1 MB."))])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise GoalWorkbookError(
            [Problem(None, "", _("This is not an Excel workbook (.xlsx): download the template."))]
        ) from None
    problems: list[Problem] = []
    try:
        sheet = book.worksheets[0]
        lines = list(xlsx.rows(sheet, min_row=1, max_col=2))
    except Exception:
        raise GoalWorkbookError(
            [Problem(None, "", _("The sheet cannot be read: download the template again."))]
        ) from None
    finally:
        book.close()
    if not lines or [str(c or "").strip() for c in lines[0][1]] != [DISTRICT, VALUE]:
        raise GoalWorkbookError(
            [Problem(1, "", _("The first row must be the template's header: 区县, 分解目标值."))]
        )
    by_name = {d.name: d for d in districts}
    values: dict = dict.fromkeys(districts)
    seen: dict = {}
    for number, (name, raw) in lines[1:]:
        name = str(name).strip() if name is not None else ""
        if not name:
            if raw not in (None, ""):
                problems.append(Problem(number, DISTRICT, _("the district is missing")))
            continue
        district = by_name.get(name)
        if district is None:
            problems.append(
                Problem(
                    number,
                    DISTRICT,
                    _("“%(name)s” is not a district of the city; allowed: %(names)s")
                    % {"name": name[:40], "names": "、".join(by_name)},
                )
            )
            continue
        if district in seen:
            problems.append(
                Problem(
                    number,
                    DISTRICT,
                    _("%(name)s is already on row %(row)s") % {"name": name, "row": seen[district]},
                )
            )
            continue
        seen[district] = number
        values[district] = _value(raw, number, problems)
    if problems:
        raise GoalWorkbookError(problems)
    return values
