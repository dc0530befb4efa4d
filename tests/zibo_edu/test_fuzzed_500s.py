"""Three inputs fuzzing found ending in a 500: each is now a 400 or a form error."""

import base64

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
LONG = "u" * 300  # longer than any username column (axes keeps 255 characters)


def test_a_bad_host_header_is_a_400_not_a_500(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400


def test_a_username_over_255_characters_on_the_login_form_is_a_form_error(client):
    response = client.post("/accounts/login/", {"username": LONG, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_username_over_255_characters_on_http_basic_is_a_401(client):
    token = base64.b64encode(f"{LONG}:x".encode()).decode()
    response = client.get("/api/figures/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 401


def test_an_admin_bulk_action_with_a_non_integer_id_is_a_400(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": ["abc"], "post": "yes"},
    )
    assert response.status_code == 400
    assert User.objects.filter(pk=city_admin.pk).exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "1 OR 1=1"])
def test_the_400_names_the_refused_id(client, city_admin, value):
    client.force_login(city_admin)
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [value], "post": "yes"},
    )
    assert response.status_code == 400
    assert "_selected_action" in response.content.decode()
