"""Excel and CSV: template, upload, preview, confirm; a bad file saves nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from targets.models import Figure, FigureChange, FigureImport, Target
from targets.workbook import FIRST_ROW, HEADERS
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staff(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    return client


def _template(client, slug="zhangdian", year=2024):
    response = client.get(f"/entry/{slug}/{year}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def _fill(book, code, **cells):
    """Write values into the row of a target, by header name."""
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        if row[2].value == code:
            for header, value in cells.items():
                row[HEADERS.index(header)].value = value
            return
    raise KeyError(code)


def _bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name="figures.xlsx"):
    return client.post("/import/", {"file": SimpleUploadedFile(name, content)})


def _problems(response) -> list[str]:
    assert response.status_code == 422, response.status_code
    return [str(p) for p in response.context["problems"]]


def test_template_lists_the_districts_targets_with_last_years_figures(staff, plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2023, numerator=Decimal(450), denominator=Decimal(1000))
    sheet = _template(staff)["填报"]
    assert [c.value for c in sheet[3]] == HEADERS
    rows = list(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    assert len(rows) == 39  # 33 + 6 district-reported targets added in issue 9
    fitness_row = next(r for r in rows if r[2] == "二(一)4-1")
    assert fitness_row[:7] == (
        "张店区", 2024, "二(一)4-1", "学生体质健康测试优良率",
        "分子：体质健康测试优良学生数；分母：参加体质健康测试学生数", "≥ 55%", "45.0%（450/1000）",
    )  # fmt: skip
    assert sheet.protection.sheet is True
    assert sheet.cell(row=FIRST_ROW, column=1).protection.locked is True
    assert sheet.cell(row=FIRST_ROW, column=8).protection.locked is False


def test_upload_previews_then_confirm_saves_and_audits(staff, plan, zhangdian):
    book = _template(staff)
    _fill(book, "二(一)4-1", 分子=520, 分母=1000)
    _fill(book, "二(一)6-3", 数值=6, 说明="新建基地")
    _fill(book, "二(二)1-1", 是否达成="否")
    response = _upload(staff, _bytes(book))
    assert response.status_code == 200
    assert response.context["counts"] == {"create": 3, "update": 0, "unchanged": 0}
    assert "52.0%（520/1000）" in response.content.decode()
    assert not Figure.objects.exists(), "nothing is saved before confirming"
    pending = FigureImport.objects.get()
    response = staff.post(f"/import/{pending.pk}/confirm/")
    assert response.status_code == 302
    assert Figure.objects.filter(district=zhangdian, year=2024).count() == 3
    change = FigureChange.objects.get(figure__target__code="二(一)6-3")
    assert (change.channel, change.comment) == ("excel", "figures.xlsx")
    pending.refresh_from_db()
    assert pending.applied_at
    assert pending.summary == "新增 3 项，修改 0 项，未变 0 项"


def test_the_same_file_twice_changes_nothing(staff, plan):
    book = _template(staff)
    _fill(book, "二(一)6-3", 数值=6)
    content = _bytes(book)
    _upload(staff, content)
    staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/")
    response = _upload(staff, content)
    assert response.context["counts"] == {"create": 0, "update": 0, "unchanged": 1}
    assert "此文件不会改动任何数据" in response.content.decode()
    staff.post(f"/import/{FigureImport.objects.latest('pk').pk}/confirm/")
    assert FigureChange.objects.count() == 1
    assert Figure.objects.get().version == 1


def test_figures_changed_after_the_preview_make_the_confirmation_fail(staff, plan, zhangdian):
    bases = target_named(plan, "区县典型性劳动教育基地")
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(3))
    book = _template(staff)
    _fill(book, "二(一)6-3", 数值=4)
    _upload(staff, _bytes(book))
    Figure.objects.filter(pk=figure.pk).update(value=5, version=2)
    response = staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/", follow=True)
    assert "预览之后数据已有变动" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 5


def test_a_refused_confirmation_names_the_figures_changed_and_who_changed_them(
    staff, plan, zhangdian, city_admin
):
    from targets import figures

    book = _template(staff)
    sheet = book["填报"]
    rows = list(sheet.iter_rows(min_row=FIRST_ROW))[:12]
    for row in rows:
        row[HEADERS.index("说明")].value = "按学年统计"
    _upload(staff, _bytes(book))
    codes = [row[2].value for row in rows]
    targets = dict(Target.objects.of_plan(plan).values_list("code", "pk"))
    figures.record(
        [
            figures.Entry(
                figures.Key(targets[code], zhangdian.pk, 2024),
                figures.FigureInput(note="市局补录"),
                0,
            )
            for code in codes
        ],
        user=city_admin,
        channel="api",
    )
    response = staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/", follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("预览之后数据已有变动")
    assert f"{codes[0]} · 张店区 · 2024：" in message and "通过API新建" in message
    assert "市局管理员" in message
    assert codes[9] in message and codes[10] not in message
    assert message.endswith("……另有 2 项")
    assert Figure.objects.filter(note="按学年统计").count() == 0


def test_one_bad_row_saves_nothing_and_each_problem_names_row_column_and_rule(staff, plan):
    book = _template(staff)
    _fill(book, "二(一)4-1", 分子=1200, 分母=1000)
    _fill(book, "二(一)6-3", 数值="十个")
    _fill(book, "二(二)1-1", 是否达成="也许")
    _fill(book, "二(一)4-2", 分子="=H4*2", 分母=1000)
    _fill(book, "二(一)4-3", 分子=5)
    problems = _problems(_upload(staff, _bytes(book)))
    rows = {row[2].value: row[0].row for row in book["填报"].iter_rows(min_row=FIRST_ROW)}
    expected = [
        f"填报 · 第 {rows['二(一)4-2']} 行 · H（分子） 列: 不接受公式：请粘贴数值",
        f"填报 · 第 {rows['二(一)6-3']} 行 · J（数值） 列: “十个”不是数字",
        f"填报 · 第 {rows['二(二)1-1']} 行 · K（是否达成） 列: 请填写“是”或“否”，而不是“也许”",
        f"填报 · 第 {rows['二(一)4-1']} 行 · H（分子） 列: "
        "分子（1200）不能大于分母（1000）：体质健康测试优良学生数是参加体质健康测试学生数的一部分。",
        f"填报 · 第 {rows['二(一)4-3']} 行 · I（分母） 列: 分子和分母须同时填写。",
    ]
    assert sorted(problems) == sorted(expected)
    assert not Figure.objects.exists()
    assert not FigureImport.objects.exists()


def test_empty_rows_are_skipped(staff, plan):
    book = _template(staff)
    sheet = book["填报"]
    sheet.insert_rows(FIRST_ROW + 2, amount=3)
    _fill(book, "二(一)6-3", 数值=6)
    response = _upload(staff, _bytes(book))
    assert response.status_code == 200
    assert response.context["counts"]["create"] == 1


def test_wrong_sheet_name(staff):
    book = _template(staff)
    book["填报"].title = "Sheet1"
    assert _problems(_upload(staff, _bytes(book))) == [
        "文件: 找不到名为“填报”的工作表（现有工作表：Sheet1）"
    ]


def test_merged_cells(staff):
    book = _template(staff)
    book["填报"].merge_cells("A5:A7")
    assert _problems(_upload(staff, _bytes(book))) == [
        "填报: 不接受合并单元格（A5:A7）：请取消合并并逐行填写"
    ]


def test_a_district_the_user_does_not_own(client, staff_zichuan, staff_zhangdian):
    client.force_login(staff_zhangdian)
    book = _template(client)
    _fill(book, "二(一)6-3", 数值=6)
    client.force_login(staff_zichuan)
    problems = _problems(_upload(client, _bytes(book)))
    assert problems[0].endswith("A（区县） 列: 您无权填报张店区的数据")
    assert not Figure.objects.exists()


def test_a_file_that_is_not_excel(staff):
    problems = _problems(_upload(staff, b"%PDF-1.4 not a workbook", name="report.xlsx"))
    assert problems == ["文件: 这不是 Excel 工作簿（.xlsx）：请上传下载的模板，或 CSV 文件"]


def test_a_changed_header_is_named(staff):
    book = Workbook()
    sheet = book.active
    sheet.title = "填报"
    sheet.append(["标题"])
    sheet.append([""])
    sheet.append(["区县", "年度", "指标"])
    assert "表头应为" in _problems(_upload(staff, _bytes(book)))[0]


def test_csv_in_gbk_with_the_same_columns(staff, plan):
    lines = [",".join(HEADERS), "张店区,2024,二(一)6-3,区县典型性劳动教育基地,,,,,,7,,,,统计年报"]
    response = _upload(staff, "\n".join(lines).encode("gb18030"), name="figures.csv")
    assert response.status_code == 200, response.context and response.context.get("problems")
    staff.post(f"/import/{FigureImport.objects.get().pk}/confirm/")
    figure = Figure.objects.get()
    assert (figure.value, figure.source, figure.changes.get().channel) == (7, "统计年报", "csv")


def test_city_admin_uploads_several_districts_at_once(client, city_admin, plan, zhangdian, zichuan):
    from targets.workbook import build_template

    content = build_template(plan, [zhangdian, zichuan], 2024)
    book = load_workbook(io.BytesIO(content))
    for row in book["填报"].iter_rows(min_row=FIRST_ROW):
        if row[2].value == "二(一)6-3":
            row[HEADERS.index("数值")].value = 5
    client.force_login(city_admin)
    response = _upload(client, _bytes(book))
    assert response.context["counts"]["create"] == 2
    client.post(f"/import/{FigureImport.objects.get().pk}/confirm/")
    assert set(Figure.objects.values_list("district__name", flat=True)) == {"张店区", "淄川区"}


def test_department_heads_do_not_upload(client, department_head):
    client.force_login(department_head)
    assert client.get("/import/").status_code == 403


def test_someone_elses_pending_import_cannot_be_confirmed(client, staff, staff_zichuan, plan):
    book = _template(staff)
    _fill(book, "二(一)6-3", 数值=6)
    _upload(staff, _bytes(book))
    client.force_login(staff_zichuan)
    assert client.post(f"/import/{FigureImport.objects.get().pk}/confirm/").status_code == 404


def test_import_figures_command_does_the_same(tmp_path, plan, staff_zhangdian, zhangdian):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from targets.workbook import build_template

    book = load_workbook(io.BytesIO(build_template(plan, [zhangdian], 2024)))
    _fill(book, "二(一)6-3", 数值=6)
    path = tmp_path / "zhangdian.xlsx"
    path.write_bytes(_bytes(book))
    out = StringIO()
    call_command("import_figures", str(path), "--user", "staff-zhangdian", "--dry-run", stdout=out)
    assert "would save 1 new" in out.getvalue() and not Figure.objects.exists()
    call_command("import_figures", str(path), "--user", "staff-zhangdian", stdout=out)
    assert Figure.objects.get().changes.get().channel == "command"
    call_command("import_figures", str(path), "--user", "staff-zhangdian", stdout=out)
    assert "0 new, 0 changed, 1 unchanged" in out.getvalue()
    _fill(book, "二(一)6-3", 数值="many")
    path.write_bytes(_bytes(book))
    with pytest.raises(CommandError, match="J（数值） 列: “many”不是数字"):
        call_command("import_figures", str(path), "--user", "staff-zhangdian")
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_figures", str(path), "--user", "nobody")


def test_preview_query_count_does_not_grow_with_rows(
    staff, plan, zhangdian, django_assert_max_num_queries
):
    from targets.models import Target

    for target in Target.objects.of_plan(plan).filter(reported_by="districts", kind="rate"):
        make_figure(target, zhangdian, 2024, numerator=Decimal(1), denominator=Decimal(2))
    book = _template(staff)
    with django_assert_max_num_queries(16):
        response = _upload(staff, _bytes(book))
    assert response.status_code == 200
    assert response.context["counts"]["unchanged"] > 5
