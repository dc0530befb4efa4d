"""Progress exports open cleanly in Chinese Excel: CSV with a UTF-8 BOM; xlsx with real numbers,
percentage formats, a named sheet, readable widths and the year of each value."""

import csv
import io

import pytest
from openpyxl import load_workbook

from targets import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, city_admin, plan):
    demo.seed(plan)
    client.force_login(city_admin)
    return client


def test_csv_starts_with_a_byte_order_mark_and_keeps_numbers_plain(admin):
    response = admin.get("/progress/?year=2024&_export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:6] == ["编号", "指标", "牵头部门", "数值", "单位", "数值年份"]
    fitness = next(row for row in rows if row[0] == "二(一)4-1")
    assert fitness[3] == "49.6" and fitness[4] == "%" and fitness[5] == "2023"


def test_xlsx_has_a_named_sheet_numbers_percentages_years_and_widths(admin):
    response = admin.get("/progress/?year=2024&_export=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "进展 2024"
    header = [cell.value for cell in sheet[1]]
    assert header[3:6] == ["数值", "单位", "数值年份"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    fitness = rows["二(一)4-1"]
    assert fitness[3].data_type == "n" and abs(fitness[3].value - 0.496) < 0.0005
    assert fitness[3].number_format == "0.0%"
    assert fitness[5].value == 2023, "the city value comes from the latest complete year"
    assert fitness[7].value == 2025 and fitness[7].data_type == "n"
    counts = [row for row in rows.values() if row[4].value not in ("%", "", None)]
    assert counts and all(row[3].data_type == "n" for row in counts if row[3].value is not None)
    assert sheet.column_dimensions["B"].width >= 20, "the target names are readable"
    assert sheet.column_dimensions["A"].width >= 9


def test_department_export_is_named_after_the_department(client, department_head, plan):
    demo.seed(plan)
    client.force_login(department_head)
    bureau = department_head.role.department
    response = client.get(f"/progress/departments/{bureau.pk}/?year=2024&table=led&_export=xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.title == "市教育局"
