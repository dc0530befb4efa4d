"""Checking each row on its own: limits, formulas, the target and district it names, who may
enter it, duplicates and its values."""

import datetime
import time
from decimal import Decimal, InvalidOperation, localcontext

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
    _column,
)
from targets.workbook.problems import Problem, _Stop


def _check_rows(sheet_name, raw_rows, plan, user, problems, limits, deadline) -> list[tuple]:
    """Each row's own problems, and the rows fit to check against stored figures."""
    header_number, header_row = next(raw_rows, (FIRST_ROW - 1, None))
    header = [str(v).strip() if v is not None else "" for v in (header_row or [])]
    if header[: len(HEADERS)] != HEADERS:
        missing = [h for i, h in enumerate(HEADERS) if i >= len(header) or header[i] != h]
        raise _Stop(
            Problem(
                sheet_name,
                header_number,
                None,
                _("the header row must read %(expected)s; differs at: %(missing)s")
                % {"expected": "、".join(HEADERS), "missing": "、".join(missing)},
            )
        )
    districts = {d.name: d for d in District.objects.filter(city=plan.city)}
    targets = {
        t.code: t
        for t in Target.objects.of_plan(plan)
        .select_related("task")
        .prefetch_related("task__assignments")
    }
    may_enter: dict[int | None, bool] = {}
    parsed, seen, used = [], {}, 0
    for number, values in raw_rows:
        if time.monotonic() > deadline:
            raise _Stop(
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
            continue  # empty rows are allowed anywhere
        used += 1
        if used > limits.rows:
            raise _Stop(
                Problem(
                    sheet_name,
                    number,
                    None,
                    _("the file holds more than %(rows)s rows of figures: split it")
                    % {"rows": f"{limits.rows:,}"},
                ),
                status=413,
            )
        row_problems: list[Problem] = []

        def problem(index: int | None, message: str, number=number, row_problems=row_problems):
            column = _column(index) if index is not None else None
            row_problems.append(Problem(sheet_name, number, column, message))

        cell_chars = limits.cell_chars
        suspect = [  # most rows have none: look closer only at these
            index
            for index, value in enumerate(values)
            if isinstance(value, str) and (value[:1] == "=" or len(value) > cell_chars)
        ]
        for index in suspect:
            value = values[index]
            if isinstance(value, str) and value.startswith("="):
                problem(index, _("formulas are not accepted: paste the value instead"))
            elif isinstance(value, str) and len(value) > limits.cell_chars:
                problem(
                    index,
                    _("%(length)s characters; a cell holds at most %(max)s")
                    % {"length": f"{len(value):,}", "max": f"{limits.cell_chars:,}"},
                )
                values[index] = None  # reported; not read further
        district = _unit(values[0], districts, problem)
        year = _year(values[1], plan, problem)
        target = targets.get(str(values[2] or "").strip())
        if target is None:
            problem(2, _("unknown target code %(code)r") % {"code": _short(values[2])})
        elif district is not False and (target.reported_by == Target.Reporter.CITY) != (
            district is None
        ):
            problem(
                2,
                _("%(code)s is not reported by %(unit)s")
                % {"code": target.code, "unit": values[0]},
            )
        if district is not False:
            unit_id = district.pk if district else None
            if unit_id not in may_enter:
                may_enter[unit_id] = access.may_enter(user, district)
            if not may_enter[unit_id]:
                problem(0, _("you may not enter figures for %(unit)s") % {"unit": values[0]})
        data = _input(values, problem)
        if data.is_empty() and not row_problems:
            continue  # a template row left blank: nothing entered (it never clears a figure)
        if row_problems or target is None or district is False or year is None:
            for each in row_problems:
                problems.add(each)
            continue
        key = figures.Key(target.pk, district.pk if district else None, year)
        if key in seen:
            problems.add(
                Problem(
                    sheet_name,
                    number,
                    _column(2),
                    _("the same target, district and year is already on row %(row)d")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        parsed.append((number, key, target, district, data))
    return parsed


def _short(value) -> str:
    text = str(value or "")
    return text if len(text) <= 40 else text[:40] + "…"


def _unit(value, districts, problem):
    """A District, None for the city, or False when unknown."""
    name = str(value or "").strip()
    if name == CITY_LABEL:
        return None
    if name not in districts:
        problem(0, _("unknown district %(name)r") % {"name": name})
        return False
    return districts[name]


def _year(value, plan: Plan, problem) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year not in plan.years:
        problem(
            1,
            _("the year must be one of %(years)s")
            % {"years": f"{plan.baseline_year}–{plan.end_year}"},
        )
        return None
    return year


def _input(values: list, problem) -> figures.FigureInput:
    data = figures.FigureInput()
    for name in ("numerator", "denominator", "value"):
        index = COLUMN_OF_FIELD[name]
        raw = values[index]
        if raw is None:
            continue
        if raw.__class__ is int:  # a whole number from a workbook: nothing to clean or check
            number = Decimal(raw)
            if _fits(number, name):
                setattr(data, name, number)
                continue
        text = str(raw)
        if text.startswith("="):
            continue  # a formula, reported once as a formula
        text = text.strip()
        if text == "":
            continue
        try:
            number = Decimal(text.replace(",", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problem(index, _("“%(text)s” is not a number") % {"text": _short(raw)})
            continue
        if not _fits(number, name):
            problem(
                index,
                _("“%(text)s” is too large: at most %(digits)s digits before the decimal point")
                % {"text": _short(raw), "digits": _integer_digits(name)},
            )
            continue
        setattr(data, name, number)
    achieved = values[COLUMN_OF_FIELD["achieved"]]
    if achieved is not None and str(achieved).strip() != "":
        word = str(achieved).strip().lower()
        if word in YES:
            data.achieved = True
        elif word in NO:
            data.achieved = False
        else:
            problem(
                COLUMN_OF_FIELD["achieved"],
                _("write 是 or 否, not “%(text)s”") % {"text": achieved},
            )
    day = values[COLUMN_OF_FIELD["achieved_on"]]
    if isinstance(day, datetime.datetime):
        data.achieved_on = day.date()
    elif isinstance(day, datetime.date):
        data.achieved_on = day
    elif day is not None and str(day).strip():
        try:
            data.achieved_on = datetime.date.fromisoformat(str(day).strip().replace("/", "-"))
        except ValueError:
            problem(
                COLUMN_OF_FIELD["achieved_on"],
                _("“%(text)s” is not a date (YYYY-MM-DD)") % {"text": day},
            )
    data.note = str(values[COLUMN_OF_FIELD["note"]] or "").strip()
    data.source = str(values[COLUMN_OF_FIELD["source"]] or "").strip()
    if len(data.source) > _SOURCE_CHARS:
        problem(
            COLUMN_OF_FIELD["source"],
            _("at most %(max)s characters (this one has %(length)s)")
            % {"max": _SOURCE_CHARS, "length": len(data.source)},
        )
    return data


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
