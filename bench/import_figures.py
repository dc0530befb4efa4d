"""Import 10,000 figure rows from Excel, against only reading the same file with openpyxl.

    .venv/bin/python bench/import_figures.py      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/import_figures.py

(the PostgreSQL database must exist and may be emptied); `import_figures.py 20000` times the
largest upload the limits allow. Target: the import (read, check every row,
compare with what is stored, save in bulk with the audit trail) costs at most 1.5x openpyxl's
streaming read (read_only=True) of the same file (issue 13).
The bare read is timed both ways openpyxl offers: its default load_workbook(), and read_only=True,
which the import itself uses. Prints the figures; asserts nothing.
"""

import io
import resource
import statistics
import sys
import time

from _setup import django_with_plan

django_with_plan()

from django.contrib.auth.models import User  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from departments.models import District, Role  # noqa: E402
from plans.models import Plan  # noqa: E402
from targets import workbook  # noqa: E402
from targets.models import Figure, Target  # noqa: E402
from zibo_edu.lib import xlsx  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000  # 20000: the largest upload allowed
EXTRA_DISTRICTS = 40 if ROWS <= 10_000 else 80


def build_file(plan: Plan) -> tuple[bytes, int]:
    for n in range(EXTRA_DISTRICTS):
        District.objects.get_or_create(
            city=plan.city,
            name=f"基准区{n:03d}",
            defaults={"slug": f"bench-{n:03d}", "kind": "district"},
        )
    districts = list(District.objects.filter(city=plan.city))
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    book = Workbook()
    sheet = book.active
    sheet.title = workbook.SHEET
    sheet.append(["bench"])
    sheet.append([""])
    sheet.append(workbook.HEADERS)
    count = 0
    for year in plan.years:
        for district in districts:
            for target in targets:
                if count == ROWS:
                    break
                sheet.append(
                    [
                        district.name,
                        year,
                        target.code,
                        target.name,
                        "",
                        "",
                        "",
                        *_values(target, count),
                    ]
                )
                count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _values(target: Target, n: int) -> list:
    entry = target.entry
    if entry == Target.Entry.FRACTION:
        return [300 + n % 50, 1000, None, None, None, "基准", "bench"]
    if entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
        return [None, None, 10 + n % 7, None, None, "基准", "bench"]
    if entry == Target.Entry.YES_NO:
        return [None, None, None, "是", None, "基准", "bench"]
    return [None, None, None, "否", None, "基准", "bench"]


def bare_read(content: bytes, read_only: bool) -> int:
    sheet = load_workbook(io.BytesIO(content), read_only=read_only)[workbook.SHEET]
    return sum(1 for _row in sheet.iter_rows(min_row=workbook.FIRST_ROW, values_only=True))


def parse_only(content: bytes) -> int:
    """The sheet's rows as the import reads them (zibo_edu.lib.xlsx), nothing checked."""
    sheet = load_workbook(io.BytesIO(content), read_only=True)[workbook.SHEET]
    return sum(1 for _row in xlsx.rows(sheet, min_row=workbook.FIRST_ROW, max_col=14))


def median_time(function, *args) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    plan = Plan.objects.default()
    admin = User.objects.create_user("bench-admin")
    Role.objects.create(user=admin, kind=Role.Kind.CITY_ADMIN)
    content, rows = build_file(plan)
    print(f"rows: {rows}, file: {len(content) / 1024:.0f} KiB, database: {_vendor()}")
    read_default = median_time(bare_read, content, False)
    read_streaming = median_time(bare_read, content, True)
    parsed = median_time(parse_only, content)

    start = time.perf_counter()
    upload = workbook.read(content, "bench.xlsx", plan=plan, user=admin)
    checked = time.perf_counter() - start
    outcome = workbook.save(upload, user=admin, filename="bench.xlsx")
    first = time.perf_counter() - start

    start = time.perf_counter()
    again = workbook.save(workbook.read(content, "bench.xlsx", plan=plan, user=admin), user=admin)
    second = time.perf_counter() - start

    print(f"bare read, load_workbook():   {read_default:6.2f} s (median of 3)")
    print(f"bare read, read_only=True:    {read_streaming:6.2f} s (median of 3)")
    print(
        f"import, first time:           {first:6.2f} s (read + check {checked:.2f} s, "
        f"save {first - checked:.2f} s), {len(outcome.created)} figures created"
    )
    print(f"  of which parsing the sheet: {parsed:6.2f} s (median of 3, parse alone)")
    print(f"import, same file again:      {second:6.2f} s, {again.changed} changed")
    print(f"import / load_workbook():     {first / read_default:6.2f}x")
    print(f"import / read_only load:      {first / read_streaming:6.2f}x (target: at most 1.5x)")
    print(f"figures stored: {Figure.objects.count()}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MiB (file built, read 7 times, imported twice)")


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
