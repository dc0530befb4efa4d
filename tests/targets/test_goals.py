"""Districts' own values (分解目标) and adjustments (规划调整): the goal each judgement uses,
through the pages, the Excel template, the admin and the API."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from departments.models import District
from targets import goal_workbook, goals, standings
from targets.models import (
    Decomposition,
    DistrictGoal,
    GoalChange,
    Standing,
    Target,
    TargetAdjustment,
)
from targets.progress import Basis, Point, Status, district_progress, goal_of
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "title": "淄博市教育目标责任书",
    "number": "淄教发〔2023〕5号",
    "issued_on": "2023-03-01",
}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fitness(plan):
    return target_named(plan, "学生体质健康测试优良率")  # rate ≥ 55% by 2025


@pytest.fixture
def admin(client, city_admin):
    client.force_login(city_admin)
    return client


def _fraction(numerator, year=2025):
    return Point(year, Decimal(numerator), Decimal(100))


# The goal selection, hand-worked ----------------------------------------------------------


def test_a_district_with_its_own_value_is_judged_against_it_the_others_against_the_city(
    fitness, zhangdian, zichuan, city_admin
):
    goals.decompose(fitness, {zhangdian: Decimal(60), zichuan: None},
                    goals.Document("责任书", "淄教发〔2023〕5号"), city_admin, "form")  # fmt: skip
    fitness = Target.objects.get(pk=fitness.pk)
    assert goal_of(fitness, zhangdian.pk) == (Decimal(60), Basis.DISTRICT)
    assert goal_of(fitness, zichuan.pk) == (Decimal(55), Basis.CITY)
    assert goal_of(fitness, None) == (Decimal(55), Basis.CITY)
    points = {2020: _fraction(50, 2020), 2025: _fraction(57)}
    # 57% in 2025: short of 张店区's 60% (achieved (57−50)/(60−50) = 0.7), above the city's 55%
    own = district_progress(fitness, points, 2025, zhangdian.pk)
    assert (own.status, own.goal, own.goal_basis) == (Status.MISSED, 60, "district")
    assert own.ratio == Decimal("0.7")
    other = district_progress(fitness, points, 2025, zichuan.pk)
    assert (other.status, other.goal, other.goal_basis) == (Status.MET, 55, "city")
    # on the path, as of 2023: expected 50 + (60 − 50)·3/5 = 56 for 张店区, 53 for the others
    points = {2020: _fraction(50, 2020), 2023: _fraction(54, 2023)}
    own = district_progress(fitness, points, 2023, zhangdian.pk)
    assert own.expected == 56 and own.status == Status.ACCELERATE  # (54−50)/(56−50) = 0.67
    other = district_progress(fitness, points, 2023, zichuan.pk)
    assert other.expected == 53 and other.status == Status.ON_TRACK  # (54−50)/(53−50) = 1.33


def test_a_city_wide_count_decomposed_judges_the_district_on_its_share(plan, zhangdian, city_admin):
    schools = target_named(plan, "国际化学校")  # 12 所 city-wide, the districts' counts add up
    points = {2020: Point(2020, value=Decimal(0)), 2025: Point(2025, value=Decimal(2))}
    assert district_progress(schools, points, 2025, zhangdian.pk).status == Status.PART
    goals.decompose(schools, {zhangdian: Decimal(3)}, goals.Document("责任书", "1号"),
                    city_admin, "form")  # fmt: skip
    schools = Target.objects.get(pk=schools.pk)
    judged = district_progress(schools, points, 2025, zhangdian.pk)
    assert (judged.status, judged.goal) == (Status.MISSED, 3)


def test_an_adjusted_target_judges_everyone_against_the_adjusted_value(fitness, city_admin):
    points = {2020: _fraction(50, 2020), 2025: _fraction(57)}
    assert district_progress(fitness, points, 2025).status == Status.MET
    goals.adjust(fitness, value=Decimal(58), year=2025, reason="省定标准提高",
                 document=goals.Document("批复", "淄政字〔2024〕9号"), user=city_admin,
                 channel="form")  # fmt: skip
    fitness = Target.objects.get(pk=fitness.pk)
    judged = district_progress(fitness, points, 2025)
    assert (judged.status, judged.goal, judged.goal_basis) == (Status.MISSED, 58, "adjusted")
    assert goals.original(fitness) == (Decimal(55), 2025)


# The decomposition page -------------------------------------------------------------------


def test_the_page_lists_every_district_with_the_city_value_and_saves_with_its_document(
    admin, plan, fitness, zhangdian, zichuan
):
    make_figure(fitness, zhangdian, 2020, numerator=50, denominator=100, state="approved")
    make_figure(fitness, zhangdian, 2025, numerator=57, denominator=100, state="approved")
    standings.refresh([fitness.pk])
    page = admin.get(f"/progress/targets/{fitness.pk}/decomposition/")
    html = page.content.decode()
    for district in District.objects.filter(city=plan.city):
        assert f'name="d-{district.slug}"' in html
    assert "55%" in html
    pdf = SimpleUploadedFile("zrs.pdf", b"%PDF-1.4 zrs", content_type="application/pdf")
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/",
        {**DOCUMENT, "d-zhangdian": "60", "file": pdf},
    )
    assert response.status_code == 302
    goal = DistrictGoal.objects.get(target=fitness)
    assert (goal.district, goal.value) == (zhangdian, 60)
    record = Decomposition.objects.get()
    assert record.number == "淄教发〔2023〕5号" and record.file_name == "zrs.pdf"
    change = GoalChange.objects.get()
    assert change.old == {} and change.new == {"张店区": "60"} and "淄教发" in change.comment
    stored = Standing.objects.get(target=fitness, district=zhangdian, as_of=2025,
                                  approved_only=True)  # fmt: skip
    assert stored.status == Status.MISSED  # refreshed: 57% against its own 60%
    target_page = admin.get(f"/progress/targets/{fitness.pk}/?year=2025").content.decode()
    assert "按分解目标 60%" in target_page
    assert "按全市目标 55%" in target_page
    assert "淄教发〔2023〕5号" in target_page


def test_an_untouched_submit_changes_nothing(admin, fitness, zhangdian, city_admin):
    goals.decompose(fitness, {zhangdian: Decimal(60)}, goals.Document("责任书", "1号"),
                    city_admin, "form")  # fmt: skip
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/", {**DOCUMENT, "d-zhangdian": "60.00"}
    )
    assert response.status_code == 302
    assert Decomposition.objects.count() == 1 and GoalChange.objects.count() == 1


def test_a_bad_value_or_a_missing_document_saves_nothing(admin, fitness):
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/", {"d-zhangdian": "60", "d-zichuan": "x"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "d-zichuan" in errors and "title" in errors and "number" in errors
    assert not DistrictGoal.objects.exists() and not GoalChange.objects.exists()


def test_an_attachment_that_is_not_what_its_name_says_is_refused(admin, fitness):
    fake = SimpleUploadedFile("zrs.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/",
        {**DOCUMENT, "d-zhangdian": "60", "file": fake},
    )
    assert response.status_code == 400
    assert "zrs.pdf" in str(response.context["form"].errors)
    assert not DistrictGoal.objects.exists() and not Decomposition.objects.exists()


def test_district_staff_may_neither_see_nor_set_the_values(client, staff_zhangdian, fitness):
    client.force_login(staff_zhangdian)
    url = f"/progress/targets/{fitness.pk}/decomposition/"
    assert client.get(url).status_code == 403
    assert client.post(url, {**DOCUMENT, "d-zhangdian": "60"}).status_code == 403
    assert not DistrictGoal.objects.exists()


# Excel ----------------------------------------------------------------------------------------


def _filled(admin, fitness, cells: dict) -> bytes:
    response = admin.get(f"/progress/targets/{fitness.pk}/decomposition/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    for ref, value in cells.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_lists_every_district_and_its_upload_previews_into_the_form(
    admin, plan, fitness
):
    response = admin.get(f"/progress/targets/{fitness.pk}/decomposition/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("区县", "分解目标值")
    assert [r[0] for r in rows[1:]] == list(
        District.objects.filter(city=plan.city).values_list("name", flat=True)
    )
    content = _filled(admin, fitness, {"B2": 60, "B3": 52.5})
    preview = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/upload/",
        {"workbook": SimpleUploadedFile("goals.xlsx", content)},
    )
    assert preview.status_code == 200
    form = preview.context["form"]
    first, second = rows[1][0], rows[2][0]
    assert [(d.name, after) for d, _before, after in preview.context["changed"]] == [
        (first, Decimal(60)),
        (second, Decimal("52.5")),
    ]
    assert form.initial[f"d-{form.districts[0].slug}"] == 60
    assert not DistrictGoal.objects.exists(), "a preview saves nothing"


def test_an_upload_with_bad_cells_names_each_and_fills_in_nothing(admin, fitness):
    content = _filled(
        admin, fitness, {"B2": "很多", "B3": "=1+1", "A4": "东城区", "B5": -3, "B6": 60.123}
    )
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/upload/",
        {"workbook": SimpleUploadedFile("goals.xlsx", content)},
    )
    assert response.status_code == 400
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(2, "分解目标值"), (3, "分解目标值"), (4, "区县"), (5, "分解目标值"),
                        (6, "分解目标值")]  # fmt: skip
    messages = [p.message for p in response.context["problems"]]
    assert "东城区" in messages[2] and "张店区" in messages[2]  # what is allowed
    assert "preview" not in response.context and not DistrictGoal.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(admin, fitness):
    response = admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/upload/",
        {"workbook": SimpleUploadedFile("goals.xlsx", b"not a zip")},
    )
    assert response.status_code == 400
    assert "xlsx" in response.context["problems"][0].message


def test_the_template_keeps_formula_like_names_as_text(fitness, zhangdian):
    zhangdian.name = "=HYPERLINK(1)"
    content = goal_workbook.template(fitness, [zhangdian], {})
    cell = load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix


# Adjustment -----------------------------------------------------------------------------------


def test_an_adjustment_needs_a_reason_and_its_document(admin, fitness):
    url = f"/progress/targets/{fitness.pk}/adjustment/"
    response = admin.post(url, {"value": "58", "deadline_year": "2025"})
    assert response.status_code == 400
    assert {"reason", "title", "number"} <= set(response.context["form"].errors)
    assert Target.objects.get(pk=fitness.pk).value == 55
    assert not TargetAdjustment.objects.exists()


def test_an_adjustment_is_recorded_and_the_pages_show_both_targets(
    admin, fitness, zhangdian, client
):
    make_figure(fitness, zhangdian, 2020, numerator=50, denominator=100, state="approved")
    make_figure(fitness, zhangdian, 2025, numerator=57, denominator=100, state="approved")
    standings.refresh([fitness.pk])
    response = admin.post(
        f"/progress/targets/{fitness.pk}/adjustment/",
        {"value": "58", "deadline_year": "2025", "reason": "省定标准提高", **DOCUMENT},
    )
    assert response.status_code == 302
    adjustment = TargetAdjustment.objects.get()
    assert (adjustment.old_value, adjustment.new_value) == (55, 58)
    assert adjustment.created_by is not None and adjustment.reason == "省定标准提高"
    assert GoalChange.objects.get().old == {"value": "55", "deadline_year": 2025}
    assert Target.objects.get(pk=fitness.pk).value == 58
    stored = Standing.objects.get(target=fitness, district=zhangdian, as_of=2025,
                                  approved_only=True)  # fmt: skip
    assert stored.status == Status.MISSED  # 57% against the adjusted 58%
    page = admin.get(f"/progress/targets/{fitness.pk}/?year=2025").content.decode()
    assert "55%（2025）" in page and "58%（2025）" in page and "按调整后目标 58%" in page


def test_the_admin_refuses_a_plain_edit_of_the_value_of_an_issued_plan(admin, fitness):
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(fitness).items()}
    data["value"] = "58"
    response = admin.post(f"/admin/targets/target/{fitness.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the error
    assert "adjustment" in response.content.decode() or "调整" in response.content.decode()
    assert Target.objects.get(pk=fitness.pk).value == 55


# API ------------------------------------------------------------------------------------------


def test_the_api_gives_the_decomposition_the_adjustment_and_the_goal_used(
    admin, fitness, zhangdian, city_admin
):
    goals.decompose(fitness, {zhangdian: Decimal(60)}, goals.Document("责任书", "1号"),
                    city_admin, "form")  # fmt: skip
    goals.adjust(Target.objects.get(pk=fitness.pk), value=Decimal(58), year=2025,
                 reason="调整", document=goals.Document("批复", "2号"), user=city_admin,
                 channel="form")  # fmt: skip
    listed = {t["code"]: t for t in admin.get("/api/targets/").json()["targets"]}[fitness.code]
    assert listed["value"] == 58 and listed["original_value"] == 55
    assert listed["district_values"] == {"zhangdian": 60}
    assert listed["decomposition"]["number"] == "1号"
    assert listed["adjustments"][0]["reason"] == "调整"
    board = admin.get("/api/progress/?year=2025").json()
    row = next(t for t in board["targets"] if t["code"] == fitness.code)
    assert (row["city"]["goal"], row["city"]["goal_basis"]) == (58, "adjusted")
    own = row["districts"]["zhangdian"]
    assert (own["goal"], own["goal_basis"]) == (60, "district")


# The evaluation, the monthly report and the public pages say which value was used -------------


@pytest.fixture
def decided(plan, fitness, zhangdian, zichuan, city_admin):
    """张店区 at 57% in 2025 against its own 60%; 淄川区 at 57% against the adjusted city 56%."""
    for district in (zhangdian, zichuan):
        make_figure(fitness, district, 2020, numerator=50, denominator=100, state="approved")
        make_figure(fitness, district, 2025, numerator=57, denominator=100, state="approved")
    goals.decompose(fitness, {zhangdian: Decimal(60)}, goals.Document("责任书", "1号"),
                    city_admin, "form")  # fmt: skip
    goals.adjust(Target.objects.get(pk=fitness.pk), value=Decimal(56), year=2025,
                 reason="调整", document=goals.Document("批复", "2号"), user=city_admin,
                 channel="form")  # fmt: skip
    return Target.objects.get(pk=fitness.pk)


def test_the_evaluation_says_which_value_each_verdict_used(plan, decided, zhangdian, zichuan):
    from reports import evaluation, evaluation_document

    result = evaluation.evaluate(plan, 2025)
    row = next(t for t in result.targets if t.target.pk == decided.pk)
    assert row.adjusted == ("55%（2025）", "56%（2025）")
    assert row.district_values == "张店区 60%"
    assert row.districts[zhangdian.pk].goal == "按分解目标 60%"
    assert row.districts[zhangdian.pk].verdict == evaluation.Verdict.NOT_DONE
    assert row.districts[zichuan.pk].goal == "按调整后目标 56%"
    assert row.districts[zichuan.pk].verdict == evaluation.Verdict.DONE
    assert "按调整后目标" in evaluation_document._goal_sentence(result)
    assert evaluation_document._plan_value(row).endswith("（原55%（2025），调整为56%（2025））")
    own = evaluation.evaluate(plan, 2025, district=zhangdian)
    judged = next(t for t in own.targets if t.target.pk == decided.pk).districts[zhangdian.pk]
    assert evaluation_document._verdict_with_goal(judged).endswith("（按分解目标 60%）")


def test_the_public_pages_show_the_goal_used_and_the_original(
    client, plan, city_admin, decided, zhangdian
):
    from public import publication
    from public.content import target_key

    publication.publish(plan, user=city_admin)
    root = f"/public/{plan.slug}/"
    page = client.get(f"{root}targets/{target_key(decided)}/").content.decode()
    assert "按分解目标 60%" in page and "按调整后目标 56%" in page
    assert "55%（2025）" in page
    data = client.get(f"{root}districts/{zhangdian.slug}.json").json()
    row = next(t for t in data["targets"] if t["code"] == decided.code)
    assert (row["goal"], row["goal_basis"]) == ("60.00", "district")
    assert row["original_requirement"] == "55%（2025）"


def test_the_document_file_is_kept_and_downloaded_by_who_sees_the_target(
    admin, fitness, client, staff_zhangdian
):
    pdf = SimpleUploadedFile("zrs.pdf", b"%PDF-1.4 zrs", content_type="application/pdf")
    admin.post(
        f"/progress/targets/{fitness.pk}/decomposition/",
        {**DOCUMENT, "d-zhangdian": "60", "file": pdf},
    )
    record = Decomposition.objects.get()
    url = f"/progress/targets/{fitness.pk}/documents/decomposition/{record.pk}/"
    assert url in admin.get(f"/progress/targets/{fitness.pk}/").content.decode()
    client.force_login(staff_zhangdian)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 zrs"
    assert "zrs.pdf" in response["Content-Disposition"]
    assert client.get(url.replace("decomposition/", "adjustment/", 1)).status_code == 404
