"""GET /api/figures/ (scoped like every page) and POST (validated and audited like the form)."""

import base64
import json
from decimal import Decimal

import pytest
from django.test import Client

from targets.models import Figure
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


def _post(client, body, **headers):
    return client.post(
        "/api/figures/", json.dumps(body), content_type="application/json", **headers
    )


def _basic(username):
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def figures_of_two_districts(plan, zhangdian, zichuan):
    fitness = target_named(plan, "学生体质健康测试优良率")
    return [
        make_figure(fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10)),
        make_figure(fitness, zichuan, 2024, numerator=Decimal(6), denominator=Decimal(10)),
    ]


def test_get_is_scoped_by_role(client, staff_zhangdian, city_admin, figures_of_two_districts):
    client.force_login(staff_zhangdian)
    data = client.get("/api/figures/").json()["figures"]
    assert [(f["district"], f["percentage"]) for f in data] == [("zhangdian", 50.0)]
    client.force_login(city_admin)
    everything = client.get("/api/figures/?year=2024&target=二(一)4-1").json()["figures"]
    assert {f["district"] for f in everything} == {"zhangdian", "zichuan"}
    assert client.get("/api/figures/?district=zichuan").json()["figures"][0]["numerator"] == 6


def test_anonymous_gets_401_with_a_basic_challenge(client):
    response = client.get("/api/figures/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_post_with_basic_auth_creates_an_audited_draft(plan, staff_zhangdian, zhangdian):
    response = _post(
        Client(),
        {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 7, "note": "接口"},
        **_basic("staff-zhangdian"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["value"], body["state"], body["version"]) == (7, "draft", 1)
    figure = Figure.objects.get(pk=body["id"])
    assert figure.changes.get().channel == "api"


def test_post_goes_through_the_same_validation(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = _post(
        client,
        {
            "target": "二(一)4-1",
            "district": "zhangdian",
            "year": 2024,
            "numerator": 12,
            "denominator": 10,
        },
        HTTP_ACCEPT_LANGUAGE="zh-CN",  # the API answers in the language its client asks for
    )
    assert response.status_code == 400
    assert "分子（12）不能大于分母（10）" in response.json()["errors"]["numerator"]
    assert (
        _post(client, {"target": "nope", "district": "zhangdian", "year": 2024}).status_code == 400
    )
    assert (
        _post(client, {"target": "二(一)6-3", "district": "zhangdian", "year": 2031}).status_code
        == 400
    )
    bad = _post(
        client, {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": "lots"}
    )
    assert bad.json()["error"] == "value must be a number"
    assert (
        client.post("/api/figures/", "{not json", content_type="application/json").status_code
        == 400
    )
    assert not Figure.objects.exists()


def test_post_for_another_district_is_forbidden(client, staff_zichuan):
    client.force_login(staff_zichuan)
    response = _post(
        client, {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 3}
    )
    assert response.status_code == 403


def test_session_post_needs_the_csrf_token(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_zhangdian)
    response = _post(
        client, {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 3}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "CSRF check failed"


def test_a_stale_version_is_a_409_with_the_current_figure(client, plan, staff_zhangdian, zhangdian):
    bases = target_named(plan, "区县典型性劳动教育基地")
    make_figure(bases, zhangdian, 2024, value=Decimal(4), version=2)
    client.force_login(staff_zhangdian)
    response = _post(
        client,
        {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 5, "version": 1},
    )
    assert response.status_code == 409
    assert response.json()["current"]["value"] == 4


def test_get_query_count_is_constant(
    client, city_admin, figures_of_two_districts, django_assert_max_num_queries
):
    client.force_login(city_admin)
    with django_assert_max_num_queries(5):
        response = client.get("/api/figures/")
    assert response.status_code == 200
