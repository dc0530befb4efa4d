"""二(八)5-1 市级财政教育投入年均增长10%左右 on the demo data: 2020→2025 averages 10.3% a year
(7.2%, 6.8%, 8.1%, 15.1%, 14.5%), so it is met, on the target page, in the API, in the city's
monthly report and in the evaluation; it was "3年中0年达标, 缺最终数据" (issue 17)."""

import datetime

import pytest

from reports.evaluation import Verdict, evaluate
from reports.rendering import render_report_html
from targets import demo
from targets.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def growth(plan) -> Target:
    demo.seed(plan)
    return Target.objects.get(code="二(八)5-1")


def test_the_target_page_and_the_api_judge_the_average_growth(client, city_admin, growth):
    client.force_login(city_admin)
    response = client.get(f"/progress/targets/{growth.pk}/?year=2025")
    assert response.context["city"].status == "met"
    page = response.content.decode()
    assert "+10.3%（2025）" in page and "年中" not in page
    data = client.get("/api/progress/?year=2025").json()
    city = next(t for t in data["targets"] if t["code"] == "二(八)5-1")["city"]
    assert (city["status"], round(city["value"], 1)) == ("met", 10.3)


def test_the_monthly_report_and_the_evaluation_judge_the_average_growth(plan, growth):
    html = render_report_html(None, datetime.date(2026, 11, 1), plan=plan)
    row = html[html.index("二(八)5-1") :][:1500]
    assert "+10.3%" in row and "年中" not in row and "缺最终数据" not in row
    evaluation = evaluate(plan, 2025)
    judged = next(t for t in evaluation.targets if t.target == growth)
    assert judged.city.verdict == Verdict.DONE
