"""A closed plan beside its successor, as the demo has them on 2026-11-23: Zibo's 十四五 closed
(read-only) and the MADE-UP 十五五 (fixtures/demo/, marked 演示). Which plan a page shows when
none is named, the closed plan's pages read-only without a write control that would end in a 403,
and pages about one plan's object (a figure, an evaluation) staying on that plan."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from departments.models import Role
from ledger import notices
from plans.models import Plan
from targets.loading import load_plan_file
from targets.models import ReportingPeriod, Target
from tests.conftest import make_figure, make_user, target_named

pytestmark = pytest.mark.django_db

SUCCESSOR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml"
CLOSED_ON = datetime.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def successor(plan) -> Plan:
    return load_plan_file(SUCCESSOR).plan


def close(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(closed_on=CLOSED_ON)


# Which plan a page shows when none is named --------------------------------------------------


def test_the_default_plan_is_the_real_open_one_before_a_made_up_one(plan, successor):
    assert Plan.objects.default() == plan  # both current: the real one first


def test_once_closed_the_default_plan_is_the_open_successor(plan, successor):
    close(plan)
    assert Plan.objects.default() == successor


def test_a_closed_plan_is_the_default_only_when_nothing_else_is_loaded(plan):
    close(plan)
    assert Plan.objects.default() == plan


def test_data_entry_takes_staff_to_the_open_plan_once_the_last_is_closed(
    client, plan, successor, staff_zhangdian
):
    close(plan)
    client.force_login(staff_zhangdian)
    start = client.get("/entry/")
    assert start.status_code == 302
    page = client.get(start["Location"])
    assert page.status_code == 200
    assert page.context["plan"] == successor


# A closed plan's entry page: read-only, not a 403 -------------------------------------------


def test_a_closed_plans_entry_page_shows_its_figures_read_only(
    client, plan, zhangdian, staff_zhangdian
):
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(fitness, zhangdian, 2025, numerator=Decimal(520), denominator=Decimal(1000))
    close(plan)
    client.force_login(staff_zhangdian)

    response = client.get("/entry/zhangdian/2025/?plan=zibo-2021-2025")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="ended-banner"' in html
    assert 'value="520"' in html, "the figure is shown"
    inputs = re.findall(r"<(?:input|select|textarea)[^>]*name=\"t\d+-[a-z_]+\"[^>]*>", html)
    visible = [i for i in inputs if 'type="hidden"' not in i]
    assert visible and all("disabled" in i for i in visible)
    assert 'name="action"' not in html, "no save button"
    assert "/import/" not in html.split('class="main-nav"')[1].split("</nav>")[1]


def test_a_closed_plans_entry_page_still_refuses_a_save(client, plan, zhangdian, staff_zhangdian):
    close(plan)
    client.force_login(staff_zhangdian)
    response = client.post("/entry/zhangdian/2025/?plan=zibo-2021-2025", {"action": "save"})
    assert response.status_code == 403


def test_a_closed_plans_entry_page_stays_closed_to_those_who_never_enter_it(
    client, plan, department_head
):
    close(plan)
    client.force_login(department_head)
    assert client.get("/entry/zhangdian/2025/?plan=zibo-2021-2025").status_code == 403


def test_no_save_buttons_when_every_figure_of_the_page_is_locked(
    client, plan, successor, zhangdian, staff_zhangdian
):
    client.force_login(staff_zhangdian)
    url = "/entry/zhangdian/2025/?plan=demo-zibo-2026-2030"
    assert 'name="action" value="save"' in client.get(url).content.decode()
    for target in Target.objects.of_plan(successor).filter(reported_by="districts"):
        make_figure(target, zhangdian, 2025, state="approved", value=Decimal(1),
                    numerator=Decimal(1), denominator=Decimal(2), achieved=True)  # fmt: skip

    html = client.get(url).content.decode()

    assert 'name="action"' not in html


# No write control on a closed plan's pages ---------------------------------------------------


@pytest.fixture
def closed_or_open(request, plan):
    if request.param:
        close(plan)
    return request.param


def _pages(plan, zhangdian, city_admin, fitness_task):
    """Each page with a write control and the mark of that control in its HTML."""
    fitness = target_named(plan, "学生体质健康测试优良率")
    submitted = make_figure(
        fitness, zhangdian, 2025, numerator=Decimal(5), denominator=Decimal(10), state="submitted"
    )
    notices.issue(plan, city_admin, subject="s", facts="f", requirements="r", district=zhangdian,
                  task=fitness_task, reply_deadline=datetime.date(2026, 12, 31))  # fmt: skip
    ReportingPeriod.objects.create(plan=plan, year=2025, deadline=datetime.date(2026, 3, 31))
    staff = make_user("staff-with-email", Role.Kind.DISTRICT_STAFF, district=zhangdian)
    staff.email = "staff@example.cn"  # remind now is offered only where someone can be emailed
    staff.save()
    q = "?plan=zibo-2021-2025"
    return [
        (f"/review/{q}", 'value="approve"'),
        (f"/review/{q}", 'value="return"'),
        (f"/review/{q}", 'value="approve_all"'),
        (f"/figures/{submitted.pk}/", 'value="approve"'),
        (f"/completeness/2025/{q}", "/remind/"),
        (f"/notices/{q}", 'href="/notices/new/"'),
        (f"/ledger/tasks/{fitness_task.pk}/", "/notices/new/?task="),
        (f"/reports/{q}", 'action="/reports/generate/?plan='),
        (f"/entry/city/2025/{q}", 'name="action" value="save"'),
    ]


@pytest.mark.parametrize("closed_or_open", [True, False], indirect=True, ids=["closed", "open"])
def test_a_closed_plan_offers_no_write_control(
    client, plan, zhangdian, city_admin, fitness_task, closed_or_open
):
    pages = _pages(plan, zhangdian, city_admin, fitness_task)
    client.force_login(city_admin)
    for url, control in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        offered = control in response.content.decode()
        assert offered != closed_or_open, f"{url}: {control} offered={offered}"


# Overdue notices: a plan's pages show that plan's -------------------------------------------


def test_the_successors_overview_lists_none_of_the_closed_plans_overdue_notices(
    client, plan, successor, zhangdian, city_admin, fitness_task
):
    notice = notices.issue(plan, city_admin, subject="s", facts="f", requirements="r",
                           district=zhangdian, task=fitness_task,
                           reply_deadline=datetime.date(2026, 12, 31))  # fmt: skip
    type(notice).objects.filter(pk=notice.pk).update(reply_deadline=datetime.date(2026, 10, 1))
    client.force_login(city_admin)

    own = client.get("/progress/?plan=zibo-2021-2025").content.decode()
    other = client.get("/progress/?plan=demo-zibo-2026-2030").content.decode()

    assert 'class="overdue-notices"' in own and notice.number in own
    assert 'class="overdue-notices"' not in other and notice.number not in other


# A page about one plan's object is that plan's page ------------------------------------------


def _nav(html: str) -> str:
    return html.split('class="main-nav"')[1].split("</nav>")[0]


def test_an_evaluations_header_links_stay_on_the_evaluated_plan(
    client, plan, successor, city_admin
):
    client.force_login(city_admin)
    html = client.get("/evaluation/demo-zibo-2026-2030/").content.decode()
    assert 'href="/ledger/?plan=demo-zibo-2026-2030"' in _nav(html)
    assert 'class="demo-banner"' in html


def test_a_figure_of_a_made_up_plan_shows_that_plans_header_and_banner(
    client, plan, successor, zhangdian, city_admin
):
    target = Target.objects.of_plan(successor).filter(reported_by="districts").first()
    figure = make_figure(target, zhangdian, 2026, value=Decimal(1), numerator=Decimal(1),
                         denominator=Decimal(2), achieved=True)  # fmt: skip
    client.force_login(city_admin)

    response = client.get(f"/figures/{figure.pk}/")

    assert response.context["plan"] == successor
    html = response.content.decode()
    assert 'class="demo-banner"' in html
    assert successor.title in html.split("</header>")[0]
    assert 'href="/progress/?plan=demo-zibo-2026-2030"' in _nav(html)


def test_a_ledger_task_of_a_made_up_plan_keeps_the_header_on_that_plan(
    client, plan, successor, city_admin
):
    from plans.models import Task

    task = Task.objects.filter(part__plan=successor, part__kind="key_tasks").first()
    client.force_login(city_admin)
    html = client.get(f"/ledger/tasks/{task.pk}/").content.decode()
    assert 'class="demo-banner"' in html
    assert 'href="/ledger/?plan=demo-zibo-2026-2030"' in _nav(html)


def test_an_object_page_of_the_default_plan_drops_another_plans_query(
    client, plan, successor, city_admin
):
    client.force_login(city_admin)
    html = client.get("/evaluation/zibo-2021-2025/?plan=demo-zibo-2026-2030").content.decode()
    assert 'href="/ledger/?plan=zibo-2021-2025"' in _nav(html)
    assert "demo-zibo-2026-2030" not in _nav(html)
