"""Monthly reports in an installation of two cities: Zibo beside 示例市 (a MADE-UP city of the demo
files, marked 演示). Each city's button and schedule make that city's reports of its own plan;
the "needs attention" section never says all is achieved when figures are missing; a demo plan's
report and mail say 演示."""

import datetime

import pytest
import time_machine
from django.core import mail

from departments.models import District
from reports import delivery, tasks
from reports.models import Recipient, Report
from reports.rendering import render_report_html

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
SEPTEMBER = datetime.date(2026, 9, 1)
OCTOBER = datetime.date(2026, 10, 1)
AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


@pytest.fixture
def signalled(monkeypatch) -> list[int]:
    """The reports whose rendering the queue is told of (nothing rendered here)."""
    pks: list[int] = []
    monkeypatch.setattr(tasks, "signal", lambda task, ids: pks.extend(ids) or True)
    return pks


def _press(client, user, plan=None):
    client.force_login(user)
    url = "/reports/generate/" + (f"?plan={plan.slug}" if plan else "")
    with time_machine.travel(TODAY, tick=False):
        return client.post(url, {"month": "2026-09"}, follow=True)


# 1. The button and the schedule: one city's reports, of its own plan -------------------------


def test_the_made_up_citys_admin_generates_its_own_reports_only(
    client, plan, shili_plan, admin_shili, signalled
):
    response = _press(client, admin_shili)

    assert response.status_code == 200
    reports = list(Report.objects.filter(month=SEPTEMBER).select_related("district__city"))
    assert reports, "示例市's reports are made"
    assert {r.plan for r in reports} == {shili_plan}
    assert {r.district for r in reports if r.district} == set(
        District.objects.filter(city=shili_plan.city)
    )
    assert sorted(signalled) == sorted(r.pk for r in reports)


def test_zibos_admin_on_zibos_plan_generates_zibos_reports_only(
    client, plan, shili_plan, city_admin, signalled
):
    _press(client, city_admin, plan)

    reports = list(Report.objects.filter(month=SEPTEMBER).select_related("district__city"))
    assert {r.plan for r in reports} == {plan}
    assert {r.district for r in reports} == {*District.objects.filter(city=plan.city), None}
    assert sorted(signalled) == sorted(r.pk for r in reports)


def test_a_superuser_generates_the_reports_of_the_plan_shown(
    client, plan, shili_plan, django_user_model, signalled
):
    """The demo's city-admin is a superuser: the plan shown names the city, not the role."""
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    _press(client, admin, shili_plan)

    reports = list(Report.objects.filter(month=SEPTEMBER).select_related("district__city"))
    assert reports and {r.plan for r in reports} == {shili_plan}


def test_a_closed_plan_is_refused_naming_the_plan_the_reports_speak_of(
    client, plan, city_admin, signalled, settings
):
    from targets.loading import load_plan_file

    successor = load_plan_file(
        settings.BASE_DIR / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml"
    ).plan
    plan.closed_on = datetime.date(2026, 6, 1)
    plan.save()
    response = _press(client, city_admin, plan)

    page = response.content.decode()
    assert response.status_code == 200 and successor.title in page
    assert not Report.objects.exists() and not signalled


def _render_html(district, month, *, generated_at=None, **plan):
    return render_report_html(district, month, generated_at=generated_at, **plan).encode()


def test_the_monthly_schedule_renders_each_citys_reports_from_its_own_plan(
    plan, shili_plan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(delivery, "render_report", _render_html)  # the HTML, not the PDF
    for district in District.objects.filter(city=shili_plan.city):
        Recipient.objects.create(district=district, name="东城", email=f"{district.slug}@x.cn")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_monthly_reports(SEPTEMBER.isoformat())

    reports = Report.objects.filter(month=SEPTEMBER).select_related("district__city")
    shili = [r for r in reports if r.district and r.district.city_id == shili_plan.city_id]
    assert len(shili) == District.objects.filter(city=shili_plan.city).count()
    for report in reports:
        own = report.plan
        assert own.city == (report.district or own).city
        html = bytes(report.pdf).decode()
        assert own.title in html, report
        other = plan if own == shili_plan else shili_plan
        assert other.title not in html and other.city.name + "教育局" not in html, report
    assert len(mail.outbox) == len(shili)
    assert all("示例市" in m.subject and "淄博" not in m.subject for m in mail.outbox)


def test_the_monthly_schedule_gives_every_city_its_city_report(plan, shili_plan):
    reports = delivery.schedule(SEPTEMBER, deliver=True)
    city_reports = [r for r in reports if r.district is None]
    assert {r.plan for r in city_reports} == {plan, shili_plan}


def test_the_archive_of_a_plan_lists_its_citys_reports_and_no_other_citys_city_report(
    client, plan, shili_plan, django_user_model
):
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    own = Report.objects.create(plan=shili_plan, district=dongcheng, month=SEPTEMBER)
    Report.objects.create(plan=plan, district=None, month=SEPTEMBER)  # Zibo's
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)

    response = client.get(f"/reports/?plan={shili_plan.slug}")

    assert list(response.context["reports"]) == [own]
    assert len(client.get(f"/reports/?plan={plan.slug}").context["reports"]) == 1
