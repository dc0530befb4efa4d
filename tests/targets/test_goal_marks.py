"""调整后 and 分解目标 beside the value asked wherever lists of targets show it (overview, heat map,
department tables), as the target page says it: the plan's original visible (phones have no
tooltip) and in the title; the districts' values in the title."""

import re
from decimal import Decimal

import pytest

from departments.models import District
from targets import goals
from tests.conftest import target_named

pytestmark = pytest.mark.django_db


def rows_of(html: str, code: str) -> str:
    """The <tr> (or heat map row) that holds the target's code."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if f">{code}</a>" in row)


@pytest.fixture
def changed(plan, city_admin):
    fitness = target_named(plan, "学生体质健康测试优良率")  # rate ≥ 55% by 2025
    goals.adjust(fitness, value=Decimal(58), year=2025, reason="省定标准提高",
                 document=goals.Document("批复", "淄政字〔2024〕9号"), user=city_admin,
                 channel="form")  # fmt: skip
    passing = target_named(plan, "学生体质健康测试合格率")  # rate ≥ 95%
    zhangdian = District.objects.get(slug="zhangdian")
    goals.decompose(passing, {zhangdian: Decimal(97)}, goals.Document("责任书", "1号"),
                    city_admin, "form")  # fmt: skip
    return fitness, passing


@pytest.mark.parametrize(
    "url", ["/progress/", "/progress/heatmap/", "/progress/departments/{education}/"]
)
def test_lists_say_adjusted_and_decomposed_beside_the_value(
    client, city_admin, changed, education_bureau, url
):
    fitness, passing = changed
    client.force_login(city_admin)
    html = client.get(url.format(education=education_bureau.pk)).content.decode()
    adjusted = rows_of(html, fitness.code)
    assert 'title="规划原目标 55%（2025） → 调整后 58%（2025）">调整后</span>' in adjusted
    assert '<span class="goal-original">规划原目标 55%（2025）</span>' in adjusted  # visible
    decomposed = rows_of(html, passing.code)
    assert 'title="分解目标：张店区 97%">分解目标</span>' in decomposed
    assert "goal-mark" not in rows_of(html, "二(一)4-3")  # neither: no mark


def test_no_mark_without_adjustment_or_decomposition(client, city_admin, plan):
    client.force_login(city_admin)
    assert "goal-mark" not in client.get("/progress/").content.decode()
