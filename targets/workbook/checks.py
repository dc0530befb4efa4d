"""Checking each row on its own, one named step per rule: the header, the file's limits (time,
rows, cell length), formulas, the district, year and target a row names, who may enter it, its
values, and rows repeated. `check_rows` composes them; rows that pass go on to be checked against
the stored figures (`upload.read`)."""

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from typing import NamedTuple

from django.utils.translation import gettext as _

from departments import access
from departments.models import District
from plans.models import Plan
from targets import figures
from targets.models import Figure, Target
from targets.workbook.layout import (
    CITY_LABEL,
    COLUMN_OF_FIELD,
    FIRST_ROW,
    HEADERS,
    NO,
    YES,
    column_name,
)
from targets.workbook.problems import Limits, Problem, Problems, Stop

RawRows = Iterator[tuple[int, tuple]]  # (row number, cell values), as reading.rows_of gives them


class Checked(NamedTuple):
    """A row with no problem of its own, to be checked against the stored figures."""

    number: int
    key: figures.Key
    target: Target
    district: District | None
    data: figures.FigureInput


def check_rows(
    sheet_name: str,
    raw_rows: RawRows,
    plan: Plan,
    user,
    problems: Problems,
    limits: Limits,
    deadline: float,
) -> list[Checked]:
    """Each row's own problems (into `problems`), and the rows fit to check against stored
    figures; `Stop` when the header is wrong or the file is too long to read."""
    _check_header(sheet_name, next(raw_rows, (FIRST_ROW - 1, None)))
    lookups = Lookups.of(plan, user)
    checked: list[Checked] = []
    first_row_of: dict[figures.Key, int] = {}
    for number, values in _filled_rows(sheet_name, raw_rows, limits, deadline):
        row = _check_row(RowProblems(sheet_name, number), values, lookups, limits, problems)
        if row is None:
            continue
        if row.key in first_row_of:
            problems.add(_repeated(sheet_name, number, first_row_of[row.key]))
            continue
        first_row_of[row.key] = number
        checked.append(row)
    return checked


@dataclass
class Lookups:
    """What a row's names are looked up in: the plan's districts and targets, and whether the
    user may enter figures for a district (asked once per district)."""

    plan: Plan
    user: object
    districts: dict[str, District]
    targets: dict[str, Target]
    may_enter: dict[int | None, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, user) -> "Lookups":
        districts = {d.name: d for d in District.objects.filter(city=plan.city)}
        targets = {
            t.code: t
            for t in Target.objects.of_plan(plan)
            .select_related("task")
            .prefetch_related("task__assignments")
        }
        return cls(plan, user, districts, targets)

    def may_enter_for(self, district: District | None) -> bool:
        unit_id = district.pk if district else None
        if unit_id not in self.may_enter:
            self.may_enter[unit_id] = access.may_enter(self.user, district)
        return self.may_enter[unit_id]


class RowProblems:
    """One row's problems, each naming its column by index (None: the whole row)."""

    def __init__(self, sheet_name: str, number: int):
        self.sheet_name = sheet_name
        self.number = number
        self.found: list[Problem] = []

    def __call__(self, index: int | None, message: str) -> None:
        column = column_name(index) if index is not None else None
        self.found.append(Problem(self.sheet_name, self.number, column, message))


def _check_row(
    report: RowProblems, values: list, lookups: Lookups, limits: Limits, problems: Problems
) -> Checked | None:
    """The row, when it has no problem of its own and is not blank; else None, its problems
    added to `problems`."""
    _check_cells(values, report, limits)
    district = _district(values[0], lookups.districts, report)
    year = _year(values[1], lookups.plan, report)
    target = _target(values[2], district, values[0], lookups.targets, report)
    if district is not False:
        _check_may_enter(district, values[0], lookups, report)
    data = _input(values, report)
    if data.is_empty() and not report.found:
        return None  # a template row left blank: nothing entered (it never clears a figure)
    if report.found or target is None or district is False or year is None:
        for each in report.found:
            problems.add(each)
        return None
    key = figures.Key(target.pk, district.pk if district else None, year)
    return Checked(report.number, key, target, district, data)


