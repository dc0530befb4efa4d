"""Broken and hostile uploads: each gets a 4xx naming the row, field or rule, and saves nothing;
memory and time of one upload stay bounded whatever the file (issue 13).

The files come from `broken_files.py`, made on the fly.
"""

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from targets import workbook
from targets.models import Figure, FigureChange, FigureImport
from tests.targets import broken_files as bf

pytestmark = pytest.mark.django_db

BAD_VALUE_ROW = ["张店区", 2024, "二(一)6-3", "", "", "", "", "", "", "x"]


@pytest.fixture
def staff(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    return client


def _upload(client, name: str, content: bytes):
    return client.post("/import/", {"file": SimpleUploadedFile(name, content)})


def _saved() -> tuple[int, int, int]:
    return Figure.objects.count(), FigureChange.objects.count(), FigureImport.objects.count()


def _refused(response, status: int = 422) -> list[workbook.Problem]:
    assert response.status_code == status, response.status_code
    assert _saved() == (0, 0, 0)
    return response.context["problems"]


# Files that must work ------------------------------------------------------------------------


def test_utf16_unicode_text_from_excel_is_read(staff):
    response = _upload(staff, "figures.txt", bf.utf16_unicode_text([bf.GOOD_ROW]))
    assert response.status_code == 200, response.context.get("problems")
    assert response.context["counts"]["create"] == 1
    staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/")
    assert Figure.objects.get().value == 7


def test_utf16_csv_names_its_bad_row(staff):
    problems = _refused(_upload(staff, "f.csv", bf.utf16_unicode_text([BAD_VALUE_ROW])))
    assert [(p.row, p.column) for p in problems] == [(2, "J（数值）")]


def test_cr_only_line_endings_are_rows(staff):
    content = bf.csv_text([bf.GOOD_ROW]).replace("\n", "\r").encode()
    response = _upload(staff, "figures.csv", content)
    assert response.status_code == 200, response.context.get("problems")
    assert response.context["counts"]["create"] == 1


def test_cr_only_line_endings_name_the_bad_row(staff):
    content = bf.csv_text([bf.GOOD_ROW, BAD_VALUE_ROW]).replace("\n", "\r").encode()
    problems = _refused(_upload(staff, "figures.csv", content))
    assert [(p.row, p.column) for p in problems] == [(3, "J（数值）")]


def test_a_sheet_named_by_a_dot_relative_path_is_read(staff):
    response = _upload(staff, "figures.xlsx", bf.dot_relative_sheet())
    assert response.status_code == 200, response.context.get("problems")


def test_rows_beyond_the_declared_dimension_are_read(staff):
    rows = [bf.GOOD_ROW, ["张店区", 2024, "bogus"]]
    content = bf.xlsx(bf.sheet_xml(rows, dimension="A1:N4"))  # declares row 4 as the last
    problems = _refused(_upload(staff, "figures.xlsx", content))
    assert [(p.row, p.column) for p in problems] == [(5, "C（指标编号）")]
    assert "bogus" in problems[0].message


def test_a_number_as_large_as_a_figure_holds_is_saved(staff):
    row = ["张店区", 2024, "二(一)6-3", "", "", "", "", "", "", "99999999999999"]
    response = _upload(staff, "figures.csv", bf.csv_text([row]).encode())
    assert response.status_code == 200, response.context.get("problems")
    confirmed = staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/")
    assert confirmed.status_code == 302
    assert Figure.objects.get().value == 99999999999999


# The corpus of broken files: a 4xx, the row/field/rule named, nothing saved ------------------

X80 = bf.csv_text([["张店区", 2024, "二(一)6-3", "NOTE"]]).encode().replace(b"NOTE", b"\x80")
HUGE = ["张店区", 2024, "二(一)6-3", "", "", "", "", "", "", "1e20"]
TYPE_MISMATCHES = {
    "number": b'<c r="J4" t="n"><v>abc</v></c>',
    "shared string": b'<c r="J4" t="s"><v>999</v></c>',
    "date": b'<c r="J4" t="d"><v>not a date</v></c>',
    "boolean": b'<c r="J4" t="b"><v>x</v></c>',
}
GOOD_CELL = b'<c r="J4" t="n"><v>7</v></c>'

CORPUS = [
    # (id, file name, content maker, status, row, column, words of the message)
    ("byte 0x80", "f.csv", lambda: X80, 422, None, None, "0x80"),
    (
        "field over 131,072 characters",
        "f.csv",
        lambda: bf.csv_text([["张店区", 2024, "二(一)6-3", "x" * 131_073]]).encode(),
        422,
        None,
        None,
        "131,090",
    ),
    (
        "quoted field over several lines past csv's limit",
        "f.csv",
        lambda: (
            bf.csv_text([]) + '\n张店区,2024,二(一)6-3,"' + ("y" * 100_000 + "\n") * 2 + '"'
        ).encode(),
        422,
        None,
        None,
        "131,072",
    ),
    (
        "cell over the cell limit",
        "f.csv",
        lambda: bf.csv_text([[*bf.GOOD_ROW, "", "", "n" * 2_001]]).encode(),
        422,
        2,
        "M（说明）",
        "2,001",
    ),
    (
        "number too large to store",
        "f.csv",
        lambda: bf.csv_text([HUGE]).encode(),
        422,
        2,
        "J（数值）",
        "1e20",
    ),
    (
        "source longer than a figure holds",
        "f.csv",
        lambda: bf.csv_text([[*bf.GOOD_ROW, "", "", "", "s" * 201]]).encode(),
        422,
        2,
        "N（数据来源）",
        "200",
    ),
    ("corrupted zip member", "f.xlsx", lambda: bf.corrupt_member(bf.xlsx()), 422, None, None, ""),
    (
        "truncated sheet XML",
        "f.xlsx",
        lambda: bf.xlsx(bf.sheet_xml([bf.GOOD_ROW, bf.GOOD_ROW])[:-120]),
        422,
        5,
        None,
        "XML",
    ),
    ("garbage sheet XML", "f.xlsx", lambda: bf.xlsx(b"not XML <<<"), 422, None, None, ""),
    *[
        (
            f"{kind} cell holding something else",
            "f.xlsx",
            lambda cell=cell: bf.xlsx(bf.sheet_xml([bf.GOOD_ROW]).replace(GOOD_CELL, cell)),
            422,
            4,
            None,
            "XML",
        )
        for kind, cell in TYPE_MISMATCHES.items()
    ],
    ("entity bomb", "f.xlsx", bf.entity_bomb, 422, None, None, "DTD"),
    ("whitespace bomb", "f.xlsx", lambda: bf.whitespace_bomb(300), 413, None, None, "300 MB"),
    (
        "too many zip members",
        "f.xlsx",
        lambda: bf.xlsx(extra=[(f"junk/{n}.bin", b"") for n in range(1_100)]),
        422,
        None,
        None,
        str(bf.BASE_MEMBERS + 1_100),
    ),
    ("not a workbook", "f.xlsx", lambda: b"%PDF-1.4", 422, None, None, ".xlsx"),
]


@pytest.mark.parametrize(
    ("name", "make", "status", "row", "column", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CORPUS],
)
def test_each_broken_file_is_refused_clearly(staff, name, make, status, row, column, words):
    response = _upload(staff, name, make())
    problems = _refused(response, status)
    assert len(problems) == 1, [str(p) for p in problems]
    assert (problems[0].row, problems[0].column) == (row, column)
    assert words in problems[0].message
    page = response.content.decode()
    assert "Traceback" not in page
    assert escape(problems[0].message) in page


def test_the_same_files_through_the_command_say_the_same(tmp_path, staff_zhangdian):
    from django.core.management import CommandError, call_command

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bf.entity_bomb())
    with pytest.raises(CommandError, match="DTD"):
        call_command("import_figures", str(path), user="staff-zhangdian")
    assert _saved() == (0, 0, 0)


