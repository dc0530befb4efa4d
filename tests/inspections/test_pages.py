"""The county evaluation pages, the items the city admin records, the report and the API."""

import io
import json
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from inspections.models import CountyItem, CountyItemChange
from tests.inspections.helpers import small_county
from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def county(zhangdian):
    return small_county(zhangdian)


def test_the_county_page_shows_the_table_the_failing_school_and_the_standard(
    client, city_admin, county, django_assert_max_num_queries
):
    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        page = client.get("/inspections/balanced/zhangdian/?year=2025")
    text = page.content.decode()
    assert page.status_code == 200
    assert "教督〔2017〕6号（2017版，2017-04-26起）" in text  # the version that judged
    assert "0.172" in text and "0.130" in text  # the junior and primary 差异系数 of teaching rooms
    assert "丁九年一贯制学校" in text and "戊九年一贯制学校" in text  # failing; not judged
    assert "/inspections/balanced/zhangdian/items/" in text  # the city admin records the items


def test_the_city_page_lists_every_county_in_constant_queries(
    client, city_admin, county, zichuan, django_assert_max_num_queries
):
    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        page = client.get("/inspections/balanced/?year=2025")
    text = page.content.decode()
    assert "张店区" in text and "淄川区" in text
    small_county(zichuan)
    with django_assert_max_num_queries(14):
        client.get("/inspections/balanced/?year=2025")


def test_district_staff_see_their_county_only_and_record_nothing(client, staff_zhangdian, county):
    client.force_login(staff_zhangdian)
    assert client.get("/inspections/balanced/").url.startswith("/inspections/balanced/zhangdian/")
    page = client.get("/inspections/balanced/zhangdian/?year=2025").content.decode()
    assert "/items/" not in page
    assert client.get("/inspections/balanced/zichuan/").status_code == 404
    assert (
        client.post("/inspections/balanced/zhangdian/items/", {"year": "2025"}).status_code == 403
    )


