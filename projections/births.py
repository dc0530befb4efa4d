"""Births by district and year: entering one, importing a small workbook or CSV (区县, 年份,
出生人口, 来源), and the audit rows of both. An import is all or nothing: every bad cell is named
(row, column, what is allowed) and nothing is saved while one is bad."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.audit import only_changed
from departments.models import District
from projections.models import FIRST_YEAR, LAST_YEAR, Births, BirthsChange
from zibo_edu.lib import uploads, xlsx
from zibo_edu.lib.cells import csv_text, workbook_bytes
from zibo_edu.lib.single_line import validate_single_line

HEADERS = ["区县", "年份", "出生人口", "来源"]
MOST_BIRTHS = 1_000_000  # a county's births in a year; more is a typing error
MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Entry:
    district: District
    year: int
    births: int
    source: str = ""


def record(entries: list[Entry], *, user, channel: str, is_demo: bool = False) -> int:
    """Saves the entries (a new year or a corrected one) and writes an audit row for each that
    changed; returns how many changed. One transaction: all or nothing."""
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        existing = {
            (b.district_id, b.year): b
            for b in Births.objects.select_for_update().filter(
                district__in={e.district for e in entries}, year__in={e.year for e in entries}
            )
        }
        audit = []
        for entry in entries:
            row = existing.get((entry.district.pk, entry.year))
            new = {"births": entry.births, "source": entry.source}
            if row is None:
                Births.objects.create(
                    district=entry.district,
                    year=entry.year,
                    births=entry.births,
                    source=entry.source,
                    is_demo=is_demo,
                )
                old, action = {}, "create"
            else:
                old = {"births": row.births, "source": row.source}
                if old == new:
                    continue
                row.births, row.source = entry.births, entry.source
                row.save(update_fields=["births", "source"])
                action = "update"
            before, after = only_changed(old, new)
            audit.append(
                BirthsChange(
                    district=entry.district,
                    year=entry.year,
                    changed_at=now,
                    changed_by=user,
                    channel=channel,
                    action=action,
                    old=before,
                    new=after,
                )
            )
            changed += 1
        BirthsChange.objects.bulk_create(audit)
    return changed


class ImportRefused(Exception):
    """The file's problems, each naming its row and column; nothing was saved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _rows(upload) -> list[tuple[int, tuple]]:
    name = upload.name.lower()
    if upload.size > MAX_BYTES:
        raise ImportRefused([_("The file is larger than 1 MB; births are a few hundred rows.")])
    if name.endswith(".xlsx"):
        if not uploads.matches(upload, XLSX):
            raise ImportRefused([_("The file is not an Excel workbook (.xlsx).")])
        from openpyxl import load_workbook

        try:
            book = load_workbook(upload, read_only=True)
            return list(xlsx.rows(book.worksheets[0], min_row=1, max_col=len(HEADERS)))
        except Exception as error:  # a damaged workbook, whatever openpyxl or expat make of it
            message = _("The workbook could not be read; save it again in Excel.")
            raise ImportRefused([message]) from error
    if name.endswith(".csv"):
        if not uploads.matches(upload, "text/plain"):
            raise ImportRefused([_("The CSV file is not UTF-8 text.")])
        upload.seek(0)
        text = upload.read().decode("utf-8-sig")
        return [(n, tuple(row)) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    raise ImportRefused([_("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")])


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read(upload, districts: list[District]) -> list[Entry]:
    """The file's entries for these districts (those the uploader may enter), or ImportRefused
    naming every bad cell. The first row holds the headers."""
    rows = _rows(upload)
    if not rows or [str(v or "").strip() for v in rows[0][1][:3]] != HEADERS[:3]:
        raise ImportRefused(
            [_("Row 1 must hold the headers %(headers)s.") % {"headers": "、".join(HEADERS)}]
        )
    if len(rows) > MAX_ROWS + 1:
        raise ImportRefused([_("At most %(n)s rows.") % {"n": MAX_ROWS}])
    known = {d.name: d for d in districts} | {d.slug: d for d in districts}
    allowed = "、".join(d.name for d in districts)
    problems, entries, seen = [], [], {}

    def bad(row: int, column: str, problem: str) -> None:
        problems.append(
            _("Row %(row)s, column %(column)s: %(problem)s")
            % {"row": row, "column": column, "problem": problem}
        )

    for number, values in rows[1:]:
        values = (*values, *[None] * len(HEADERS))[: len(HEADERS)]
        if all(_blank(v) for v in values):
            continue
        name, year, births, source = values
        district = known.get(str(name).strip()) if not _blank(name) else None
        if district is None:
            bad(
                number,
                "区县",
                _("“%(value)s” is not a district you may enter; one of %(allowed)s")
                % {"value": "" if name is None else name, "allowed": allowed},
            )
        whole_year = _whole(year)
        if whole_year is None or not FIRST_YEAR <= whole_year <= LAST_YEAR:
            bad(
                number,
                "年份",
                _("a year between %(first)s and %(last)s, not “%(value)s”")
                % {"first": FIRST_YEAR, "last": LAST_YEAR, "value": "" if year is None else year},
            )
        count = _whole(births)
        if count is None or count > MOST_BIRTHS:
            bad(
                number,
                "出生人口",
                _("a whole number from 0 to %(most)s, not “%(value)s”")
                % {"most": MOST_BIRTHS, "value": "" if births is None else births},
            )
        text = "" if _blank(source) else str(source).strip()
        try:
            validate_single_line(text)
            if len(text) > 200:
                raise ValueError
        except Exception:
            bad(number, "来源", _("one line of at most 200 characters"))
        if district is not None and whole_year is not None:
            key = (district.pk, whole_year)
            if key in seen:
                bad(
                    number,
                    "年份",
                    _("%(district)s %(year)s is already in row %(row)s")
                    % {"district": district.name, "year": whole_year, "row": seen[key]},
                )
            seen[key] = number
        if not problems:
            entries.append(Entry(district, whole_year, count, text))
    if problems:
        raise ImportRefused(problems)
    return entries


def table(rows: list[Births]) -> list[list]:
    return [HEADERS, *([b.district.name, b.year, b.births, b.source] for b in rows)]


def export_csv(rows: list[Births]) -> str:
    return csv_text(table(rows))


def export_xlsx(rows: list[Births]) -> bytes:
    return workbook_bytes(table(rows), title="出生人口")
