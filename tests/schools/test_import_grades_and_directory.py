"""The workbook's 分年级学生数 sheet (grades add up to 在校生数) and its 学校名录 sheet (new and
changed schools, all or nothing, audited), through the command and the import page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from openpyxl import load_workbook

from schools import workbook
from schools.models import GradeEnrolment, School, SchoolChange, SchoolYearStatistics
from tests.schools.helpers import make_school, make_statistics
from tests.schools.test_import import filled, run

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def schools(zhangdian, zichuan):
    return {
        "kg": make_school(zhangdian, "kindergarten", name="张店区实验幼儿园"),
        "nine": make_school(zhangdian, "nine_year", name="张店区九年一贯制学校"),
        "other": make_school(zichuan, "primary", name="淄川区第一小学"),
    }


def grades_of(school, year=2025) -> dict[int, int]:
    return dict(
        GradeEnrolment.objects.filter(
            statistics__school=school, statistics__school_year=year
        ).values_list("grade", "students")
    )


def test_the_template_has_the_grades_sheet_headed_by_grade(schools):
    book = load_workbook(io.BytesIO(workbook.build_template(schools.values(), 2025)))
    header = [c.value for c in book["分年级学生数"][1]]
    assert header[:5] == ["学校标识码", "学校名称", "小班", "中班", "大班"]
    assert header[5] == "一年级" and header[-1] == "高三" and len(header) == 17
    directory = [c.value for c in book["学校名录"][2]]
    assert directory[:6] == [
        schools["kg"].code,
        "张店区实验幼儿园",
        "公办",
        "公办园",
        "幼儿园",
        "城区",
    ]
    assert directory[-1] == "张店区"


def test_grades_are_imported_when_they_add_up_to_the_students(tmp_path, schools):
    # the nine-year school: grades 1–9 (columns F…N); the kindergarten: 小班…大班 (C…E)
    content = filled(
        [schools["kg"], schools["nine"]],
        {
            "学生数": {2: [320], 3: [450]},
            "分年级学生数": {2: [100, 110, 110], 3: [0, 0, 0, 50, 50, 50, 50, 50, 50, 50, 50, 50]},
        },
    )
    run(tmp_path, content)
    assert grades_of(schools["kg"]) == {-2: 100, -1: 110, 0: 110}
    assert sum(grades_of(schools["nine"]).values()) == 450
    # again, with other grades: the school year's grades are replaced, not added to
    run(tmp_path, filled([schools["kg"]], {"分年级学生数": {2: [120, 100, 100]}}))
    assert grades_of(schools["kg"]) == {-2: 120, -1: 100, 0: 100}


def test_grades_that_do_not_add_up_are_named_and_nothing_is_saved(tmp_path, schools):
    content = filled(
        [schools["kg"], schools["nine"]],
        {
            "学生数": {2: [320], 3: [450]},
            "分年级学生数": {2: [100, 110, 100], 3: [0, 0, 0, 50, 50, 50, 50, 50, 50, 50, 50, 50]},
        },
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, content)
    message = str(error.value)
    assert (
        "分年级学生数 · 第 2 行: 各年级合计 310，而张店区实验幼儿园的"
        "在校生数（幼儿园：在园幼儿数）为 320：两者应相等" in message
    )
    assert not SchoolYearStatistics.objects.exists() and not GradeEnrolment.objects.exists()


def test_a_grade_the_school_does_not_teach_and_a_missing_student_count_are_named(tmp_path, schools):
    content = filled(
        [schools["kg"], schools["nine"]],
        {"分年级学生数": {2: [100, 0, 0, 5], 3: [0, 0, 0, 50]}},
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, content)
    message = str(error.value)
    assert "第 2 行 · F（一年级） 列: 张店区实验幼儿园是幼儿园，没有一年级（请留空）" in message
    assert "第 3 行: 各年级合计 50，但张店区九年一贯制学校没有 2025学年（2025/26）的" in message


def test_a_new_student_count_must_match_the_grades_stored(tmp_path, schools):
    stats = make_statistics(schools["kg"], 2025, enrolled=300)
    GradeEnrolment.objects.create(statistics=stats, grade=-2, students=300)
    with pytest.raises(CommandError, match="310，但张店区实验幼儿园已存的各年级合计 300"):
        run(tmp_path, filled([schools["kg"]], {"学生数": {2: [310]}}))
    assert SchoolYearStatistics.objects.get().enrolled == 300


def test_a_csv_may_hold_the_grades(tmp_path, schools):
    header = ",".join(workbook.headers(None))
    blank = "," * (len(workbook.FIELDS) - 1)
    line = f"{schools['kg'].code},幼儿园,320{blank},100,110,110" + "," * 12
    run(tmp_path, f"{header}\n{line}\n".encode(), name="统计.csv")
    assert grades_of(schools["kg"]) == {-2: 100, -1: 110, 0: 110}


def directory_book(schools, rows: list[list], stats: dict | None = None) -> bytes:
    book = load_workbook(io.BytesIO(filled(schools, stats or {})))
    for row in rows:
        book["学校名录"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, **data):
    data = {"year": "2025", "file": SimpleUploadedFile("统计.xlsx", content, XLSX), **data}
    return client.post("/schools/import/", data)


def test_district_staff_add_and_update_schools_previewed_and_audited(
    client, schools, staff_zhangdian
):
    client.force_login(staff_zhangdian)
    content = directory_book(
        [schools["kg"], schools["nine"]],
        [["3703999001", "张店区新建第一小学", "公办", "", "小学", "镇区", 1800, "2025-08-01", ""]],
        {"学生数": {4: [640]}},
    )
    book = load_workbook(io.BytesIO(content))
    book["学校名录"]["B2"] = "张店区实验幼儿园（东园）"  # a change of name
    book["学生数"]["A4"] = "3703999001"  # the new school's statistics, in the same file
    out = io.BytesIO()
    book.save(out)
    preview = upload(client, out.getvalue())
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "新增学校 1 所，更新 1 所" in page
    assert "张店区实验幼儿园（东园）" in page
    assert not School.objects.filter(code="3703999001").exists()  # nothing before confirming
    from schools.models import StatisticsImport

    client.post(f"/schools/import/{StatisticsImport.objects.get().pk}/confirm/")
    new = School.objects.get(code="3703999001")
    assert (new.district, new.category, new.locality, new.approved_places) == (
        schools["kg"].district,
        "primary",
        "town",
        1800,
    )
    assert SchoolYearStatistics.objects.get(school=new).enrolled == 640
    schools["kg"].refresh_from_db()
    assert schools["kg"].name == "张店区实验幼儿园（东园）"
    change = SchoolChange.objects.get(school=schools["kg"])
    assert (change.action, change.channel, change.changed_by) == (
        "update",
        "excel",
        staff_zhangdian,
    )
    assert change.old == {"name": "张店区实验幼儿园"}
    assert SchoolChange.objects.get(school=new).action == "create"


def test_another_districts_school_is_refused_by_name_and_nothing_is_saved(
    tmp_path, schools, staff_zhangdian
):
    other = schools["other"]
    content = directory_book(
        [schools["kg"]],
        [
            [other.code, "改名", "公办", "", "小学", "城区"],
            ["3703999002", "新幼儿园", "民办", "公办园", "幼儿园", "城区"],
            ["3703999003", "新学校", "公办", "", "大学", "城区", "", "2025-13-01"],
        ],
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, content, "--user", staff_zhangdian.username)
    message = str(error.value)
    assert (
        f"学校名录 · 第 3 行 · A（学校标识码） 列: {other.code} 是淄川区的淄川区第一小学" in message
    )
    assert (
        "第 4 行 · D（普惠性质） 列: 民办幼儿园的普惠性质为普惠性民办园、非普惠性民办园" in message
    )
    assert "第 5 行 · E（类别） 列: 不能填写“大学”，应为幼儿园、小学" in message
    assert "第 5 行 · H（开办日期） 列: 应填写日期 yyyy-mm-dd，而不是“2025-13-01”" in message
    assert School.objects.count() == 3 and not SchoolChange.objects.exists()
    other.refresh_from_db()
    assert other.name == "淄川区第一小学"


def test_a_school_unknown_in_the_district_is_still_named_without_the_directory(
    tmp_path, schools, staff_zhangdian
):
    book = load_workbook(io.BytesIO(filled([schools["kg"]], {})))
    book["学生数"].append(["3703999001", "未列入名录", 5])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(CommandError, match="第 3 行 · A（学校标识码） 列: 在您可导入的学校中没有"):
        run(tmp_path, out.getvalue(), "--user", staff_zhangdian.username)


def test_the_city_workbook_names_the_district_of_a_new_school(tmp_path, schools, city_admin):
    content = directory_book(
        [schools["kg"], schools["other"]],
        [
            [
                "3703999001",
                "淄川区新幼儿园",
                "民办",
                "普惠性民办园",
                "幼儿园",
                "乡村",
                270,
                "",
                "",
                "淄川区",
            ],
            ["3703999002", "无区县的学校", "公办", "", "小学", "城区"],
        ],
    )
    with pytest.raises(CommandError, match="第 5 行: 新学校（标识码 3703999002）需要填写区县"):
        run(tmp_path, content, "--user", city_admin.username)
    book = load_workbook(io.BytesIO(content))
    book["学校名录"].delete_rows(5)
    out = io.BytesIO()
    book.save(out)
    assert "new schools 1, updated 0" in run(
        tmp_path, out.getvalue(), "--user", city_admin.username
    )
    new = School.objects.get(code="3703999001")
    assert (new.district.name, new.inclusiveness, new.ownership) == (
        "淄川区",
        "inclusive_private",
        "private",
    )
