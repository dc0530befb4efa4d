"""POST /api/contributions/ on declared types: a body that is not what the schema says is a 400
naming the field, and saves nothing; only a request Basic authenticated skips the CSRF check."""

import base64
import json

import pytest
from django.test import Client

from ledger.models import Contribution, LedgerChange

pytestmark = pytest.mark.django_db

GOOD = {"round": "2025H2", "task": "二(一)4", "text": "API报送"}


def _basic(username="head-sports"):
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _saved():
    return (
        list(Contribution.objects.values_list("text", "measures", "state", "version")),
        LedgerChange.objects.count(),
    )


def _post(client, raw, **headers):
    return client.post("/api/contributions/", raw, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "text": 5}, "text"),
        ({**GOOD, "measures": ["a"]}, "measures"),
        ({**GOOD, "text": "x" * 5001}, "text"),
        ({**GOOD, "text": "a\x00b"}, "text"),
        ({**GOOD, "version": True}, "version"),  # was taken as version 1
        ({**GOOD, "version": -1}, "version"),
        ({**GOOD, "version": 1.5}, "version"),
        ({**GOOD, "submit": "yes"}, "submit"),
        ({"task": "二(一)4", "text": "x"}, "round"),
        ({"round": "2025H2", "text": "x"}, "task"),
        ({**GOOD, "round": {"code": "2025H2"}}, "round"),
    ],
)
def test_a_body_of_the_wrong_type_is_a_400_naming_the_field(
    client, open_round, fitness_task, head_sports, body, field
):
    before = _saved()
    response = _post(client, json.dumps(body), **_basic())
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert response.json()["error"].startswith(field)
    assert _saved() == before


@pytest.mark.parametrize(
    "raw",
    [
        "[1, 2]",
        "not json",
        '{"round": "2025H2", "task": "二(一)4", "text": NaN}',
        '{"round": "2025H2", "round": "2025H1", "task": "二(一)4"}',
        '{"round": "2025H2", "task": "二(一)4", "text": "\\ud800"}',
        '{"x": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, open_round, head_sports, raw):
    before = _saved()
    response = _post(client, raw, **_basic())
    assert response.status_code == 400
    assert response.json()["error"]
    assert _saved() == before


def test_a_session_with_any_authorization_header_still_needs_the_csrf_token(
    open_round, fitness_task, head_sports
):
    """The hand-written view skipped the CSRF check whenever an Authorization header was sent."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(head_sports)
    response = _post(client, json.dumps(GOOD), HTTP_AUTHORIZATION="Digest x")
    assert response.status_code == 403
    assert response.json()["error"] == "CSRF check failed"
    assert _saved() == ([], 0)


def test_basic_with_a_plain_text_body_is_refused(open_round, fitness_task, head_sports):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/contributions/", json.dumps(GOOD), content_type="text/plain", **_basic()
    )
    assert response.status_code == 415
    assert _saved() == ([], 0)


def test_a_machine_client_with_basic_and_json_needs_no_csrf_token(
    open_round, fitness_task, head_sports
):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, json.dumps(GOOD), **_basic())
    assert response.status_code == 200, response.content
    assert response.json()["contribution"]["text"] == "API报送"


def test_the_ledger_api_refuses_users_without_a_role(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_user("no-role", password="x"))
    for url in ("/api/tasks/", "/api/notices/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == {"error": "authentication required"}


@pytest.mark.parametrize("plan_slug", ["nowhere", "%00", "a" * 300])
def test_an_unknown_plan_is_a_json_404(client, city_admin, plan_slug):
    client.force_login(city_admin)
    for url in ("/api/tasks/", "/api/notices/", "/api/plan/"):
        response = client.get(f"{url}?plan={plan_slug}")
        assert response.status_code == 404, url
        assert response.json() == {"error": "No such plan has been loaded."}
