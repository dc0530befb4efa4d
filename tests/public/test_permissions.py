"""Every public URL, anonymous and every role: the same read-only answer; a POST is refused."""

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_zhangdian", "staff_zichuan", "department_head", "city_admin"]
ROOT = "/public/zibo-2021-2025/"
URLS = [
    ROOT, f"{ROOT}targets.csv", f"{ROOT}targets.json", f"{ROOT}data.csv", f"{ROOT}data.json",
    f"{ROOT}targets/student-fitness-good-rate/", f"{ROOT}targets/student-fitness-good-rate.csv",
    f"{ROOT}targets/student-fitness-good-rate.json", f"{ROOT}districts/zichuan/",
    f"{ROOT}districts/zichuan.csv", f"{ROOT}districts/zichuan.json",
    "/api/public/zibo-2021-2025", "/api/public/zibo-2021-2025/data",
    "/api/public/zibo-2021-2025/targets/student-fitness-good-rate",
    "/api/public/zibo-2021-2025/districts/zichuan",
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_public_url_reads_the_same_for_every_role_and_refuses_post(
    client, request, role, published, approved
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in str(response.serialize_headers()), url
        assert client.post(url).status_code == 405, url


def test_a_post_without_csrf_token_is_refused_before_the_view(published):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.post(ROOT).status_code == 403