# The file: its header, how long it takes and how many rows it holds ------------------------


def _check_header(sheet_name: str, first: tuple[int, tuple | None]) -> None:
    header_number, header_row = first
    header = [str(v).strip() if v is not None else "" for v in (header_row or [])]
    if header[: len(HEADERS)] == HEADERS:
        return
    missing = [h for i, h in enumerate(HEADERS) if i >= len(header) or header[i] != h]
    raise Stop(
        Problem(
            sheet_name,
            header_number,
            None,
            _("the header row must read %(expected)s; differs at: %(missing)s")
            % {"expected": "、".join(HEADERS), "missing": "、".join(missing)},
        )
    )


def _filled_rows(
    sheet_name: str, raw_rows: RawRows, limits: Limits, deadline: float
) -> Iterator[tuple[int, list]]:
    """(row number, the template's columns) of each row with anything in it; `Stop` past the
    deadline or past `limits.rows` such rows. Empty rows are allowed anywhere."""
    used = 0
    for number, values in raw_rows:
        if time.monotonic() > deadline:
            raise Stop(
                Problem(
                    sheet_name,
                    number,
                    None,
                    _("reading stopped after %(seconds)s seconds: split the file")
                    % {"seconds": f"{limits.seconds:g}"},
                ),
                status=413,
            )
        values = list(values[: len(HEADERS)]) + [None] * (len(HEADERS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        used += 1
        if used > limits.rows:
            raise Stop(
                Problem(
                    sheet_name,
                    number,
                    None,
                    _("the file holds more than %(rows)s rows of figures: split it")
                    % {"rows": f"{limits.rows:,}"},
                ),
                status=413,
            )
        yield number, values


def _repeated(sheet_name: str, number: int, first: int) -> Problem:
    return Problem(
        sheet_name,
        number,
        column_name(2),
        _("the same target, district and year is already on row %(row)d") % {"row": first},
    )


# A row's cells: formulas and length ----------------------------------------------------------


def _check_cells(values: list, report: RowProblems, limits: Limits) -> None:
    """Formulas and over-long cells are reported; an over-long cell is not read further."""
    cell_chars = limits.cell_chars
    suspect = [  # most rows have none: look closer only at these
        index
        for index, value in enumerate(values)
        if isinstance(value, str) and (value[:1] == "=" or len(value) > cell_chars)
    ]
    for index in suspect:
        value = values[index]
        if value.startswith("="):
            report(index, _("formulas are not accepted: paste the value instead"))
        else:
            report(
                index,
                _("%(length)s characters; a cell holds at most %(max)s")
                % {"length": f"{len(value):,}", "max": f"{cell_chars:,}"},
            )
            values[index] = None  # reported; not read further


# What a row names: its district, year and target, and who may enter it ---------------------


def _district(value, districts: dict[str, District], report: RowProblems):
    """A District, None for the city, or False when unknown."""
    name = str(value or "").strip()
    if name == CITY_LABEL:
        return None
    if name not in districts:
        report(0, _("unknown district %(name)r") % {"name": name})
        return False
    return districts[name]


def _year(value, plan: Plan, report: RowProblems) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year not in plan.years:
        report(
            1,
            _("the year must be one of %(years)s")
            % {"years": f"{plan.baseline_year}–{plan.end_year}"},
        )
        return None
    return year


def _target(code, district, unit, targets: dict[str, Target], report: RowProblems):
    """The target of this code, when it is one of the plan's; reported when the district
    (None: the city; False: unknown, reported already) does not report it."""
    target = targets.get(str(code or "").strip())
    if target is None:
        report(2, _("unknown target code %(code)r") % {"code": _short(code)})
    elif district is not False and (target.reported_by == Target.Reporter.CITY) != (
        district is None
    ):
        report(2, _("%(code)s is not reported by %(unit)s") % {"code": target.code, "unit": unit})
    return target


def _check_may_enter(district, unit, lookups: Lookups, report: RowProblems) -> None:
    if not lookups.may_enter_for(district):
        report(0, _("you may not enter figures for %(unit)s") % {"unit": unit})


def _short(value) -> str:
    text = str(value or "")
    return text if len(text) <= 40 else text[:40] + "…"


# A row's values --------------------------------------------------------------------------------


def _input(values: list, report: RowProblems) -> figures.FigureInput:
    data = figures.FigureInput()
    for name in ("numerator", "denominator", "value"):
        number = _number(values, name, report)
        if number is not None:
            setattr(data, name, number)
    data.achieved = _achieved(values, report)
    data.achieved_on = _achieved_on(values, report)
    data.note = str(values[COLUMN_OF_FIELD["note"]] or "").strip()
    data.source = _source(values, report)
    return data


def _number(values: list, name: str, report: RowProblems) -> Decimal | None:
    """The number in this field's column; None when empty, a formula (reported once as a
    formula) or reported as no number or too large."""
    index = COLUMN_OF_FIELD[name]
    raw = values[index]
    if raw is None:
        return None
    if raw.__class__ is int:  # a whole number from a workbook: nothing to clean or check
        number = Decimal(raw)
        if _fits(number, name):
            return number
    text = str(raw)
    if text.startswith("="):
        return None
    text = text.strip()
    if text == "":
        return None
    try:
        number = Decimal(text.replace(",", ""))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        report(index, _("“%(text)s” is not a number") % {"text": _short(raw)})
        return None
    if not _fits(number, name):
        report(
            index,
            _("“%(text)s” is too large: at most %(digits)s digits before the decimal point")
            % {"text": _short(raw), "digits": _integer_digits(name)},
        )
        return None
    return number


def _achieved(values: list, report: RowProblems) -> bool | None:
    achieved = values[COLUMN_OF_FIELD["achieved"]]
    if achieved is None or str(achieved).strip() == "":
        return None
    word = str(achieved).strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    report(COLUMN_OF_FIELD["achieved"], _("write 是 or 否, not “%(text)s”") % {"text": achieved})
    return None


def _achieved_on(values: list, report: RowProblems) -> datetime.date | None:
    day = values[COLUMN_OF_FIELD["achieved_on"]]
    if isinstance(day, datetime.datetime):
        return day.date()
    if isinstance(day, datetime.date):
        return day
    if day is None or not str(day).strip():
        return None
    try:
        return datetime.date.fromisoformat(str(day).strip().replace("/", "-"))
    except ValueError:
        report(
            COLUMN_OF_FIELD["achieved_on"],
            _("“%(text)s” is not a date (YYYY-MM-DD)") % {"text": day},
        )
        return None


def _source(values: list, report: RowProblems) -> str:
    source = str(values[COLUMN_OF_FIELD["source"]] or "").strip()
    if len(source) > _SOURCE_CHARS:
        report(
            COLUMN_OF_FIELD["source"],
            _("at most %(max)s characters (this one has %(length)s)")
            % {"max": _SOURCE_CHARS, "length": len(source)},
        )
    return source


# What the figure's columns can store: a bigger number would fail only when saving.
_SOURCE_CHARS = Figure._meta.get_field("source").max_length


def _integer_digits(name: str) -> int:
    column = Figure._meta.get_field(name)
    return column.max_digits - column.decimal_places


_INTEGER_DIGITS = {name: _integer_digits(name) for name in ("numerator", "denominator", "value")}


def _fits(number: Decimal, name: str) -> bool:
    """Whether the number, rounded as the column stores it, fits the column's digits."""
    adjusted = number.adjusted()
    if adjusted < _INTEGER_DIGITS[name] - 1:
        return True  # a digit to spare: rounding to the stored places cannot overflow it
    if adjusted >= _INTEGER_DIGITS[name] + 1:
        return False
    column = Figure._meta.get_field(name)
    with localcontext() as context:
        context.prec = 100
        stored = number.quantize(Decimal(1).scaleb(-column.decimal_places))
    return stored.is_zero() or stored.adjusted() < _integer_digits(name)