def test_the_city_admin_records_items_with_evidence_audited(client, city_admin, zhangdian):
    client.force_login(city_admin)
    response = client.post(
        "/inspections/balanced/zhangdian/items/",
        {
            "year": "2025",
            "government-3-status": "met",
            "government-3-note": "音乐、美术专用教室已配齐",
            "government-3-file": SimpleUploadedFile("验收.pdf", b"%PDF-1.4 x"),
            "quality-2-status": "not_met",
            "recognition-0-value": "86.5",
        },
    )
    assert response.status_code == 302
    rows = {(i.part, i.number): i for i in CountyItem.objects.all()}
    assert rows[("government", 3)].status == "met"
    assert rows[("government", 3)].evidence_name == "验收.pdf"
    assert rows[("quality", 2)].status == "not_met"
    assert rows[("recognition", 0)].value == Decimal("86.50")
    change = CountyItemChange.objects.get(item=rows[("government", 3)])
    assert change.changed_by == city_admin and change.new["status"] == "met"
    assert change.new["evidence"] == "验收.pdf"
    download = client.get(f"/inspections/evidence/{rows[('government', 3)].pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 x"
    page = client.get("/inspections/balanced/zhangdian/?year=2025").content.decode()
    assert "86.5%" in page and "验收.pdf" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recognition-0-value", "120", "社会认可度: 应为0至100之间的百分数"),
        ("government-1-status", "maybe", "政府保障程度1."),
        ("quality-1-note", "x" * 501, "说明不超过500个字"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(
    client, city_admin, zhangdian, field, value, message
):
    client.force_login(city_admin)
    response = client.post(
        "/inspections/balanced/zhangdian/items/",
        {"year": "2025", "government-2-status": "met", field: value},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CountyItem.objects.exists() and not CountyItemChange.objects.exists()


def test_an_evidence_file_that_is_not_what_its_name_says_is_refused(client, city_admin, zhangdian):
    client.force_login(city_admin)
    response = client.post(
        "/inspections/balanced/zhangdian/items/",
        {
            "year": "2025",
            "government-1-status": "met",
            "government-1-file": SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 422
    assert "evidence.pdf" in response.content.decode()
    assert not CountyItem.objects.exists()


def test_the_api_answers_per_level_with_the_cv_and_each_school(client, city_admin, county):
    client.force_login(city_admin)
    data = client.get("/api/inspections/balanced/?district=zhangdian&year=2025").json()
    junior = data["levels"][1]
    assert junior["label"] == "初中" and junior["schools_failing"] == 1
    teaching = next(i for i in junior["indicators"] if i["key"] == "teaching_area")
    assert (teaching["cv"], teaching["threshold"], teaching["meets"]) == (0.172, 0.45, True)
    assert data["standing"] == "gaps" and data["standard"]["version"] == "2017"
    schema = client.get("/api/openapi.json").json()
    assert "/api/inspections/balanced/" in schema["paths"]
    assert "/api/inspections/preschool/" in schema["paths"]


def test_preschool_by_hand(client, city_admin, zhangdian):
    # 公办园 300 children, 普惠性民办园 60, 非普惠 40: 普惠覆盖率 360/400 = 90%, 公办 300/400 = 75%
    # staff 30 + 8 + 6 = 44: 400 / 44 = 9.09 children per adult (above 7: not met); the 40-child
    # kindergarten with 6 adults (6.67) is within; classes 10 + 2 + 2 = 14: 28.6 per class
    for inclusiveness, children, staff, classes in [
        ("public", 300, 30, 10),
        ("inclusive_private", 60, 8, 2),
        ("private", 40, 6, 2),
    ]:
        make_statistics(
            make_school(zhangdian, inclusiveness=inclusiveness),
            2025,
            enrolled=children,
            staff=staff,
            teachers=staff - 2,
            certified_teachers=staff - 2,
            classes=classes,
        )
    client.force_login(city_admin)
    client.post(
        "/inspections/preschool/zhangdian/items/", {"year": "2025", "population-0-value": "500"}
    )
    data = client.get("/api/inspections/preschool/?district=zhangdian&year=2025").json()
    values = {i["key"]: (i["value"], i["meets"]) for i in data["indicators"]}
    assert values["gross_enrolment"] == (80.0, False)  # 400 / 500
    assert values["inclusive_coverage"] == (90.0, True)
    assert values["public_share"] == (75.0, True)
    assert values["children_per_staff"] == (9.091, False)
    assert values["class_size"] == (28.571, True)
    outside = next(i for i in data["indicators"] if i["key"] == "children_per_staff")
    assert [k["value"] for k in outside["kindergartens_outside"]] == [10.0, 7.5]


def test_the_report_command_writes_pdf_word_and_excel(county, tmp_path):
    for fmt in ("pdf", "docx", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        call_command(
            "inspection_report",
            kind="balanced",
            district="zhangdian",
            year=2025,
            format=fmt,
            output=out,
            stdout=io.StringIO(),
        )
        assert out.stat().st_size > 1000
    text = subprocess.run(
        ["pdftotext", tmp_path / "report.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "优质均衡" in text and "0.172" in text and "丁九年一贯制学校" in text
    book = load_workbook(tmp_path / "report.xlsx")
    rows = list(book["差异系数"].iter_rows(values_only=True))
    teaching = next(r for r in rows if r[0] == "初中" and r[1] == "生均教学及辅助用房面积")
    assert teaching[6] == 0.172  # a number, not text


def test_the_report_command_names_an_unknown_district(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No district 'atlantis'"):
        call_command(
            "inspection_report",
            kind="balanced",
            district="atlantis",
            year=2025,
            format="pdf",
            output=tmp_path / "x.pdf",
        )


def test_json_of_the_api_is_plain_chinese(client, city_admin, county):
    client.force_login(city_admin)
    raw = client.get("/api/inspections/balanced/?district=zhangdian&year=2025").content
    assert "张店区".encode() in raw and json.loads(raw)["district"] == "zhangdian"


def test_the_form_shown_again_keeps_what_was_typed(client, city_admin, zhangdian):
    client.force_login(city_admin)
    response = client.post(
        "/inspections/balanced/zhangdian/items/",
        {
            "year": "2025",
            "recognition-0-value": "八十",
            "government-4-note": "规模已核减",
            "government-4-status": "met",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="八十"' in page and 'value="规模已核减"' in page
    assert '<option value="met" selected>' in page
