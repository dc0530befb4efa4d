import io

import pytest
from openpyxl import load_workbook

from projections import outlook
from projections.models import Births, BirthsChange
from tests.projections.helpers import primary_series, school_with_grades

pytestmark = pytest.mark.django_db


def test_the_outlook_projects_students_places_and_warnings(zhangdian):
    primary_series(zhangdian, places=600)
    (row,) = outlook.outlooks([zhangdian])
    primary = row.level("primary")
    assert row.base_year == 2025
    # 2025: 6 grades × (100 − 30) = 420 students in 600 places: 70%
    assert primary.students[2025] == 420 and primary.places == 600
    assert primary.uses[2025] == pytest.approx(0.7)
    # every grade loses 5 a year (each ratio < 1): below 70% from 2026, a surplus
    assert primary.surplus_from == 2026 and primary.shortfall_from is None
    assert primary.backtest is not None
    assert row.last_births == 2019  # 2020 on assumed: 一年级 from 2026 rests on them
    assert 2026 in primary.assumed


def test_a_nine_year_schools_places_split_by_its_sections_students(zhangdian):
    grades = {2025: {**{g: 100 for g in range(1, 7)}, **{g: 200 for g in range(7, 10)}}}
    school_with_grades(zhangdian, "nine_year", 1000, grades)
    (row,) = outlook.outlooks([zhangdian])
    # 600 primary and 600 junior students: the 1000 places split 500 / 500
    assert row.level("primary").places == 500 and row.level("junior").places == 500


def test_the_city_page_shows_use_percent_and_word(client, city_admin, zhangdian):
    primary_series(zhangdian)
    client.force_login(city_admin)
    page = client.get("/projections/?level=primary").content.decode()
    assert "70%" in page and "▽" in page and "status-due" in page


def test_district_staff_go_to_their_district(client, staff_zhangdian, zhangdian):
    primary_series(zhangdian)
    client.force_login(staff_zhangdian)
    response = client.get("/projections/")
    assert response["Location"] == "/projections/districts/zhangdian/"
    page = client.get(response["Location"]).content.decode()
    assert "一年级" in page and "420" in page


def test_a_bad_level_is_a_clear_400(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/projections/?level=college")
    assert response.status_code == 400


def test_exports_are_formula_safe(client, city_admin, zhangdian):
    primary_series(zhangdian)
    zhangdian.name = "=1+2"  # a district's name as a formula would be
    zhangdian.save()
    client.force_login(city_admin)
    text = client.get("/projections/?_export=csv").content.decode()
    assert "'=1+2" in text
    book = load_workbook(io.BytesIO(client.get("/projections/?_export=xlsx").content))
    cell = book.active["A2"]
    assert cell.value == "=1+2" and cell.data_type == "s"


def test_the_api_answers_years_levels_grades(client, staff_zhangdian, zhangdian):
    primary_series(zhangdian)
    client.force_login(staff_zhangdian)
    data = client.get("/api/projections/?district=zhangdian&from=2024").json()
    (district,) = data["districts"]
    assert district["base_year"] == 2024
    primary = district["levels"][0]
    assert primary["places"] == 600 and primary["years"][0]["kind"] == "actual"
    assert primary["years"][0]["grades"]["1"] == 75
    assert len(primary["years"]) == 11 and "backtest" in primary
    assert client.get("/api/projections/?from=1800").status_code == 400


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/projections/" in schema["paths"]


def test_the_page_reads_in_a_few_queries(client, city_admin, zhangdian, zichuan,
                                         django_assert_max_num_queries):  # fmt: skip
    primary_series(zhangdian)
    primary_series(zichuan)
    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        assert client.get("/projections/").status_code == 200


def test_city_admin_enters_births_audited(client, city_admin, zichuan):
    client.force_login(city_admin)
    data = {"district": zichuan.pk, "year": 2024, "births": 3100, "source": "区卫健局"}
    assert client.post("/projections/births/", data).status_code == 302
    assert client.post("/projections/births/", data | {"births": 3000}).status_code == 302
    assert Births.objects.get(district=zichuan, year=2024).births == 3000
    change = BirthsChange.objects.first()
    assert change.old == {"births": 3100} and change.new == {"births": 3000}
    assert change.changed_by == city_admin


def test_staff_cannot_enter_another_districts_births(client, staff_zhangdian, zichuan):
    client.force_login(staff_zhangdian)
    response = client.post("/projections/births/", {"district": zichuan.pk, "year": 2024,
                                                    "births": 1})  # fmt: skip
    assert response.status_code == 422 and not Births.objects.exists()


def test_heads_may_read_births_but_not_enter(client, department_head, zichuan):
    client.force_login(department_head)
    assert client.get("/projections/births/").status_code == 200
    response = client.post("/projections/births/", {"district": zichuan.pk, "year": 2024,
                                                    "births": 1})  # fmt: skip
    assert response.status_code == 403 and not Births.objects.exists()


def _csv(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("births.csv", text.encode("utf-8"))


def test_import_is_all_or_nothing_and_names_every_bad_cell(client, city_admin, zhangdian):
    client.force_login(city_admin)
    text = "区县,年份,出生人口,来源\n张店区,2023,4000,卫健\n不存在区,20x3,-5,\n张店区,2023,1,\n"
    response = client.post("/projections/births/import/", {"file": _csv(text)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "第 3 行，“区县”列：“不存在区”不是您可填报的区县" in page
    assert "第 3 行，“年份”列：应为 1990 至 2100 之间的年份，而不是“20x3”" in page
    assert "第 3 行，“出生人口”列：应为 0 至 1000000 之间的整数，而不是“-5”" in page
    assert "第 4 行，“年份”列：张店区 2023 年已在第 2 行出现" in page  # a district-year twice
    assert not Births.objects.exists() and not BirthsChange.objects.exists()


def test_import_saves_every_row(client, staff_zhangdian, zhangdian):
    client.force_login(staff_zhangdian)
    text = "区县,年份,出生人口,来源\nzhangdian,2023,4000,卫健\n张店区,2024,3800,\n"
    assert client.post("/projections/births/import/", {"file": _csv(text)}).status_code == 302
    assert list(Births.objects.values_list("year", "births")) == [(2023, 4000), (2024, 3800)]
    assert BirthsChange.objects.filter(channel="import").count() == 2


def test_staff_import_of_another_district_is_refused_by_row(client, staff_zhangdian, zichuan):
    client.force_login(staff_zhangdian)
    text = "区县,年份,出生人口\n淄川区,2023,4000\n"
    response = client.post("/projections/births/import/", {"file": _csv(text)})
    assert response.status_code == 422 and not Births.objects.exists()


def test_the_pages_read_in_english_on_request(client, city_admin, zhangdian):
    primary_series(zhangdian)
    client.force_login(city_admin)
    client.cookies["django_language"] = "en"
    page = client.get("/projections/districts/zhangdian/").content.decode()
    assert "School places and cohorts" in page and "surplus" in page and "一年级" in page
    assert "学位富余" not in page