def test_an_upload_over_the_size_limit_is_not_read(staff, settings):
    settings.ZIBO_UPLOAD_LIMITS = {"upload_bytes": 1_000}
    problems = _refused(_upload(staff, "f.csv", b"x" * 1_001), 413)
    assert "MB" in problems[0].message


# Bounds ------------------------------------------------------------------------------------


def test_problems_are_capped_with_how_many_more(staff):
    rows = [["张店区", 2024, "二(一)6-3", "", "", "", "", "", "", f"x{n}"] for n in range(5_000)]
    content = bf.csv_text(rows).encode()
    response = _upload(staff, "f.csv", content)
    problems = _refused(response)
    assert len(problems) == 101
    assert [p.row for p in problems[:100]] == list(range(2, 102))
    assert problems[-1].row is None
    assert "4,900" in problems[-1].message
    assert response.context["total"] == 5_000
    assert len(response.content) < 60_000


def test_rows_are_capped(staff, settings):
    settings.ZIBO_UPLOAD_LIMITS = {"rows": 50}
    rows = [["张店区", 2024, "二(一)6-3", "", "", "", "", "", "", n] for n in range(60)]
    problems = _refused(_upload(staff, "f.csv", bf.csv_text(rows).encode()), 413)
    assert problems[0].row == 52  # the 51st row of figures: why reading stopped comes first
    assert "50" in problems[0].message


def test_reading_stops_at_the_time_limit(staff, settings):
    settings.ZIBO_UPLOAD_LIMITS = {"seconds": 0}
    problems = _refused(_upload(staff, "f.csv", bf.csv_text([bf.GOOD_ROW]).encode()), 413)
    assert problems[0].row == 2


WORST = {
    "csv, 10 MB of 1.3 M short bad rows": ("f.csv", bf.many_short_bad_rows_csv),
    "xlsx, 100,000 bad rows": ("f.xlsx", lambda: bf.many_rows_xlsx(100_000)),
    "xlsx, 60 MB of whitespace, under the unpack limit": ("f.xlsx", lambda: bf.whitespace_bomb(60)),
    "xlsx, 300 MB of whitespace": ("f.xlsx", lambda: bf.whitespace_bomb(300)),
}


@pytest.mark.parametrize("case", list(WORST))
def test_memory_and_time_stay_bounded_on_the_worst_uploads(plan, staff_zhangdian, case):
    """Peak Python memory (tracemalloc) and time of reading each of the reported killers (before:
    1.7 GB and the 30 s timeout; 1 GB per request; a 15.6 MB error page)."""
    name, make = WORST[case]
    content = make()

    def read() -> workbook.WorkbookError | None:
        try:
            workbook.read(content, name, plan=plan, user=staff_zhangdian)
        except workbook.WorkbookError as error:
            return error
        return None

    started = time.perf_counter()
    refused = read()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        read()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size, peak_mb = len(content) / 2**20, peak / 2**20
    print(f"\n{case}: {size:.1f} MB file, {seconds:.2f} s, peak {peak_mb:.1f} MB")
    assert peak < 80 * 2**20  # generous: the reports were 1 GB and 1.7 GB
    assert seconds < workbook.Limits().seconds + 5
    if refused is not None:
        assert len(refused.problems) <= workbook.Limits().problems + 2
        assert refused.status in (413, 422)
