import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from schools.models import SchoolYearStatistics, StatisticsImport
from tests.schools.helpers import make_school
from tests.schools.test_import import filled

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def schools(zhangdian, zichuan):
    return [make_school(zhangdian, name="张店区实验幼儿园"), make_school(zichuan, "primary")]


def upload(client, content: bytes, **data):
    data = {"year": "2025", "file": SimpleUploadedFile("统计.xlsx", content, XLSX), **data}
    return client.post("/schools/import/", data)


def test_district_staff_fix_a_broken_workbook_preview_and_confirm(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    template = client.get("/schools/import/template.xlsx?year=2025")
    book = load_workbook(io.BytesIO(template.content))
    assert [row[0].value for row in book["学生数"].iter_rows(min_row=2)] == [schools[0].code]
    broken = upload(client, filled(schools[:1], {"学生数": {2: ["三百"]}}))
    assert broken.status_code == 422
    assert "应填写数字，而不是“三百”" in broken.content.decode()
    assert not SchoolYearStatistics.objects.exists()
    preview = upload(client, filled(schools[:1], {"学生数": {2: [300]}}))
    assert preview.status_code == 200 and "300" in preview.content.decode()
    assert not SchoolYearStatistics.objects.exists()  # nothing before the confirmation
    pending = StatisticsImport.objects.get()
    done = client.post(f"/schools/import/{pending.pk}/confirm/")
    assert done.status_code == 302
    assert SchoolYearStatistics.objects.get(school=schools[0], school_year=2025).enrolled == 300
    pending.refresh_from_db()
    assert pending.applied_at and pending.uploaded_by == staff_zhangdian


def test_district_staff_cannot_name_another_district(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    content = filled(schools[:1], {"学生数": {2: [300]}})
    assert upload(client, content, district="zichuan").status_code == 404
    assert client.get("/schools/import/template.xlsx?district=zichuan").status_code == 404


def test_the_city_admin_imports_the_whole_city(client, schools, city_admin):
    client.force_login(city_admin)
    content = filled(schools, {"学生数": {2: [300], 3: [800]}})
    assert upload(client, content).status_code == 200
    client.post(f"/schools/import/{StatisticsImport.objects.get().pk}/confirm/")
    assert SchoolYearStatistics.objects.count() == 2


def test_a_confirmation_is_the_uploaders_only(client, schools, staff_zhangdian, city_admin):
    client.force_login(staff_zhangdian)
    upload(client, filled(schools[:1], {"学生数": {2: [300]}}))
    client.force_login(city_admin)
    response = client.post(f"/schools/import/{StatisticsImport.objects.get().pk}/confirm/")
    assert response.status_code == 404
    assert not SchoolYearStatistics.objects.exists()


def test_a_bad_year_is_named(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = client.get("/schools/import/?year=abc")
    assert response.status_code == 400


def test_after_a_broken_file_the_city_admins_district_stays_chosen(client, schools, city_admin):
    client.force_login(city_admin)
    broken = upload(client, filled(schools[:1], {"学生数": {2: ["三百"]}}), district="zhangdian")
    assert broken.status_code == 422
    page = broken.content.decode()
    assert '<option value="zhangdian" selected>' in page
    assert page.count(" selected>") == 1
    preview = upload(client, filled(schools[:1], {"学生数": {2: [300]}}), district="zhangdian")
    assert "取消，不保存" in preview.content.decode()
