"""Issue 13: no write channel changes a figure whose state the writer has not seen, and a refused
change is shown as refused. "Absent when loaded" is a version too."""

import base64
import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from departments.models import District
from plans.models import Plan
from targets import figures
from targets.models import Figure, FigureChange, ReportingPeriod
from tests.conftest import make_figure, make_user, target_named

pytestmark = pytest.mark.django_db

BASES = "区县典型性劳动教育基地"  # 二(一)6-3, a whole number


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), change_note_threshold=1000
    )


def _api(client, body, **headers):
    return client.post(
        "/api/figures/", json.dumps(body), content_type="application/json", **headers
    )


def _basic(username):
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _page_as_loaded(response) -> dict:
    """The entry form's fields as the browser would post them unchanged."""
    data = {}
    for forms_ in response.context["chapters"]:
        for form in forms_[1]:
            for bound in form:
                if bound.field.disabled:
                    continue
                value = bound.value()
                data[bound.html_name] = "" if value is None else str(value)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_entry_page_renders_absent_figures_as_version_0(client, staff_zhangdian, plan, period):
    client.force_login(staff_zhangdian)
    bases = target_named(plan, BASES)
    response = client.get(reverse("figure_entry", args=["zhangdian", 2024]))
    html = response.content.decode()
    assert f'name="t{bases.pk}-version" value="0"' in html


def test_a_page_loaded_before_an_api_create_does_not_wipe_it(
    client, staff_zhangdian, plan, period, zhangdian
):
    client.force_login(staff_zhangdian)
    bases = target_named(plan, BASES)
    url = reverse("figure_entry", args=["zhangdian", 2024])
    loaded = _page_as_loaded(client.get(url))
    created = _api(
        Client(),
        {"target": bases.code, "district": "zhangdian", "year": 2024, "value": 42},
        **_basic("staff-zhangdian"),
    )
    assert created.status_code == 201
    response = client.post(url, {**loaded, "action": "save"})
    assert response.status_code == 200, "refused, not a 302 saying 已保存"
    figure = Figure.objects.get(target=bases, district=zhangdian, year=2024)
    assert figure.value == 42
    assert [c.new for c in figure.changes.all()] == [{"value": "42"}]
    text = " ".join(_messages(response))
    assert bases.code in text and "42" in text
    # the refused row now shows what is stored, at its version: saving again keeps 42
    again = client.post(url, {**_page_as_loaded(response), "action": "save"})
    assert again.status_code == 302
    assert Figure.objects.get(pk=figure.pk).value == 42


def test_an_api_post_without_version_does_not_overwrite(plan, staff_zhangdian, zhangdian):
    bases = target_named(plan, BASES)
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(4))
    body = {"target": bases.code, "district": "zhangdian", "year": 2024, "value": 5}
    response = _api(Client(), body, **_basic("staff-zhangdian"))
    assert response.status_code == 409, response.content
    assert response.json()["current"]["value"] == 4
    assert bases.code in response.json()["error"]
    assert Figure.objects.get(pk=figure.pk).value == 4
    response = _api(Client(), {**body, "version": 0}, **_basic("staff-zhangdian"))
    assert response.status_code == 409, "version 0 means 'absent when I looked'"
    response = _api(Client(), {**body, "version": figure.version}, **_basic("staff-zhangdian"))
    assert response.status_code == 200
    assert Figure.objects.get(pk=figure.pk).value == 5


def test_record_refuses_a_create_over_a_figure_it_did_not_see(plan, staff_zhangdian, zhangdian):
    bases = target_named(plan, BASES)
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(4))
    key = figures.Key(bases.pk, zhangdian.pk, 2024)
    for version in (None, figures.ABSENT):
        with pytest.raises(figures.FigureConflict):
            figures.record(
                [figures.Entry(key, figures.FigureInput(value=Decimal(9)), version)],
                user=staff_zhangdian,
                channel="api",
                current={},  # read before the other writer created it
            )
    assert Figure.objects.get(pk=figure.pk).value == 4
    assert Figure.objects.filter(target=bases).count() == 1


