"""Issue 13: hostile JSON gets a clear 400 naming the field and saves nothing, never a 500."""

import base64
import json
from decimal import Decimal

import pytest
from django.test import Client

from targets.models import Figure, FigureChange
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

GOOD = {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 7}


def _basic():
    token = base64.b64encode(b"staff-zhangdian:pw-for-tests-only").decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _raw(body: str | bytes):
    client = Client(raise_request_exception=False)
    return client.post("/api/figures/", body, content_type="application/json", **_basic())


def _with(**fields) -> str:
    return json.dumps({**GOOD, **fields}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_with(value="NaN"), "value"),
        (_with(value="Infinity"), "value"),
        (_with(value="-inf"), "value"),
        (_with(value="1e14"), "value"),
        (_with(value=100000000000000), "value"),
        (_with(value=True), "value"),
        (_with(value=[1]), "value"),
        (_with(value="7.123"), "value"),
        (_with(year="²"), "year"),
        (_with(year=None), "year"),
        (_with(target=5), "target"),
        (_with(district={"slug": "zhangdian"}), "district"),
        (_with(achieved="yes"), "achieved"),
        (_with(achieved_on=20240101), "achieved_on"),
        (_with(note="a\x00b"), "note"),
        (_with(target="二(一)6-3\x00"), "target"),
        (_with(source="x" * 201), "source"),
        (_with(version=-1), "version"),
        (_with(version="1.5"), "version"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "year"}), "year"),
    ],
)
def test_wrong_values_are_a_400_naming_the_field(staff_zhangdian, body, field):
    response = _raw(body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert response.json()["error"].startswith(field)
    assert not Figure.objects.exists() and not FigureChange.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        _with().replace('"value": 7', '"value": NaN'),
        _with().replace('"value": 7', '"value": Infinity'),
        _with().replace('"value": 7', '"value": -Infinity'),
        _with().replace('"value": 7', '"value": 1e999'),
        _with().replace('"value": 7', '"value": 7, "value": 8'),
        _with().replace('"note"', '"n"').replace('"value": 7', '"value": 7, "note": "\\ud800"'),
        _with().replace('"value": 7', '"value": 7, "note": "\\u0000"'),
        "[" * 50_000 + "]" * 50_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[1, 2]",
        '"text"',
        "{not json",
        b"\xff\xfe",
    ],
)
def test_malformed_bodies_are_a_400(staff_zhangdian, body):
    response = _raw(body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    assert not Figure.objects.exists()


def test_a_long_source_on_update_is_refused_not_cut(plan, staff_zhangdian, zhangdian):
    bases = target_named(plan, "区县典型性劳动教育基地")
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(4))
    response = _raw(_with(source="来源" * 101, version=figure.version))
    assert response.status_code == 400
    assert "source" in response.json()["errors"]
    figure.refresh_from_db()
    assert (figure.value, figure.source, figure.changes.count()) == (4, "", 0)


@pytest.mark.parametrize(
    "query", ["year=²", "year=abc", "target=%00", "plan=%00", "district=%00", "year=99999999999"]
)
def test_bad_query_strings_are_a_4xx(client, staff_zhangdian, query):
    client.force_login(staff_zhangdian)
    client.raise_request_exception = False
    response = client.get(f"/api/figures/?{query}")
    assert 400 <= response.status_code < 500, (query, response.status_code)


def test_empty_and_null_optional_fields_are_accepted(client, staff_zhangdian):
    """Found by schemathesis: bounds on an optional field once crashed on null/empty."""
    client.force_login(staff_zhangdian)
    assert client.get("/api/figures/?year=&target=&district=").status_code == 200
    response = _raw(_with(note=None, source=None, version=None, achieved_on=None))
    assert response.status_code == 201, response.content


def test_a_post_without_values_for_an_absent_figure_is_a_400(staff_zhangdian):
    """Found by the fuzz suite: it crashed (IndexError) for want of anything to create."""
    response = _raw(json.dumps({"target": "二(一)6-3", "district": "zhangdian", "year": 2024}))
    assert response.status_code == 400
    assert "nothing to save" in response.json()["error"]
    assert not Figure.objects.exists()
