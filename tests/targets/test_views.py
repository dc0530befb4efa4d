"""The target list: every target, filterable by chapter, department and kind, sortable."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    return [row.record.code for row in response.context["table"].rows]


def test_lists_every_target_in_plan_order(client, plan):
    response = client.get(reverse("target_list"))
    codes = _codes(response)
    assert len(codes) == 53  # 46 + 7 added in issue 9
    assert codes[:3] == ["二(一)3-1", "二(一)4-1", "二(一)4-2"]
    assert codes[-1] == "二(八)5-3"
    html = response.content.decode()
    assert "学生体质健康测试优良率" in html and "≥ 55%" in html and "市教育局" in html


def test_filters_by_chapter(client, plan):
    chapter = plan.parts.get(code="二(二)")
    codes = _codes(client.get(reverse("target_list"), {"chapter": chapter.pk}))
    assert codes and all(code.startswith("二(二)") for code in codes)


def test_filters_by_kind(client, plan):
    response = client.get(reverse("target_list"), {"kind": "district_minimum"})
    # 二(三)4-1: teachers' pay against local civil servants', judged per district (issue 9)
    assert _codes(response) == ["二(一)6-3", "二(二)4-1", "二(三)4-1", "二(五)3-1"]


def test_filters_by_department_lead_or_co_operating(client, plan):
    health = plan.city.departments.get(name="市卫生健康委")
    codes = _codes(client.get(reverse("target_list"), {"department": health.pk}))
    assert codes == [
        "二(一)4-1",
        "二(一)4-2",
        "二(一)4-3",
        "二(一)4-4",
        "二(一)4-5",
        "二(一)4-6",
        "二(一)4-7",
        "二(一)4-8",
        "二(二)6-1",
    ]


def test_search_looks_in_names_and_source_sentences(client, plan):
    assert _codes(client.get(reverse("target_list"), {"q": "近视"})) == ["二(一)4-3"]
    same_sentence = ["二(五)3-4", "二(五)3-5", "二(五)3-6", "二(五)3-7"]
    assert _codes(client.get(reverse("target_list"), {"q": "专业群"})) == same_sentence


def test_filters_combine(client, plan):
    counts = _codes(client.get(reverse("target_list"), {"kind": "count", "q": "左右"}))
    assert counts == ["二(五)3-2", "二(五)3-3", "二(五)3-4", "二(五)3-5", "二(五)3-6", "二(五)3-7"]
    changes = _codes(client.get(reverse("target_list"), {"kind": "annual_change", "q": "左右"}))
    assert changes == ["二(八)5-1"]


def test_invalid_filter_value_is_reported_not_crashing(client, plan):
    response = client.get(reverse("target_list"), {"kind": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["kind"]


def test_sorting_by_deadline(client, plan):
    codes = _codes(client.get(reverse("target_list"), {"sort": "deadline_year"}))
    assert codes[:2] == ["二(一)4-4", "二(一)8-4"]


def test_query_count_is_constant(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        client.get(reverse("target_list"))


def test_every_department_link_of_another_citys_target_list_opens(client, plan, shili_plan):
    """示例市's target list links its lead departments with its plan named, never to a 404."""
    page = client.get(f"/targets/?plan={shili_plan.slug}").content.decode()
    links = set(re.findall(r'href="(/departments/\d+/[^"]*)"', page))
    assert links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
