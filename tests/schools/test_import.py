import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from schools import workbook
from schools.models import SchoolYearStatistics, StatisticsImport
from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(zhangdian, zichuan):
    return {
        "kg": make_school(zhangdian, "kindergarten", name="张店区实验幼儿园"),
        "primary": make_school(zhangdian, "primary", name="张店区第一小学"),
        "other": make_school(zichuan, "primary", name="淄川区第一小学"),
    }


def filled(schools, rows: dict[str, dict[int, list]]) -> bytes:
    """The template for `schools`, with `rows[sheet][row number]` written from column C."""
    book = load_workbook(io.BytesIO(workbook.build_template(schools, 2025)))
    for sheet, by_row in rows.items():
        for number, values in by_row.items():
            for offset, value in enumerate(values):
                book[sheet].cell(number, 3 + offset, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(tmp_path, content: bytes, *args, name="统计.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import_statistics", str(path), "--year", "2025", *args, stdout=out)
    return out.getvalue()


def test_the_template_has_a_sheet_per_table_headed_as_the_forms_name_them(schools):
    book = load_workbook(io.BytesIO(workbook.build_template(schools.values(), 2025)))
    assert book.sheetnames == ["学校名录", "学生数", "分年级学生数", "班额", "教职工", "办学条件"]
    header = [c.value for c in book["班额"][1]]
    assert header == [
        "学校标识码",
        "学校名称",
        "班数",
        "大班额班数（56—65人）",
        "超大班额班数（66人及以上）",
    ]
    assert book["学生数"]["A2"].value == schools["kg"].code


def test_a_city_workbook_is_imported_by_the_command(tmp_path, schools):
    content = filled(
        schools.values(),
        {
            "学生数": {2: [320, 110, 95], 3: [900]},
            "办学条件": {3: [5200.5, 3100, 8000, 120.25, 24]},
        },
    )
    out = run(tmp_path, content)
    assert "saved 2 schools" in out
    kg = SchoolYearStatistics.objects.get(school=schools["kg"], school_year=2025)
    assert (kg.enrolled, kg.entrants, kg.graduates) == (320, 110, 95)
    primary = SchoolYearStatistics.objects.get(school=schools["primary"])
    assert primary.building_area == Decimal("5200.50") and primary.multimedia_classrooms == 24
    assert primary.source == "统计.xlsx" and primary.imported_at
    record = StatisticsImport.objects.get()
    assert (record.filename, record.school_year, record.schools) == ("统计.xlsx", 2025, 2)
    assert record.applied_at and record.uploaded_by is None


def test_every_bad_cell_is_named_and_nothing_is_saved(tmp_path, schools):
    content = filled(
        schools.values(),
        {
            "学生数": {2: ["三百", -1, 2.5]},
            "班额": {3: [10, 12, 0]},  # more large classes than classes
            "教职工": {4: ["=A1"]},
        },
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, content)
    message = str(error.value)
    assert "nothing was saved" in message
    assert (
        "学生数 · 第 2 行 · C（在校生数（幼儿园：在园幼儿数）） 列: 应填写数字，而不是“三百”"
        in message
    )
    assert "D（招生数） 列: 应填写不小于 0 的数" in message
    assert "E（毕业生数） 列: 应填写整数（人）" in message
    assert (
        "班额 · 第 3 行" in message and "大班额班数（56—65人）（12）不能超过班数（10）" in message
    )
    assert "教职工 · 第 4 行 · C（教职工数） 列: 不接受公式" in message
    assert not SchoolYearStatistics.objects.exists()


def test_district_staff_may_not_import_another_districts_school(tmp_path, schools, staff_zhangdian):
    content = filled(schools.values(), {"学生数": {2: [1], 4: [2]}})
    with pytest.raises(CommandError) as error:
        run(tmp_path, content, "--user", staff_zhangdian.username)
    other = schools["other"].code
    assert "学生数 · 第 4 行 · A（学校标识码） 列: 在您可导入的学校中没有 2025学年" in str(
        error.value
    )
    assert f"标识码为 {other} 的学校（未知、已撤销或属于其他区县）" in str(error.value)
    assert not SchoolYearStatistics.objects.exists()


def test_an_unknown_school_and_a_school_listed_twice_are_named(tmp_path, schools):
    book = load_workbook(io.BytesIO(workbook.build_template(schools.values(), 2025)))
    book["学生数"].append(["3709999999", "不存在的学校", 5])
    book["学生数"].append([schools["kg"].code, "重复", 5])
    book["学生数"].append(["12345", "短", 5])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(CommandError) as error:
        run(tmp_path, out.getvalue())
    message = str(error.value)
    assert (
        "第 5 行 · A（学校标识码） 列: 在您可导入的学校中没有" in message
        and "3709999999" in message
    )
    kg = schools["kg"].code
    assert f"第 6 行 · A（学校标识码） 列: 学校 {kg} 在本表中重复出现（另见第 2 行）" in message
    assert "第 7 行 · A（学校标识码） 列: 学校标识码为10位数字，而不是“12345”" in message


def test_a_blank_cell_keeps_what_was_stored(tmp_path, schools):
    make_statistics(schools["kg"], 2025, enrolled=300, entrants=100)
    run(tmp_path, filled(schools.values(), {"学生数": {2: [310]}}))
    kg = SchoolYearStatistics.objects.get(school=schools["kg"])
    assert (kg.enrolled, kg.entrants) == (310, 100)


def test_a_csv_of_the_same_columns_is_imported(tmp_path, schools):
    header = ",".join(workbook.headers(None))
    line = f"{schools['kg'].code},张店区实验幼儿园,320" + "," * (len(workbook.FIELDS) - 1)
    run(tmp_path, f"{header}\n{line}\n".encode(), name="统计.csv")
    assert SchoolYearStatistics.objects.get(school=schools["kg"]).enrolled == 320


def test_a_wrong_header_and_a_file_that_is_not_excel_are_named(tmp_path, schools):
    with pytest.raises(
        CommandError, match="未找到表头行，表头应为：学校标识码、学校名称、在校生数"
    ):
        run(tmp_path, "学校,名称\n1,2\n".encode(), name="x.csv")
    with pytest.raises(CommandError, match="这不是可读取的 Excel 工作簿"):
        run(tmp_path, b"PK\x05\x06" + b"\0" * 18 + b"garbage")
    with pytest.raises(CommandError, match="a school year between 2000 and 2100"):
        call_command("import_statistics", str(tmp_path / "x.csv"), "--year", "25")


def test_a_dry_run_saves_nothing(tmp_path, schools):
    out = run(tmp_path, filled(schools.values(), {"学生数": {2: [1]}}), "--dry-run")
    assert "would save 1 schools" in out
    assert not SchoolYearStatistics.objects.exists()
