"""Monthly reports of several cities: each report carries its plan, so a city's report is rendered
from that city's plan, titled and mailed with that city's name to that city's recipients, and
listed only to that city's users. The second city is 示例市(演示), a MADE-UP city of the demo
files (fixtures/demo/), loaded beside Zibo."""

import datetime

import pytest
from django.core import mail

from reports import delivery
from reports.models import Recipient, Report
from reports.rendering import render_report_html

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2025, 6, 1)
AT = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)


def test_a_month_is_scheduled_per_plan_and_never_mixes_cities(plan, shili_plan):
    reports = delivery.schedule(JUNE)
    by_plan = {p.slug: [r for r in reports if r.plan_id == p.pk] for p in (plan, shili_plan)}
    assert len(by_plan[plan.slug]) == plan.city.districts.count() + 1
    assert len(by_plan[shili_plan.slug]) == shili_plan.city.districts.count() + 1
    assert all(r.district is None or r.district.city_id == r.plan.city_id for r in reports)
    assert [r.plan for r in reports if r.district is None] == [plan, shili_plan]
    assert delivery.schedule(JUNE) == reports, "a second trigger creates nothing"


def test_a_closed_plan_gets_no_more_reports(plan, shili_plan):
    from plans.models import Plan

    Plan.objects.filter(pk=shili_plan.pk).update(closed_on=datetime.date(2025, 6, 30))
    assert {r.plan_id for r in delivery.schedule(JUNE)} == {plan.pk}
    assert {r.plan_id for r in delivery.schedule(datetime.date(2025, 5, 1))} == {
        plan.pk,
        shili_plan.pk,
    }


def test_each_citys_report_is_rendered_from_its_own_plan(plan, shili_plan):
    html = render_report_html(None, JUNE, generated_at=AT, plan=shili_plan)
    assert "示例市(演示)" in html and shili_plan.title in html
    assert "淄博" not in html and plan.title not in html
    zibo = render_report_html(None, JUNE, generated_at=AT, plan=plan)
    assert "示例市" not in zibo and plan.title in zibo


def test_each_citys_report_is_mailed_with_its_name_to_its_recipients(plan, shili_plan):
    Recipient.objects.create(city=plan.city, name="市教育局", email="zibo@example.cn")
    Recipient.objects.create(city=shili_plan.city, name="市教育局", email="shili@example.cn")
    reports = delivery.schedule(JUNE, city=True, districts=[])
    assert reports == [], "no districts asked for: no plan's reports"
    city_reports = [r for r in delivery.schedule(JUNE) if r.district is None]
    for report in city_reports:
        assert delivery.generate(report.pk, generated_at=AT)
        assert delivery.send(report.pk)
    zibo, shili = mail.outbox
    assert zibo.to == ["zibo@example.cn"] and "淄博市" in zibo.subject and "淄博市" in zibo.body
    assert shili.to == ["shili@example.cn"] and "示例市(演示)" in shili.subject
    assert shili_plan.title in shili.subject and "淄博" not in shili.subject + shili.body
    assert shili.attachments[0][0] == "demo-shili-2021-2025-progress-city-2025-06.pdf"


@pytest.fixture
def both_cities_reports(plan, shili_plan):
    return {r.pk: r for r in delivery.schedule(JUNE)}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("city_admin", {"zibo-2021-2025"}),
        ("staff_zhangdian", {"zibo-2021-2025"}),
        ("admin_shili", {"demo-shili-2021-2025"}),
        ("staff_shili", {"demo-shili-2021-2025"}),
        ("province", {"zibo-2021-2025", "demo-shili-2021-2025"}),
    ],
)
def test_the_report_list_shows_each_user_their_citys_reports(
    client, request, both_cities_reports, role, sees
):
    from departments import access
    from reports.access import reports_for

    user = request.getfixturevalue(role)
    client.force_login(user)
    assert {r.plan.slug for r in reports_for(user)} == sees
    for slug in ("zibo-2021-2025", "demo-shili-2021-2025"):
        response = client.get(f"/reports/?plan={slug}")
        if slug not in sees:
            assert response.status_code == 404
            continue
        shown = response.context["reports"]
        assert shown and {r.plan.slug for r in shown} == {slug}
        staff = access.staff_district_id(user)
        assert staff is None or {r.district_id for r in shown} == {staff}


def test_the_city_report_is_listed_to_its_city_admin(client, city_admin, both_cities_reports):
    client.force_login(city_admin)
    shown = client.get("/reports/").context["reports"]
    assert any(r.district is None for r in shown)


def test_the_province_reads_reports_but_generates_none(client, province, both_cities_reports):
    client.force_login(province)
    report = next(iter(both_cities_reports.values()))
    Report.objects.filter(pk=report.pk).update(pdf=b"%PDF-", state="sent")
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 200
    assert client.post("/reports/generate/", {"month": "2025-06"}).status_code == 403


def test_a_city_admins_button_generates_their_citys_reports_only(
    client, admin_shili, plan, shili_plan, monkeypatch
):
    from reports import tasks

    monkeypatch.setattr(tasks.generate_report, "delay", lambda pk: None)
    client.force_login(admin_shili)
    client.post("/reports/generate/", {"month": "2025-06"})
    assert {r.plan_id for r in Report.objects.all()} == {shili_plan.pk}
