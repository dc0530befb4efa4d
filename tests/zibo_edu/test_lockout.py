"""Brute force: a username is locked at an address after 5 failures, an address after 20 names
no account has (for such names only); the form, the admin and HTTP Basic all count; the message
is clear; the city admin sees and lifts every lock that stops their city's users."""

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db
RIGHT = "pw-for-tests-only"


def _log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "REMOTE_ADDR": "10.0.0.9"}


def test_the_sixth_try_is_refused_even_with_the_right_password(client, staff_zhangdian):
    for _ in range(4):
        assert _log_in(client, "staff-zhangdian", "wrong").status_code == 200
    assert _log_in(client, "staff-zhangdian", "wrong").status_code == 429  # the 5th locks
    response = _log_in(client, "staff-zhangdian", RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "30 分钟" in page and "市局管理员" in page
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked; another account here is not either.
    assert _log_in(Client(), "staff-zhangdian", RIGHT, address="10.0.0.2").status_code == 302


def test_wrong_passwords_below_the_limit_do_not_lock_and_success_resets(client, staff_zhangdian):
    for _ in range(4):
        _log_in(client, "staff-zhangdian", "wrong")
    assert _log_in(client, "staff-zhangdian", RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        _log_in(client, "staff-zhangdian", "wrong")
    assert _log_in(client, "staff-zhangdian", RIGHT).status_code == 302


def test_an_address_trying_many_unknown_names_is_locked_for_unknown_names(client, staff_zhangdian):
    for n in range(20):
        _log_in(client, f"guess-{n}", "wrong", address="10.0.0.3")
    assert _log_in(client, "guess-99", "wrong", address="10.0.0.3").status_code == 429
    assert _log_in(client, "guess-99", "wrong", address="10.0.0.4").status_code == 200
    # The office's accounts still sign in from it.
    assert _log_in(client, "staff-zhangdian", RIGHT, address="10.0.0.3").status_code == 302


def test_guessed_names_do_not_lock_the_city_admin_out_of_the_office(city_admin):
    """A bureau's PCs share one address: 20 guesses at root, admin… there locked it, the city
    admin's own log-in included."""
    for n, name in enumerate(["root", "admin", "administrator", "test"] * 5):
        _log_in(Client(), f"{name}{n}", "wrong", address="10.0.0.5")
    response = _log_in(Client(), city_admin.username, RIGHT, address="10.0.0.5")
    assert response.status_code == 302


def test_another_citys_accounts_failing_do_not_lock_the_address(city_admin, staff_shili):
    for _ in range(20):
        _log_in(Client(), "staff-shili", "wrong", address="10.0.0.6")
    assert _log_in(Client(), "staff-shili", RIGHT, address="10.0.0.6").status_code == 429
    response = _log_in(Client(), city_admin.username, RIGHT, address="10.0.0.6")
    assert response.status_code == 302


def test_the_city_admin_sees_and_lifts_the_lock_on_their_offices_address(
    staff_zhangdian, city_admin
):
    assert _log_in(Client(), "staff-zhangdian", RIGHT, address="10.0.0.7").status_code == 302
    for n in range(20):
        _log_in(Client(), f"root{n}", "wrong", address="10.0.0.7")
        _log_in(Client(), f"elsewhere{n}", "wrong", address="192.0.2.1")
    assert _log_in(Client(), "zhangsan", "wrong", address="10.0.0.7").status_code == 429
    admin = Client()
    admin.force_login(city_admin)
    listing = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "root0" in listing and "root19" in listing
    assert "elsewhere0" not in listing, "another address's guesses are the superuser's"
    office = AccessAttempt.objects.filter(ip_address="10.0.0.7")
    assert admin.get(f"/admin/axes/accessattempt/{office[0].pk}/change/").status_code == 200
    response = admin.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": [row.pk for row in office],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.7").exists()
    assert _log_in(Client(), "zhangsan", "wrong", address="10.0.0.7").status_code == 200


def test_the_city_admin_does_not_see_another_citys_accounts(city_admin, staff_shili):
    for _ in range(5):
        _log_in(Client(), "staff-shili", "wrong", address="10.0.0.8")
    admin = Client()
    admin.force_login(city_admin)
    assert "staff-shili" not in admin.get("/admin/axes/accessattempt/").content.decode()


def test_the_city_admin_unlocks_in_the_admin(client, staff_zhangdian, city_admin):
    for _ in range(5):
        _log_in(client, "staff-zhangdian", "wrong")
    assert _log_in(client, "staff-zhangdian", RIGHT).status_code == 429
    admin = Client()
    admin.force_login(city_admin)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "staff-zhangdian" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="staff-zhangdian")
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert _log_in(client, "staff-zhangdian", RIGHT).status_code == 302


def test_wrong_basic_credentials_on_the_api_count_too(client, staff_zhangdian):
    for _ in range(4):
        assert client.get("/api/figures/", **_basic("staff-zhangdian", "wrong")).status_code == 401
    assert client.get("/api/figures/", **_basic("staff-zhangdian", "wrong")).status_code == 429
    response = client.get(
        "/api/figures/", HTTP_ACCEPT_LANGUAGE="zh-CN", **_basic("staff-zhangdian", RIGHT)
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["error"]


def test_behind_a_proxy_the_forwarded_address_counts(client, staff_zhangdian, settings):
    settings.ZIBO_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": "staff-zhangdian", "password": "wrong"},
            REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7",
        )  # fmt: skip
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    other = client.post(
        "/accounts/login/", {"username": "staff-zhangdian", "password": RIGHT},
        REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.8",
    )  # fmt: skip
    assert other.status_code == 302, "another user behind the same proxy is not locked"


def test_wrong_basic_credentials_with_a_broken_form_count_too(client, staff_zhangdian):
    """The lockout keeps the form of a failed log-in: one Django cannot parse (multipart without
    its boundary) stopped it with a 400 page before the failure was counted, without limit."""
    wrong = _basic("staff-zhangdian", "wrong")
    for _ in range(4):
        response = client.post("/api/figures/", b"x", content_type="multipart/form-data", **wrong)
        assert response.status_code == 401
        assert response.json() == {"error": "authentication required"}
    response = client.post("/api/figures/", b"x", content_type="multipart/form-data", **wrong)
    assert response.status_code == 429
