"""The review list as a work queue: filters, last year beside each figure, the change, waiting
days, approve all within a filter, the next item after an action, waits per department."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from targets.models import Figure, Target
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


def _submitted(target, district, year, days_ago, **values):
    figure = make_figure(target, district, year, state="submitted", **values)
    Figure.objects.filter(pk=figure.pk).update(submitted_at=NOW - datetime.timedelta(days=days_ago))
    return Figure.objects.get(pk=figure.pk)


@pytest.fixture
def queue(plan, zhangdian, zichuan):
    """Counts every district must reach, submitted for 2024 by 张店区 and 淄川区, 2023 approved."""
    targets = list(Target.objects.of_plan(plan).filter(kind="district_minimum", numerator_label=""))
    figures = []
    for i, target in enumerate(targets):
        for district in (zhangdian, zichuan):
            make_figure(target, district, 2023, value=Decimal(2), state="approved")
            figures.append(
                _submitted(target, district, 2024, 100 + i, value=Decimal(5), note="新建两所")
            )
    return figures


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_each_row_shows_last_year_the_change_the_note_and_how_long_it_waits(
    client, department_head, plan, zhangdian
):
    bases = target_named(plan, "区县典型性劳动教育基地")
    make_figure(bases, zhangdian, 2023, value=Decimal(4), state="approved")
    figure = _submitted(bases, zhangdian, 2024, 12, value=Decimal(7), note="新增3个基地")
    client.force_login(department_head)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/review/")
    assert response.status_code == 200
    (row,) = response.context["figures"]
    assert row.pk == figure.pk and row.previous.value == 4
    text = _text(response)
    assert "+3 个" in text and "新增3个基地" in text and "已等待 12 天" in text


def test_a_rate_changes_in_percentage_points(client, department_head, plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2023, numerator=Decimal(50), denominator=Decimal(100),
                state="approved")  # fmt: skip
    _submitted(fitness, zhangdian, 2024, 3, numerator=Decimal(55), denominator=Decimal(100))
    client.force_login(department_head)
    text = _text(client.get("/review/"))
    assert "+5.0 百分点" in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("district=nowhere", "区县"),
        ("year=1999", "年度"),
        ("year=abc", "年度"),
        ("chapter=abc", "章节"),
        ("target=999999", "指标"),
        ("state=lost", "状态"),
    ],
)
def test_invalid_filters_get_a_clear_message_and_a_400_never_a_500(
    client, department_head, queue, query, field
):
    client.force_login(department_head)
    response = client.get(f"/review/?{query}")
    assert response.status_code == 400
    assert response.context["figures"].count() == 0
    text = _text(response)
    assert "筛选条件无效" in text and field in text


def test_filters_narrow_the_queue(client, department_head, queue, zhangdian):
    client.force_login(department_head)
    response = client.get("/review/?district=zhangdian&year=2024")
    assert {f.district_id for f in response.context["figures"]} == {zhangdian.pk}
    assert response.context["total"] == len(queue) // 2
    target = queue[0].target
    response = client.get(f"/review/?target={target.pk}")
    assert {f.target_id for f in response.context["figures"]} == {target.pk}
    chapter = target.task.part
    response = client.get(f"/review/?chapter={chapter.pk}")
    assert all(f.target.task.part_id == chapter.pk for f in response.context["figures"])
    approved = client.get("/review/?state=approved").context["figures"]
    assert {f.state for f in approved} == {"approved"} and len(approved) == len(queue)
    assert client.get("/review/?year=2023").context["total"] == 0  # approved, not waiting


def test_approve_all_in_a_filter_asks_for_the_count_then_approves_only_that_filter(
    client, department_head, queue, zhangdian, zichuan
):
    client.force_login(department_head)
    n = len(queue) // 2
    response = client.post("/review/?district=zhangdian", {"action": "approve_all"}, follow=True)
    assert f"确认通过此筛选中的全部 {n} 项数据" in _text(response)
    assert Figure.objects.filter(state="submitted").count() == len(queue)  # nothing yet
    # a stale count is refused
    client.post("/review/?district=zhangdian",
                {"action": "approve_all", "confirmed": "yes", "count": n + 1})  # fmt: skip
    assert Figure.objects.filter(state="submitted").count() == len(queue)
    client.post("/review/?district=zhangdian",
                {"action": "approve_all", "confirmed": "yes", "count": n})  # fmt: skip
    assert not Figure.objects.filter(state="submitted", district=zhangdian).exists()
    assert Figure.objects.filter(state="submitted", district=zichuan).count() == n


def test_after_an_action_on_the_list_the_reviewer_lands_on_the_next_item(
    client, department_head, queue
):
    client.force_login(department_head)
    order = [f.pk for f in client.get("/review/?year=2024").context["figures"]]
    response = client.post("/review/?year=2024", {"action": "approve", "figure": [order[2]]})
    assert response.status_code == 302
    assert response["Location"] == f"/review/?year=2024#figure-{order[3]}"
    response = client.post(
        "/review/?year=2024", {"action": "return", "figure": [order[3]], "reason": "核对"}
    )
    assert response["Location"] == f"/review/?year=2024#figure-{order[4]}"


def test_after_an_action_on_the_figure_page_the_reviewer_lands_on_the_next_item(
    client, department_head, queue
):
    client.force_login(department_head)
    order = [f.pk for f in client.get("/review/?district=zichuan").context["figures"]]
    page = client.get(f"/figures/{order[0]}/?queue=district%3Dzichuan")
    assert 'name="queue" value="district=zichuan"' in page.content.decode()
    response = client.post(
        f"/figures/{order[0]}/", {"action": "approve", "queue": "district=zichuan"}
    )
    assert response["Location"] == f"/figures/{order[1]}/?queue=district%3Dzichuan"
    response = client.post(
        f"/figures/{order[1]}/",
        {"action": "return", "reason": "分母有误", "queue": "district=zichuan"},
    )
    assert response["Location"] == f"/figures/{order[2]}/?queue=district%3Dzichuan"
    assert Figure.objects.get(pk=order[1]).state == "returned"
    for pk in order[2:-1]:
        client.post(f"/figures/{pk}/", {"action": "approve", "queue": "district=zichuan"})
    last = client.post(f"/figures/{order[-1]}/", {"action": "approve", "queue": "district=zichuan"})
    assert last["Location"] == "/review/?district=zichuan"


def test_waits_per_department_oldest_and_median(client, department_head, city_admin, queue, plan):
    client.force_login(city_admin)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/review/")
    (education,) = response.context["waiting"]  # every district-reported count is led by it
    days = sorted((NOW - f.submitted_at).days for f in queue)
    assert education.department.name == "市教育局"
    assert (education.count, education.oldest) == (len(queue), days[-1])
    assert education.median == pytest.approx(
        (days[len(days) // 2 - 1] + days[len(days) // 2]) / 2 if len(days) % 2 == 0
        else days[len(days) // 2]
    )  # fmt: skip
    assert "市教育局" in _text(response)


def test_a_head_sees_only_their_departments_waits(client, plan, queue):
    from departments.models import Role
    from tests.conftest import make_user

    health = plan.city.departments.get(name="市卫生健康委")
    client.force_login(make_user("head-health", Role.Kind.DEPARTMENT_HEAD, department=health))
    assert client.get("/review/").context["waiting"] == []


@pytest.mark.parametrize("n", [1, 8])
def test_the_queue_costs_the_same_queries_whatever_its_length(
    client, department_head, plan, zhangdian, zichuan, n, django_assert_max_num_queries
):
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))[:n]
    for target in targets:
        for district in (zhangdian, zichuan):
            make_figure(target, district, 2023, value=Decimal(1), numerator=Decimal(1),
                        denominator=Decimal(2), state="approved")  # fmt: skip
            _submitted(target, district, 2024, 5, value=Decimal(2), numerator=Decimal(1),
                       denominator=Decimal(3))  # fmt: skip
    client.force_login(department_head)
    with django_assert_max_num_queries(20):
        response = client.get("/review/?year=2024")
    assert response.status_code == 200
    assert len(response.context["figures"]) == 2 * n
