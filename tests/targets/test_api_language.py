"""The API answers in one language, the one the client's Accept-Language asks for (simplified
Chinese or English; English, the schema's language, when it asks for neither)."""

import json
from decimal import Decimal

import pytest

from targets.models import Figure
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _post(client, body, **headers):
    return client.post(
        "/api/figures/", json.dumps(body), content_type="application/json", **headers
    )


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def fitness(plan):
    return target_named(plan, "学生体质健康测试优良率")


@pytest.fixture
def locked(fitness, zhangdian, staff_zhangdian, client):
    figure = make_figure(
        fitness, zhangdian, 2024, state=Figure.State.SUBMITTED,
        numerator=Decimal(5), denominator=Decimal(10),
    )  # fmt: skip
    client.force_login(staff_zhangdian)
    return figure


def _change(figure):
    return {
        "target": "二(一)4-1", "district": "zhangdian", "year": 2024,
        "numerator": 6, "denominator": 10, "version": figure.version,
    }  # fmt: skip


def test_a_locked_figure_is_refused_in_chinese_for_a_chinese_client(client, locked):
    response = _post(client, _change(locked), **ZH)
    assert response.status_code == 409
    assert _has_cjk(response.json()["error"]), response.json()
    assert response["Content-Language"] == "zh-hans"


def test_a_locked_figure_is_refused_in_english_for_an_english_client(client, locked):
    response = _post(client, _change(locked), **EN)
    assert response.json()["error"] == "the figure is under review or approved"
    assert response["Content-Language"] == "en"


def test_the_rules_messages_follow_the_same_language(client, fitness, staff_zhangdian):
    client.force_login(staff_zhangdian)
    body = {"target": "二(一)4-1", "district": "zhangdian", "year": 2024,
            "numerator": 11, "denominator": 10}  # fmt: skip
    english = _post(client, body, **EN).json()
    assert "cannot exceed" in english["errors"]["numerator"], english  # the plan's nouns stay
    assert not _has_cjk(english["error"])
    chinese = _post(client, body, **ZH).json()
    assert all(_has_cjk(m) for m in chinese["errors"].values()), chinese
    assert _has_cjk(chinese["error"]), chinese


def test_refusals_before_the_view_follow_the_language_too(client, plan):
    assert _has_cjk(_post(client, {}, **ZH).json()["error"])
    assert not _has_cjk(_post(client, {}, **EN).json()["error"])


def test_pages_stay_chinese_first_whatever_the_browser_says(client, plan):
    response = client.get("/targets/", **EN)
    assert response["Content-Language"] == "zh-hans"
