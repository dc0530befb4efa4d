"""A NUL in a query string or a form field: a 400 naming the parameter, never a 500 (the fuzz
run against gunicorn found /ledger/?chapter=%00 answering 500 on PostgreSQL)."""

import pytest

from plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/ledger/?chapter=%00", "/progress/?status=a%00b",
                                 "/review/?target=%00", "/notices/?state=%00"])  # fmt: skip
def test_a_nul_in_the_query_string_is_a_400_naming_it(client, city_admin, plan, url):
    client.force_login(city_admin)
    response = client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_and_saves_nothing(client, city_admin, plan):
    client.force_login(city_admin)
    before = Plan.objects.values_list("pk", "title").get(pk=plan.pk)
    response = client.post("/review/", {"action": "approve", "note": "a\x00b"})
    assert response.status_code == 400 and "note" in response.content.decode()
    assert Plan.objects.values_list("pk", "title").get(pk=plan.pk) == before


def test_the_api_keeps_its_own_json_answer(client, city_admin, plan):
    client.force_login(city_admin)
    response = client.get("/api/figures/?target=%00")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
