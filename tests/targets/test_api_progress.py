"""GET /api/progress/ on declared types: a parameter that is not what the schema says is a 400
naming it (never a 500); by HTTP Basic the caller's own scope applies, as by session."""

import base64

import pytest

pytestmark = pytest.mark.django_db


def _basic(username):
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("year=²", "year"),
        ("year=٣", "year"),
        ("year=abc", "year"),
        ("year=+2024", "year"),
        ("year=1_000", "year"),
        ("year=99999999999999999999", "year"),
        ("submitted=yes", "submitted"),
        ("district=%00", "district"),
        ("district=" + "x" * 51, "district"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, staff_zhangdian, query, name):
    client.force_login(staff_zhangdian)
    response = client.get(f"/api/progress/?{query}")
    assert response.status_code == 400
    data = response.json()
    assert list(data["errors"]) == [name] and data["error"].startswith(name)


@pytest.mark.parametrize("query", ["year=", "submitted=", "submitted=0", "year=1999"])
def test_empty_parameters_are_absent_and_a_year_outside_the_plan_is_its_reporting_year(
    client, plan, staff_zhangdian, query
):
    client.force_login(staff_zhangdian)
    response = client.get(f"/api/progress/?{query}")
    assert response.status_code == 200
    assert response.json()["year"] == plan.reporting_year()


def test_basic_credentials_see_what_the_session_would(client, staff_zhangdian):
    by_basic = client.get("/api/progress/?year=2024", **_basic("staff-zhangdian"))
    client.force_login(staff_zhangdian)
    by_session = client.get("/api/progress/?year=2024")
    assert by_basic.status_code == by_session.status_code == 200
    assert by_basic.json() == by_session.json()
    assert all(list(t["districts"]) == ["zhangdian"] for t in by_basic.json()["targets"])


def test_anonymous_callers_are_told_how_to_authenticate(client, plan):
    response = client.get("/api/progress/")
    assert response.status_code == 401
    assert response.json() == {"error": "authentication required"}
    assert response["WWW-Authenticate"] == 'Basic realm="zibo-edu"'


def test_an_unknown_plan_is_a_json_404(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = client.get("/api/progress/?plan=nowhere")
    assert response.status_code == 404
    assert response.json() == {"error": "No such plan has been loaded."}
