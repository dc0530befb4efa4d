"""Only requests authenticated by HTTP Basic skip the CSRF check, and a browser's cached Basic
credentials cannot be ridden by a foreign page (JSON body only, no foreign Origin)."""

import base64
import json

import pytest
from django.test import Client

from targets.models import Figure

pytestmark = pytest.mark.django_db

BODY = {"target": "二(一)6-3", "district": "zhangdian", "year": 2024, "value": 3}


def _basic(password="pw-for-tests-only"):
    token = base64.b64encode(f"staff-zhangdian:{password}".encode()).decode()
    return f"Basic {token}"


def test_a_session_with_any_authorization_header_still_needs_the_csrf_token(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_zhangdian)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="application/json",
        HTTP_AUTHORIZATION="Digest x",
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["error"] == "CSRF check failed"
    assert not Figure.objects.exists()


def test_a_session_with_wrong_basic_credentials_is_not_let_through(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_zhangdian)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="application/json",
        HTTP_AUTHORIZATION=_basic("wrong"),
    )  # fmt: skip
    assert response.status_code in (401, 403)
    assert not Figure.objects.exists()


def test_basic_with_a_plain_text_body_from_a_foreign_origin_is_refused(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="text/plain",
        HTTP_AUTHORIZATION=_basic(), HTTP_ORIGIN="https://evil.example",
    )  # fmt: skip
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_basic_from_a_foreign_origin_is_refused_even_with_json(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="application/json",
        HTTP_AUTHORIZATION=_basic(), HTTP_ORIGIN="https://evil.example",
    )  # fmt: skip
    assert response.status_code == 403
    assert not Figure.objects.exists()


def test_basic_with_a_plain_text_body_is_refused(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="text/plain", HTTP_AUTHORIZATION=_basic()
    )
    assert response.status_code == 415
    assert not Figure.objects.exists()


def test_a_machine_client_with_basic_and_json_needs_no_csrf_token(staff_zhangdian):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/figures/", json.dumps(BODY), content_type="application/json",
        HTTP_AUTHORIZATION=_basic(),
    )  # fmt: skip
    assert response.status_code == 201, response.content
