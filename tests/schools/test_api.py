import pytest

from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(zhangdian, zichuan):
    kg = make_school(zhangdian, inclusiveness="public", name="张店区实验幼儿园")
    make_statistics(kg, 2024, enrolled=300, building_area=1200.5)
    make_statistics(make_school(zhangdian, inclusiveness="private"), 2024, enrolled=100)
    make_statistics(make_school(zichuan, inclusiveness="public"), 2024, enrolled=200)
    return kg


def test_schools_api_gives_each_school_with_its_statistics(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    data = client.get("/api/schools/?year=2024").json()
    assert data["school_year"] == 2024 and data["census_day"] == "2024-09-01"
    assert {s["district"] for s in data["schools"]} == {"zhangdian"}
    kg = next(s for s in data["schools"] if s["code"] == schools.code)
    assert kg["statistics"]["enrolled"] == 300 and kg["statistics"]["building_area"] == 1200.5
    assert data["fields"]["building_area"]["unit"] == "平方米"
    assert client.get("/api/schools/?district=zichuan").status_code == 404


def test_indicators_api_gives_cards_and_derived_values(client, schools, city_admin):
    client.force_login(city_admin)
    data = client.get("/api/indicators/?year=2024").json()
    share = next(i for i in data["indicators"] if i["key"] == "kindergarten-public-share")
    assert share["census_day"] == "9月1日" and share["year_basis"] == "school_year"
    assert share["districts"]["zhangdian"]["value"] == 75.0
    assert share["city"] == {"numerator": 500.0, "denominator": 600.0, "value": 83.33}


def test_the_api_is_for_the_plans_roles_and_in_the_schema(client, schools):
    assert client.get("/api/schools/").status_code == 401
    assert client.get("/api/indicators/").status_code == 401
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/schools/" in paths and "/api/indicators/" in paths


def test_a_bad_year_is_named(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = client.get("/api/schools/?year=abc")
    assert response.status_code == 400
