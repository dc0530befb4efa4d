"""Review: approve or return one by one and in bulk; reopen and restore are the city admin's."""

from decimal import Decimal

import pytest

from targets.models import Figure, Target
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(plan, zhangdian, zichuan):
    # counts every district must reach (the salary ratio, also judged per district, is a fraction)
    targets = Target.objects.of_plan(plan).filter(kind="district_minimum", numerator_label="")
    return [
        make_figure(target, district, 2024, value=Decimal(3), state="submitted")
        for target in targets
        for district in (zhangdian, zichuan)
    ]


def test_department_head_sees_the_submitted_figures_of_led_targets(
    client, department_head, submitted
):
    client.force_login(department_head)
    response = client.get("/review/")
    assert list(response.context["figures"]) == sorted(
        submitted, key=lambda f: (f.district.order, f.target.task.part.order, f.target.task.number)
    )


def test_bulk_approve(client, department_head, submitted):
    client.force_login(department_head)
    chosen = [f.pk for f in submitted[:4]]
    response = client.post("/review/", {"figure": chosen, "action": "approve"}, follow=True)
    assert "已审核通过 4 项数据" in response.content.decode()
    assert Figure.objects.filter(state="approved").count() == 4
    assert Figure.objects.filter(state="submitted").count() == 2


def test_bulk_return_needs_a_reason(client, department_head, submitted):
    client.force_login(department_head)
    chosen = [f.pk for f in submitted]
    response = client.post("/review/", {"figure": chosen, "action": "return"}, follow=True)
    assert "请填写退回原因" in response.content.decode()
    assert not Figure.objects.filter(state="returned").exists()
    client.post("/review/", {"figure": chosen, "action": "return", "reason": "口径不一致"})
    assert set(Figure.objects.values_list("state", "return_reason")) == {("returned", "口径不一致")}


def test_returned_figure_shows_the_reason_to_the_district(
    client, staff_zhangdian, department_head, submitted
):
    figure = submitted[0]
    client.force_login(department_head)
    client.post(f"/figures/{figure.pk}/", {"action": "return", "reason": "请核实基地数量"})
    client.force_login(staff_zhangdian)
    html = client.get("/entry/zhangdian/2024/").content.decode()
    assert "请核实基地数量" in html and "已退回" in html


def test_approved_figure_is_locked_until_the_city_admin_reopens_it(
    client, plan, city_admin, department_head, staff_zhangdian, zhangdian
):
    bases = target_named(plan, "区县典型性劳动教育基地")
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(3), state="submitted")
    client.force_login(department_head)
    client.post(f"/figures/{figure.pk}/", {"action": "approve"})
    client.force_login(staff_zhangdian)
    response = client.post("/entry/zhangdian/2024/", {f"t{bases.pk}-value": "9", "action": "save"})
    figure.refresh_from_db()
    assert (figure.state, figure.value) == ("approved", 3)
    assert response.status_code == 200, "refused out loud, not a 302 saying 已保存 (issue 13)"
    assert bases.code in response.content.decode()
    client.force_login(city_admin)
    client.post(f"/figures/{figure.pk}/", {"action": "reopen", "reason": "区县申请更正"})
    figure.refresh_from_db()
    assert figure.state == "draft"
    reopened = figure.changes.first()
    assert (reopened.action, reopened.comment, reopened.changed_by) == (
        "reopen",
        "区县申请更正",
        city_admin,
    )


def test_history_page_shows_who_when_and_old_to_new(
    client, plan, staff_zhangdian, city_admin, zhangdian
):
    bases = target_named(plan, "区县典型性劳动教育基地")
    client.force_login(staff_zhangdian)
    client.post("/entry/zhangdian/2024/", {f"t{bases.pk}-value": "3", "action": "save"})
    client.post(
        "/entry/zhangdian/2024/",
        {f"t{bases.pk}-value": "4", f"t{bases.pk}-version": "1", "action": "save"},
    )
    figure = Figure.objects.get(target=bases)
    client.force_login(city_admin)
    response = client.get(f"/figures/{figure.pk}/")
    history = list(response.context["history"])
    assert [(c.action, c.old.get("value"), c.new.get("value")) for c in history] == [
        ("update", "3", "4"),
        ("create", None, "3"),
    ]
    assert "恢复为此数值" in response.content.decode()
    restore = {"action": "restore", "change": history[1].pk}
    client.post(f"/figures/{figure.pk}/", restore)  # asks first (issue 9)
    figure.refresh_from_db()
    assert figure.value == 4
    client.post(f"/figures/{figure.pk}/", {**restore, "confirmed": "yes"})
    figure.refresh_from_db()
    assert figure.value == 3


def test_figure_page_shows_changes_made_by_the_system(client, plan, department_head, zhangdian):
    from targets.models import FigureChange

    figure = make_figure(
        target_named(plan, "区县典型性劳动教育基地"), zhangdian, 2024, value=Decimal(3)
    )
    FigureChange.objects.create(figure=figure, changed_by=None, channel="demo", action="create")
    client.force_login(department_head)
    response = client.get(f"/figures/{figure.pk}/")
    assert response.status_code == 200
    assert "系统" in response.content.decode()


def test_a_missing_page_is_a_friendly_404(client, plan):
    response = client.get("/plans/nowhere/")
    assert response.status_code == 404
    assert "该页面不存在" in response.content.decode()