def test_an_edit_while_another_tab_submits_is_refused_out_loud(
    client, staff_zhangdian, plan, period, zhangdian
):
    client.force_login(staff_zhangdian)
    bases = target_named(plan, BASES)
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(4))
    url = reverse("figure_entry", args=["zhangdian", 2024])
    tab1 = _page_as_loaded(client.get(url))
    tab2 = _page_as_loaded(client.get(url))
    assert client.post(url, {**tab2, "action": "submit"}, follow=True).status_code == 200
    assert Figure.objects.get(pk=figure.pk).state == "submitted"
    response = client.post(url, {**tab1, f"t{bases.pk}-value": "9", "action": "save"})
    assert response.status_code == 200
    text = " ".join(_messages(response))
    assert "Saved" not in text and "已保存" not in text
    assert bases.code in text
    assert Figure.objects.get(pk=figure.pk).value == 4


def test_save_and_submit_submits_only_what_the_page_showed(
    client, staff_zhangdian, plan, period, zhangdian
):
    client.force_login(staff_zhangdian)
    bases = target_named(plan, BASES)
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(4))
    url = reverse("figure_entry", args=["zhangdian", 2024])
    loaded = _page_as_loaded(client.get(url))
    # a colleague changes the draft meanwhile, to what this page then also posts
    figures.record(
        [
            figures.Entry(
                figures.Key(bases.pk, zhangdian.pk, 2024),
                figures.FigureInput(value=Decimal(5)),
                figure.version,
            )
        ],
        user=staff_zhangdian,
        channel="api",
    )
    response = client.post(url, {**loaded, f"t{bases.pk}-value": "5", "action": "submit"})
    assert response.status_code == 302
    assert Figure.objects.get(pk=figure.pk).state == "draft", "the page never showed 5"
    assert not FigureChange.objects.filter(figure=figure, action="submit").exists()


@pytest.mark.live  # committed data, a transactional database: runs last, like the other
@pytest.mark.django_db(transaction=True)
def test_twelve_concurrent_creates_end_in_one_row_and_clean_409s():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite writes one at a time)")
    call_command("load_plan", verbosity=0)
    plan = Plan.objects.get()
    zhangdian = District.objects.get(city=plan.city, name="张店区")
    make_user("staff-zhangdian", "district_staff", district=zhangdian)
    bases = target_named(plan, BASES)
    start, statuses = threading.Barrier(12), []

    def create(value):
        try:
            client = Client(raise_request_exception=False)  # a crash counts as a 500
            start.wait(10)
            response = _api(
                client,
                {"target": bases.code, "district": "zhangdian", "year": 2024, "value": value},
                **_basic("staff-zhangdian"),
            )
            statuses.append((response.status_code, value))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(1, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _value in statuses)
    assert codes == [201] + [409] * 11, codes
    stored = Figure.objects.get(target=bases, district=zhangdian, year=2024)
    winner = next(value for code, value in statuses if code == 201)
    assert stored.value == winner
    assert [c.new for c in stored.changes.all()] == [{"value": str(winner)}]


def test_an_import_read_before_a_colleague_created_the_figure_refuses_it(
    client, plan, staff_zhangdian, zhangdian
):
    """The Excel channel: a row for a figure absent when the file was read carries version 0,
    so the save refuses that figure rather than overwrite what a colleague created since."""
    from targets import workbook
    from tests.targets.test_import import _bytes, _fill, _template

    client.force_login(staff_zhangdian)
    bases = target_named(plan, BASES)
    book = _template(client)
    _fill(book, bases.code, 数值=9)
    upload = workbook.read(_bytes(book), "figures.xlsx", plan=plan, user=staff_zhangdian)
    make_figure(bases, zhangdian, 2024, value=Decimal(42))  # a colleague, meanwhile
    with pytest.raises(figures.FigureConflict) as refused:
        workbook.save(upload, user=staff_zhangdian)
    assert [f.target_id for f in refused.value.figures] == [bases.pk]
    assert Figure.objects.get(target=bases, district=zhangdian).value == 42
