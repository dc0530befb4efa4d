"""The plan overview and the task page, as any visitor sees them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_redirects_to_the_default_plan(client, plan):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[plan.slug])


def test_overview_lists_chapters_tasks_lead_and_target_counts(client, plan):
    response = client.get(reverse("plan_detail", args=[plan.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "淄博市教育事业发展“十四五”规划" in html
    assert "淄政发〔2022〕2号" in html
    for chapter in ("全面落实立德树人根本任务", "提升教育治理能力与保障水平", "组织实施"):
        assert chapter in html
    parts = {part.code: part for part in response.context["parts"]}
    tasks = {task.code: task for task in parts["二(一)"].tasks.all()}
    assert tasks["二(一)4"].target_count == 8  # 二(一)4-7 and 4-8 added (issue 9)
    assert tasks["二(一)4"].lead_department.name == "市教育局"
    assert tasks["二(一)1"].target_count == 0
    assert response.context["counts"] == {
        "tasks": 48,
        "targets": 53,  # 46 + 7 added in issue 9
        "departments": 30,
        "districts": 11,
    }


def test_overview_query_count_does_not_grow_with_tasks(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # 1: the header's plan switcher
        assert client.get(reverse("plan_detail", args=[plan.slug])).status_code == 200


def test_task_page_shows_text_departments_and_targets(client, plan):
    response = client.get(reverse("task_detail", args=[plan.slug, "2-1-4"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "提升学生体质健康水平" in html
    assert "到2025年学生体质健康测试优良率、合格率达到55%、95%以上" in html
    assert '<a class="lead" href="/departments/' in html and "市教育局</a>" in html
    assert "市卫生健康委" in html and "市体育局" in html
    assert "学生体质健康测试优良率" in html and "≥ 55%" in html
    assert "儿童青少年总体近视率年降幅" in html
    assert "2022" in html


def test_task_page_query_count(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(reverse("task_detail", args=[plan.slug, "2-2-1"])).status_code == 200


def test_task_without_targets_says_so(client, plan):
    response = client.get(reverse("task_detail", args=[plan.slug, "2-1-1"]))
    assert "规划未对该任务提出量化指标" in response.content.decode()


def test_unknown_plan_or_task_is_404(client, plan):
    assert client.get(reverse("plan_detail", args=["nowhere"])).status_code == 404
    assert client.get(reverse("task_detail", args=[plan.slug, "9-9-9"])).status_code == 404


def test_task_page_highlights_the_sentences_targets_come_from(client, plan):
    html = client.get(reverse("task_detail", args=[plan.slug, "2-1-6"])).content.decode()
    assert "<mark>将劳动教育必修课程作为实施劳动教育的重要渠道," in html
    assert html.count("<mark>") == 3


def test_the_plan_list_calls_an_ended_plan_still_open_for_final_figures_so(client, plan):
    """Today (2026-12-07) 十四五's period is over but it is not closed: its final figures are
    being reported, so it is no "当前" plan; once closed it is read-only."""
    import datetime

    from django.conf import settings

    from plans.models import Plan
    from targets.loading import load_plan_file

    load_plan_file(settings.BASE_DIR / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml")
    today = datetime.date(2026, 12, 7)
    assert plan.is_reporting_final(today) and not plan.is_ended(today)

    states = _plan_states(client)
    assert states["淄博市教育事业发展“十四五”规划"] == "已结束（终期数据报送中）"
    assert states["淄博市教育事业发展“十五五”规划(演示,虚构示例)"] == "当前"

    Plan.objects.filter(pk=plan.pk).update(closed_on=datetime.date(2026, 3, 31))
    assert _plan_states(client)["淄博市教育事业发展“十四五”规划"] == "已结束（只读）"


def _plan_states(client) -> dict[str, str]:
    import re

    html = client.get("/").content.decode()
    rows = re.findall(r"<tr>\s*<td><a [^>]*>(.*?)</a>.*?<td>([^<]*)</td>\s*</tr>", html, re.S)
    return {title: state.strip() for title, state in rows}
