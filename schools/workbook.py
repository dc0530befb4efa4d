"""The statistics workbook: one per district (or the whole city) and school year, a sheet per
table of the 基层统计报表 (学生数, 分年级学生数, 班额, 教职工, 办学条件), each sheet's header row
naming the columns as the statistics forms do: 学校标识码, 学校名称, then the table's fields
(schools.statistics.FIELDS, or the grades of schools.statistics.GRADES). A 学校名录 sheet may add
schools and update their fields (schools.directory). A CSV holds the statistics' columns in one
table.

Reading is all or nothing and streamed (targets.workbook's archive checks and bounds,
zibo_edu.lib.xlsx's reader): every bad cell is named by sheet, row and column with what is
allowed, and a school that is not one of the uploader's (unknown, or another district's) is
named. A blank cell is "not reported": it never clears a value already stored. A school's grades
add up to its 在校生数.
"""

import io
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from departments.models import District
from schools import directory
from schools.access import scope_schools
from schools.models import GradeEnrolment, School, SchoolYearStatistics
from schools.statistics import (
    FIELD,
    FIELDS,
    GRADES,
    GRADES_OF_CATEGORY,
    TABLES,
    StatisticsField,
    census_day,
    school_year_label,
)
from targets.workbook import reading
from targets.workbook.problems import Limits, Problem, Problems, Stop, WorkbookError
from zibo_edu.lib import xlsx

CODE, NAME = "学校标识码", "学校名称"
GRADES_SHEET = "分年级学生数"
DIRECTORY = directory.SHEET
# the sheets read, in this order: the directory first (it may add the schools the others name)
SHEETS = [DIRECTORY, TABLES[0], GRADES_SHEET, *TABLES[1:]]
LARGEST_COUNT = 10_000_000
LARGEST_AMOUNT = Decimal("1e12")
# (part, whole) of one school's row: a part never exceeds its whole
PARTS = [
    ("teachers", "staff"),
    ("large_classes", "classes"),
    ("super_large_classes", "classes"),
    ("teachers_above_standard", "teachers"),
]
_GRADE_OF_HEADER = {label: grade for grade, label in GRADES.items()}


def headers(table: str | None) -> list[str]:
    """A sheet's header row, or the CSV's (every table's and the grades, table None)."""
    if table == DIRECTORY:
        return directory.HEADERS
    if table == GRADES_SHEET:
        return [CODE, NAME, *GRADES.values()]
    if table is None:
        return [CODE, NAME] + [f.header for f in FIELDS] + list(GRADES.values())
    return [CODE, NAME] + [f.header for f in FIELDS if f.table == table]


def build_template(schools, school_year: int) -> bytes:
    """A workbook to fill in: the directory of the schools, then a sheet per table, the
    schools' codes and names filled in (the grades sheet: the schools that have grades)."""
    book = Workbook()
    book.remove(book.active)
    schools = list(schools)
    for table in SHEETS:
        sheet = book.create_sheet(table)
        sheet.append(headers(table))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        for school in schools:
            if table == DIRECTORY:
                sheet.append(directory.row_of(school))
            elif table != GRADES_SHEET or GRADES_OF_CATEGORY[school.category]:
                sheet.append([school.code, school.name])
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 30
    book.properties.title = f"{school_year_label(school_year)} 教育事业统计"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Upload:
    school_year: int
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # code → field → value
    schools: dict[str, School] = field(default_factory=dict)  # code → school (maybe unsaved)
    grades: dict[str, dict[int, int]] = field(default_factory=dict)  # code → grade → students
    created: list[School] = field(default_factory=list)  # the directory's new schools
    updated: list[tuple[School, dict, dict]] = field(default_factory=list)  # (school, old, new)

    @property
    def cells(self) -> int:
        return sum(len(v) for v in self.values.values()) + sum(len(g) for g in self.grades.values())

    @property
    def codes(self) -> set[str]:
        """The schools with statistics or grades in the upload."""
        return set(self.values) | set(self.grades)


