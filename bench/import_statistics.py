"""Import a city's statistics workbook (1,500 schools, one school year: the 学校名录 sheet, the
four tables and the grades), against only reading the same file with openpyxl's streaming read
(read_only=True).

    .venv/bin/python bench/import_statistics.py      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/import_statistics.py

Target (issue 20): the import (read, check every cell, save in bulk) costs at most 1.5x
openpyxl's streaming read of the same file, the median of 5 runs of each, taken in turn.
Prints the figures; asserts nothing.
"""

import io
import statistics
import time

from _setup import django_with_plan

django_with_plan()

from openpyxl import load_workbook  # noqa: E402

import schools.demo  # noqa: E402
from plans.models import Plan  # noqa: E402
from schools import workbook  # noqa: E402
from schools.models import GradeEnrolment, School, SchoolYearStatistics  # noqa: E402
from schools.statistics import FIELDS, GRADES, TABLES  # noqa: E402

YEAR = 2025


def build_file() -> bytes:
    chosen = list(School.objects.open_in(YEAR).order_by("code"))
    stored = {s.school_id: s for s in SchoolYearStatistics.objects.filter(school_year=YEAR)}
    by_code = {s.code: s for s in chosen}
    book = load_workbook(io.BytesIO(workbook.build_template(chosen, YEAR)))
    for table in TABLES:
        sheet = book[table]
        names = [f.name for f in FIELDS if f.table == table]
        for row, school in enumerate(chosen, start=2):
            for column, name in enumerate(names, start=3):
                value = getattr(stored[school.pk], name)
                sheet.cell(row, column, float(value) if not isinstance(value, int) else value)
    grades: dict[int, dict[int, int]] = {}
    for school_id, grade, students in GradeEnrolment.objects.filter(
        statistics__school_year=YEAR
    ).values_list("statistics__school_id", "grade", "students"):
        grades.setdefault(school_id, {})[grade] = students
    sheet = book[workbook.GRADES_SHEET]
    order = list(GRADES)
    for row in sheet.iter_rows(min_row=2):
        school = by_code[row[0].value]
        for grade, students in grades.get(school.pk, {}).items():
            row[2 + order.index(grade)].value = students
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bare_read(content: bytes) -> int:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = sum(len(row) for sheet in book for row in sheet.iter_rows(values_only=True))
    book.close()
    return cells


def timed(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    schools.demo.seed(Plan.objects.get())
    content = build_file()
    count = School.objects.open_in(YEAR).count()
    print(f"{count} schools, {len(content) / 2**20:.2f} MB")

    def do_import():
        upload = workbook.read(content, "bench.xlsx", user=None, school_year=YEAR)
        workbook.save(upload, user=None, source="bench.xlsx")

    # Interleaved, so that a burst of load on a shared machine weighs on both alike.
    reads, imports = [], []
    for _ in range(5):
        reads.append(timed(lambda: bare_read(content), runs=1))
        imports.append(timed(do_import, runs=1))
    read, imported = statistics.median(reads), statistics.median(imports)
    print(f"openpyxl read_only read: {read * 1000:.0f} ms")
    print(f"import (read, check, save): {imported * 1000:.0f} ms ({imported / read:.2f}x)")


if __name__ == "__main__":
    main()
