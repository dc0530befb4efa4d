"""Issue 13: numbers and choices in query strings and forms: a clear 400, never a 500."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(city_admin):
    client = Client(raise_request_exception=False)
    client.force_login(city_admin)
    return client


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/progress/?year=²", "year"),
        ("/progress/?year=%00", "year"),
        ("/progress/?_export=xls", "_export"),
        ("/progress/?_export=ods", "_export"),
        ("/progress/heatmap/?page=²", "page"),
        ("/progress/heatmap/?page=0", "page"),
        ("/progress/heatmap/?page=99999999999999999999", "page"),
        ("/review/?year=²", "year"),
        ("/ledger/?department=²", "department"),
        ("/ledger/?_export=ods", "_export"),
    ],
)
def test_a_malformed_parameter_is_a_400_naming_it(admin_client, plan, url, named):
    response = admin_client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert named in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/progress/?plan=%00", "/targets/?plan=%00", "/api/plan/?plan=%00"]
)
def test_a_nul_plan_is_a_4xx(admin_client, plan, url):
    assert admin_client.get(url).status_code == 404  # a malformed plan, as the plan rule says


def test_review_list_refuses_a_figure_that_is_not_a_number(admin_client, plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    figure = make_figure(
        fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10), state="submitted"
    )
    response = admin_client.post("/review/", {"action": "approve", "figure": [figure.pk, "abc"]})
    assert response.status_code == 400
    assert "figure" in response.content.decode()
    figure.refresh_from_db()
    assert figure.state == "submitted"


def test_restore_refuses_a_change_that_is_not_a_number(admin_client, plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    figure = make_figure(fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10))
    response = admin_client.post(
        f"/figures/{figure.pk}/", {"action": "restore", "change": "abc", "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert "change" in response.content.decode()


@pytest.mark.parametrize("query", ["target=%20", "task=1e14", "district=abc"])
def test_the_notice_form_refuses_prefill_ids_that_are_not_numbers(admin_client, plan, query):
    """Found by the fuzz suite: ?target=%20 crashed the new-notice page."""
    response = admin_client.get(f"/notices/new/?{query}")
    assert response.status_code == 400