def _value(spec: StatisticsField, raw) -> tuple[object, str | None]:
    """A cell's value, or why it is not allowed."""
    if raw is None:
        return None, None
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "")
        if raw == "":
            return None, None
        if raw.startswith("="):
            return None, _("a formula is not accepted: type the number")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None, _("a number is expected")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return None, _("a number is expected, not “%(text)s”") % {"text": str(raw)[:20]}
    if not number.is_finite() or number < 0:
        return None, _("a number of 0 or more is expected")
    if spec.whole:
        if number != number.to_integral_value():
            return None, _("a whole number is expected (%(unit)s)") % {"unit": spec.unit}
        if number > LARGEST_COUNT:
            return None, _("at most %(max)s is accepted") % {"max": f"{LARGEST_COUNT:,}"}
        return int(number), None
    if number >= LARGEST_AMOUNT:
        return None, _("at most %(max)s is accepted") % {"max": f"{LARGEST_AMOUNT:,.0f}"}
    return number.quantize(Decimal("0.01")), None


_STUDENTS = StatisticsField("students", "", "人", GRADES_SHEET)


def _letter(index: int) -> str:
    return chr(ord("A") + index)


class _Reader:
    def __init__(self, user, school_year: int, district: District | None, limits: Limits):
        self.limits = limits
        self.problems = Problems(limits.problems)
        schools = School.objects.select_related("district")
        if user is not None:  # None: the command line without --user, every school
            schools = scope_schools(schools, user)
        if district is not None:
            schools = schools.filter(district=district)
        self.day = census_day(school_year)
        self.known = {s.code: s for s in schools}  # every school the uploader may import
        self.allowed = {code: s for code, s in self.known.items() if self._open(s)}
        self.directory = directory.Reader(self, user, district)
        self.upload = Upload(school_year)
        self.started = time.monotonic()
        self.rows = 0
        self.where: dict[str, tuple[str, int]] = {}  # code → the grades row (sheet, number)
        self.enrolled_at: dict[str, tuple[str, int]] = {}  # code → its 在校生数 (sheet, row)
        self.doubtful: set[str] = set()

    def _open(self, school: School) -> bool:
        return (school.opened is None or school.opened <= self.day) and (
            school.closed is None or school.closed > self.day
        )

    def sheet(self, name: str, rows, expected: list[str], optional: int = 0) -> None:
        """Read a sheet headed `expected` (its last `optional` columns may be left out)."""
        header_seen = False
        seen: dict[str, int] = {}
        columns: list = []
        for number, values in rows:
            if not header_seen:
                found = [str(v).strip() if v is not None else "" for v in values]
                found = found[: len(expected)]
                while found and found[-1] == "":
                    found.pop()
                given = expected[: len(found)]
                if found != given or len(found) < len(expected) - optional:
                    raise Stop(
                        Problem(
                            name,
                            number,
                            None,
                            _("the header row must be: %(expected)s (found: %(found)s)")
                            % {"expected": "、".join(expected), "found": "、".join(found)},
                        )
                    )
                by_header = {f.header: f for f in FIELDS}
                columns = [None, None] + [
                    by_header.get(h, _GRADE_OF_HEADER.get(h)) for h in expected[2 : len(found)]
                ]
                header_seen = True
                continue
            self._bounds(name, number)
            if name == DIRECTORY:
                self.directory.row(number, values)
            else:
                self.row(name, number, values, columns, seen)
        if not header_seen:
            message = _("no header row was found: it must be %(expected)s") % {
                "expected": "、".join(expected)
            }
            raise Stop(Problem(name, None, None, message))
        if name == DIRECTORY:
            self.directory.finish()

    def _bounds(self, sheet: str, number: int) -> None:
        self.rows += 1
        if self.rows > self.limits.rows:
            raise Stop(
                Problem(
                    sheet,
                    number,
                    None,
                    _("more than %(max)s rows") % {"max": f"{self.limits.rows:,}"},
                )
            )
        if time.monotonic() - self.started > self.limits.seconds:
            raise Stop(Problem(sheet, number, None, _("reading took too long")))

    def row(self, sheet: str, number: int, values, columns, seen: dict[str, int]) -> None:
        values = list(values) + [None] * (len(columns) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            return  # an empty row
        code = directory.code_of(values[0])
        column_a = f"A（{CODE}）"
        school = self.allowed.get(code)
        if school is None:
            if not code:
                message = _("the school code is missing")
            elif not (len(code) == 10 and code.isdigit()):
                message = _("a school code is 10 digits, not “%(code)s”") % {"code": code[:20]}
            else:
                message = _(
                    "no school with code %(code)s open in %(year)s among the schools you may "
                    "import (unknown, closed, or another district's)"
                ) % {"code": code, "year": school_year_label(self.upload.school_year)}
            self.problems.add(Problem(sheet, number, column_a, message))
            return
        if code in seen:
            self.problems.add(
                Problem(
                    sheet,
                    number,
                    column_a,
                    _("school %(code)s is listed twice in this sheet (also row %(row)s)")
                    % {"code": code, "row": seen[code]},
                )
            )
            return
        seen[code] = number
        if all(v is None or str(v).strip() == "" for v in values[2:]):
            return  # a school's row left blank (the template lists every school): not reported
        self.upload.schools[code] = school
        before = self.problems.total
        got = self.upload.values.get(code, {})
        grades: dict[int, int] = {}
        taught = GRADES_OF_CATEGORY[school.category]
        for index, spec in enumerate(columns):
            if spec is None:
                continue
            raw = values[index]
            if isinstance(spec, int):  # a grade's column
                value, error = _value(_STUDENTS, raw)
                if spec not in taught and value == 0:
                    value = None  # a 0 in a grade the school does not teach: blank
                if error is None and value is not None and spec not in taught:
                    error = _(
                        "%(school)s is a %(category)s: it has no %(grade)s (leave it blank)"
                    ) % {
                        "school": school.name,
                        "category": school.get_category_display(),
                        "grade": GRADES[spec],
                    }
                header = GRADES[spec]
            else:
                value, error = _value(spec, raw)
                header = spec.header
            if error:
                self.problems.add(Problem(sheet, number, f"{_letter(index)}（{header}）", error))
            elif value is not None:
                if isinstance(spec, int):
                    grades[spec] = value
                else:
                    got[spec.name] = value
                    if spec.name == "enrolled":
                        self.enrolled_at[code] = (sheet, number)
        if got:
            self.upload.values[code] = got
        if self.problems.total > before:
            self.doubtful.add(code)  # its sums are not checked: a cell of its row is wrong
        if grades:
            self.upload.grades[code] = grades
            self.where[code] = (sheet, number)
        self._consistent(sheet, number, got)

    def _consistent(self, sheet: str, number: int, got: dict) -> None:
        """Within one school's row: parts never exceed their whole."""
        for part, whole in PARTS:
            if part in got and whole in got and got[part] > got[whole]:
                self.problems.add(
                    Problem(
                        sheet,
                        number,
                        FIELD[part].header,
                        _("%(part)s (%(value)s) cannot exceed %(whole)s (%(max)s)")
                        % {
                            "part": FIELD[part].header,
                            "value": got[part],
                            "whole": FIELD[whole].header,
                            "max": got[whole],
                        },
                    )
                )

    def check_grades(self) -> None:
        """A school's grades add up to its 在校生数: the upload's, else the one stored. A new
        在校生数 without grades must match the grades stored, if any."""
        upload = self.upload
        ids = [s.pk for s in upload.schools.values() if s.pk is not None]
        stored = dict(
            SchoolYearStatistics.objects.filter(
                school_id__in=ids, school_year=upload.school_year
            ).values_list("school__code", "enrolled")
        )
        stored_sums = dict(
            GradeEnrolment.objects.filter(
                statistics__school_id__in=ids, statistics__school_year=upload.school_year
            )
            .values_list("statistics__school__code")
            .annotate(total=Sum("students"))
        )
        enrolled_header = FIELD["enrolled"].header
        for code, grades in upload.grades.items():
            if code in self.doubtful:
                continue
            total = sum(grades.values())
            enrolled = upload.values.get(code, {}).get("enrolled", stored.get(code))
            sheet, number = self.where[code]
            school = upload.schools[code]
            if enrolled is None:
                message = _(
                    "the grades add up to %(sum)s, but %(school)s has no %(enrolled)s for "
                    "%(year)s: fill it in on the 学生数 sheet"
                )
            elif total != enrolled:
                message = _(
                    "the grades add up to %(sum)s, but %(enrolled)s of %(school)s says "
                    "%(value)s: they must be equal"
                )
            else:
                continue
            self.problems.add(
                Problem(
                    sheet,
                    number,
                    None,
                    message
                    % {
                        "sum": total,
                        "school": school.name,
                        "enrolled": enrolled_header,
                        "value": enrolled,
                        "year": school_year_label(upload.school_year),
                    },
                )
            )
        for code, got in upload.values.items():
            if code in upload.grades or "enrolled" not in got or code not in stored_sums:
                continue
            if code in self.doubtful:
                continue
            if got["enrolled"] != stored_sums[code]:
                sheet, number = self.enrolled_at[code]
                self.problems.add(
                    Problem(
                        sheet,
                        number,
                        f"C（{enrolled_header}）",
                        _(
                            "%(value)s, but the grades stored for %(school)s add up to %(sum)s: "
                            "give its grades on the %(sheet)s sheet too"
                        )
                        % {
                            "value": got["enrolled"],
                            "school": upload.schools[code].name,
                            "sum": stored_sums[code],
                            "sheet": GRADES_SHEET,
                        },
                    )
                )


def read(
    content: bytes,
    filename: str,
    *,
    user,
    school_year: int,
    district: District | None = None,
    limits: Limits | None = None,
) -> Upload:
    """The upload's values, or WorkbookError naming every problem (nothing is saved)."""
    limits = limits or Limits()
    if len(content) > limits.upload_bytes:
        raise WorkbookError.too_large(len(content))
    reader = _Reader(user, school_year, district, limits)
    try:
        if filename.lower().endswith((".csv", ".txt")):
            with reading.rows_of(content, True, limits, CODE) as (name, rows):
                reader.sheet(name, rows, headers(None), optional=len(GRADES))
        else:
            _read_workbook(content, limits, reader)
        reader.check_grades()
    except Stop as stop:
        raise reader.problems.error(status=stop.status, first=stop.problem) from None
    if reader.problems.total:
        raise reader.problems.error()
    upload = reader.upload
    if not (upload.values or upload.grades or upload.created or upload.updated):
        raise WorkbookError([Problem(_("file"), None, None, _("no school's row was found"))])
    return upload


def _read_workbook(content: bytes, limits: Limits, reader: _Reader) -> None:
    merged = reading.check_archive(content, limits)
    if any(merged.values()):
        raise Stop(Problem(_("file"), None, None, _("merged cells are not accepted")))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # any parser error of a damaged file: never a 500
        raise Stop(
            Problem(
                _("file"),
                None,
                None,
                _("this is not an Excel workbook (.xlsx) that can be read (%(detail)s)")
                % {"detail": f"{type(error).__name__}"},
            )
        ) from None
    try:
        present = [t for t in SHEETS if t in book.sheetnames]
        if not present:
            raise Stop(
                Problem(
                    _("file"),
                    None,
                    None,
                    _("no sheet named %(tables)s (sheets found: %(found)s)")
                    % {"tables": "、".join(SHEETS), "found": "、".join(book.sheetnames)},
                )
            )
        for table in present:
            sheet = book[table]
            sheet.reset_dimensions()
            expected = headers(table)
            optional = 1 if table == DIRECTORY else 0  # 区县: the city's uploads only
            try:
                rows = xlsx.rows(sheet, min_row=1, max_col=len(expected))
                reader.sheet(table, rows, expected, optional)
            except Stop:
                raise
            except Exception as error:  # a cell that cannot be read, damaged XML
                raise Stop(
                    Problem(
                        table,
                        None,
                        None,
                        _("the sheet cannot be read (%(detail)s)")
                        % {"detail": f"{type(error).__name__}: {error}"[:160]},
                    )
                ) from None
    finally:
        book.close()


@transaction.atomic
def save(upload: Upload, *, user, source: str, is_demo: bool = False, channel: str = "excel"):
    """Store the upload, all or nothing: the directory's new and changed schools (audited),
    then one statistics row per school and school year, blank cells leaving what was stored
    (COALESCE of the new value and the stored one, in the database), then the grades of the
    schools that gave them (replacing the school year's). One INSERT … ON CONFLICT DO UPDATE
    of plain values: no model instances, no per-value field preparation, no read of the stored
    rows first. A stored row keeps its demo mark. Returns the number of schools with
    statistics written."""
    directory.save(upload, user=user, channel=channel, source=source)
    ids = dict(
        School.objects.filter(code__in=upload.codes).values_list("code", "pk")
    )  # the new schools' too
    table = SchoolYearStatistics._meta.db_table
    names = [f.name for f in FIELDS]
    quote = connection.ops.quote_name
    columns = ["school_id", *names, "school_year", "imported_at", "source", "is_demo"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    source = source[:200]
    rows = [
        (ids[code], *[upload.values.get(code, {}).get(name) for name in names],
         upload.school_year, now, source, is_demo)
        for code in sorted(upload.codes)
    ]  # fmt: skip
    updates = ", ".join(
        [f"{quote(n)} = COALESCE(excluded.{quote(n)}, {quote(table)}.{quote(n)})" for n in names]
        + [f"{quote(n)} = excluded.{quote(n)}" for n in ("imported_at", "source")]
    )
    insert = f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
    conflict = f" ON CONFLICT (school_id, school_year) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if not rows:
            pass
        elif connection.vendor == "postgresql":
            # One array per column, unnested: a statement of 25 parameters, whatever the
            # number of schools (psycopg need not parse a statement of 37,000 placeholders).
            model = SchoolYearStatistics._meta
            types = [model.get_field(n).db_type(connection).split("(")[0] for n in names]
            arrays = [f"%s::text[]::{kind}[]" for kind in ["integer", *types]]
            texts = [
                [None if row[i] is None else str(row[i]) for row in rows]
                for i in range(1 + len(names))
            ]
            cursor.execute(
                f"{insert} SELECT u.*, %s, %s, %s, %s FROM unnest({', '.join(arrays)}) AS u"
                f"{conflict}",
                [upload.school_year, now, source, is_demo, *texts],
            )
        else:
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            batch = min(2000, (connection.features.max_query_params or 999) // len(columns))
            for start in range(0, len(rows), batch):
                part = rows[start : start + batch]
                cursor.execute(
                    f"{insert}VALUES {', '.join([one] * len(part))}{conflict}",
                    [value for row in part for value in row],
                )
    if upload.grades:
        statistics = dict(
            SchoolYearStatistics.objects.filter(
                school__code__in=upload.grades, school_year=upload.school_year
            ).values_list("school__code", "pk")
        )
        GradeEnrolment.objects.filter(statistics_id__in=statistics.values()).delete()
        GradeEnrolment.objects.bulk_create(
            GradeEnrolment(
                statistics_id=statistics[code], grade=grade, students=students, is_demo=is_demo
            )
            for code, grades in upload.grades.items()
            for grade, students in grades.items()
        )
    return len(rows)
