"""Every spreadsheet the app writes keeps a user's text as text (CSV/formula injection): in xlsx
no cell is a formula, in CSV formula-like text starts with a single quote, numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from departments.models import Department
from targets import demo
from targets.models import Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db

NOTE = '=HYPERLINK("http://x","y")'


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _no_formula_and_the_note_as_text(content: bytes) -> None:
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    noted = [c for c in cells if c.value == NOTE]
    assert noted and all(c.data_type == "s" and c.quotePrefix for c in noted)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def bureau_named_like_a_formula(plan) -> Department:
    bureau = Department.objects.get(city=plan.city, name="市教育局")
    bureau.name = NOTE
    bureau.save()
    return bureau


def test_progress_exports_write_a_formula_like_name_as_text(
    client, city_admin, plan, bureau_named_like_a_formula
):
    demo.seed(plan)
    client.force_login(city_admin)
    _no_formula_and_the_note_as_text(client.get("/progress/?year=2024&_export=xlsx").content)
    rows = _csv_rows(client.get("/progress/?year=2024&_export=csv").content)
    led = [row for row in rows if row[2].endswith(NOTE)]
    assert led and all(row[2] == "'" + NOTE for row in led)
    assert not [row for row in rows[1:] if row[3].startswith("'")], "values stay numbers"


def test_the_ledger_export_writes_a_formula_like_name_as_text(
    client, city_admin, plan, open_round, bureau_named_like_a_formula
):
    client.force_login(city_admin)
    _no_formula_and_the_note_as_text(client.get("/ledger/?_export=xlsx").content)
    rows = _csv_rows(client.get("/ledger/?_export=csv").content)
    assert "'" + NOTE in [row[2] for row in rows]
    assert NOTE not in [row[2] for row in rows]


def test_the_evaluation_annex_writes_a_formula_like_name_as_text(
    plan, bureau_named_like_a_formula, tmp_path
):
    out = tmp_path / "evaluation.xlsx"
    call_command("evaluation_report", plan="zibo-2021-2025", format="xlsx", output=str(out),
                 stdout=io.StringIO())  # fmt: skip
    _no_formula_and_the_note_as_text(out.read_bytes())


def test_the_template_writes_a_formula_like_note_as_text(client, staff_zhangdian, plan, zhangdian):
    target = Target.objects.of_plan(plan).get(code="二(一)6-3")
    make_figure(target, zhangdian, 2024, value=Decimal(6), note=NOTE)
    client.force_login(staff_zhangdian)
    _no_formula_and_the_note_as_text(client.get("/entry/zhangdian/2024/template.xlsx").content)


def test_a_template_read_back_keeps_a_note_starting_with_a_minus(
    client, staff_zhangdian, plan, zhangdian
):
    target = Target.objects.of_plan(plan).get(code="二(一)6-3")
    make_figure(target, zhangdian, 2024, value=Decimal(6), note="-3")
    client.force_login(staff_zhangdian)
    template = client.get("/entry/zhangdian/2024/template.xlsx").content
    response = client.post("/import/", {"file": SimpleUploadedFile("figures.xlsx", template)})
    assert response.status_code == 200, [str(p) for p in response.context["problems"]]
    assert response.context["counts"] == {"create": 0, "update": 0, "unchanged": 1}
