"""Per-client API tokens (issue 18, §4): made by the city admin in the admin and shown once,
hashed at rest, acting as their account read-only or read-write, revocable, last use recorded
at most once a minute; HTTP Basic stays for people."""

import datetime
import hashlib
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from departments import tokens
from departments.models import ApiToken
from targets.models import Figure, FigureChange
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/departments/apitoken/add/"
FIGURE = {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 7}


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _token(user, *, may_write=False) -> str:
    return tokens.issue(ApiToken(user=user, name="区统计系统", may_write=may_write))


def _post_figure(secret: str, client=None):
    return (client or Client()).post(
        "/api/figures/", json.dumps(FIGURE), content_type="application/json", **_bearer(secret)
    )


def test_city_admin_makes_a_token_and_sees_its_secret_once(client, city_admin, staff_zhangdian):
    client.force_login(city_admin)
    response = client.post(
        ADD_URL, {"user": staff_zhangdian.pk, "name": "张店区统计系统", "may_write": "on"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'value="(zibo_[\w-]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.may_write) == (staff_zhangdian, city_admin, True)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored and secret[12:] not in stored, "only the digest is kept"
    for page in (f"/admin/departments/apitoken/{token.pk}/change/", "/admin/departments/apitoken/"):
        shown = client.get(page)
        assert shown.status_code == 200 and token.prefix in shown.content.decode()
        assert secret not in shown.content.decode()
    assert Client().get("/api/figures/", **_bearer(secret)).status_code == 200


def test_a_token_reads_exactly_what_its_account_reads(plan, staff_zhangdian, zhangdian, zichuan):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2024)
    make_figure(fitness, zichuan, 2024)
    session = Client()
    session.force_login(staff_zhangdian)
    by_token = Client().get("/api/figures/", **_bearer(_token(staff_zhangdian)))
    assert by_token.status_code == 200
    assert by_token.json() == session.get("/api/figures/").json()
    assert {f["district"] for f in by_token.json()["figures"]} == {"zhangdian"}


def test_a_read_only_token_cannot_write(plan, staff_zhangdian):
    response = _post_figure(_token(staff_zhangdian))
    assert response.status_code == 403
    assert response.json() == {"error": "this API token is read-only"}
    assert not Figure.objects.exists()


def test_a_read_write_token_writes_as_its_account_without_a_csrf_token(plan, staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    response = _post_figure(_token(staff_zhangdian, may_write=True), client)
    assert response.status_code == 201, response.content
    change = FigureChange.objects.get()
    assert (change.changed_by, change.channel) == (staff_zhangdian, "api")


def test_a_token_writes_only_what_its_account_may(plan, staff_zichuan):
    response = _post_figure(_token(staff_zichuan, may_write=True))
    assert response.status_code in (403, 404)
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token, secret: tokens.revoke(ApiToken.objects.all()), id="revoked"),
        pytest.param(
            lambda token, secret: type(token.user).objects.update(is_active=False),
            id="account-inactive",
        ),
        pytest.param(lambda token, secret: ApiToken.objects.all().delete(), id="deleted"),
    ],
)
def test_a_revoked_token_is_refused_with_a_bearer_challenge(plan, staff_zhangdian, spoil):
    secret = _token(staff_zhangdian, may_write=True)
    assert Client().get("/api/figures/", **_bearer(secret)).status_code == 200
    spoil(ApiToken.objects.first(), secret)
    response = Client().get("/api/figures/", **_bearer(secret))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="zibo-edu", error="invalid_token"'
    assert _post_figure(secret).status_code == 401


@pytest.mark.parametrize(
    "secret", ["", "zibo_", "zibo_" + "x" * 43, "x" * 5000, "zibo_\x00", "Basic abc", "中文"]
)
def test_an_unknown_token_is_a_401_even_beside_a_session(client, staff_zhangdian, secret):
    client.force_login(staff_zhangdian)
    assert client.get("/api/figures/").status_code == 200
    response = client.get("/api/figures/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401, "a bad token is not rescued by the session"
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_zhangdian)
    assert _post_figure(secret, client).status_code == 401, "nor does it skip the CSRF check"
    assert not Figure.objects.exists()


def test_a_token_follows_an_endpoints_rule_like_basic(plan, department_head, django_user_model):
    """The ledger's API is for accounts with a role: one without gets the anonymous 401."""
    no_role = django_user_model.objects.create_user("no-role", password="pw-for-tests-only")
    assert Client().get("/api/tasks/", **_bearer(_token(department_head))).status_code == 200
    assert Client().get("/api/tasks/", **_bearer(_token(no_role))).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(plan, staff_zhangdian):
    secret = _token(staff_zhangdian)
    assert ApiToken.objects.get().last_used_at is None
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        Client().get("/api/districts/", **_bearer(secret))  # public: no authentication asked
        assert ApiToken.objects.get().last_used_at is None
        Client().get("/api/figures/", **_bearer(secret))
        assert ApiToken.objects.get().last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        with CaptureQueriesContext(connection) as queries:
            Client().get("/api/figures/", **_bearer(secret))
        assert not [q for q in queries if q["sql"].startswith("UPDATE")], "no write"
        assert ApiToken.objects.get().last_used_at == start
    later = start + datetime.timedelta(minutes=1, seconds=1)
    with time_machine.travel(later, tick=False):
        Client().get("/api/figures/", **_bearer(secret))
        assert ApiToken.objects.get().last_used_at == later


def test_basic_stays_for_people(plan, staff_zhangdian):
    import base64

    basic = base64.b64encode(b"staff-zhangdian:pw-for-tests-only").decode()
    response = Client().get("/api/figures/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200


def test_the_schema_declares_the_bearer_scheme(client):
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["BearerToken"]["description"],
    }
    figures = schema["paths"]["/api/figures/"]["get"]["security"]
    assert {"BearerToken": []} in figures and {"SessionOrBasic": []} in figures


def test_city_admin_manages_only_their_citys_accounts_tokens(
    client, city_admin, admin_shili, staff_zhangdian, staff_shili
):
    zibo = ApiToken.objects.get(digest=tokens.digest(_token(staff_zhangdian)))
    client.force_login(admin_shili)
    assert client.get(f"/admin/departments/apitoken/{zibo.pk}/change/").status_code == 404
    listing = client.get("/admin/departments/apitoken/")
    assert listing.status_code == 200 and zibo.prefix not in listing.content.decode()
    refused = client.post(ADD_URL, {"user": staff_zhangdian.pk, "name": "越权"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert ApiToken.objects.count() == 1
    assert client.post(ADD_URL, {"user": staff_shili.pk, "name": "东城区"}).status_code == 200
    assert ApiToken.objects.filter(user=staff_shili).exists()


def test_city_admin_cannot_make_a_token_for_a_superuser(client, city_admin, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(city_admin)
    client.post(ADD_URL, {"user": root.pk, "name": "root", "may_write": "on"})
    assert not ApiToken.objects.exists()


def test_revoking_in_the_admin_stops_the_token(client, city_admin, staff_zhangdian):
    secret = _token(staff_zhangdian)
    token = ApiToken.objects.get()
    client.force_login(city_admin)
    response = client.post(
        "/admin/departments/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.is_revoked
    assert Client().get("/api/figures/", **_bearer(secret)).status_code == 401


def test_token_refusals_speak_the_clients_language(plan, staff_zhangdian):
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    read_only = _token(staff_zhangdian)
    response = Client().post(
        "/api/figures/", json.dumps(FIGURE), content_type="application/json",
        **_bearer(read_only), **chinese,
    )  # fmt: skip
    assert response.json() == {"error": "此 API 令牌只能读取"}
    unknown = Client().get("/api/figures/", **_bearer("zibo_" + "x" * 43), **chinese)
    assert unknown.json() == {"error": "API 令牌无效（不存在或已吊销）"}
