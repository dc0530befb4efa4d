"""The admin, scoped by city: a city admin administers their own city only.

Zibo's rows of every registered model are made first; then 示例市 (a MADE-UP city of the demo
files, marked 演示) is loaded with its admin, who must see none of Zibo's rows on any changelist
and get 404 (or 403) on every one of their change pages. The loop is over `admin.site._registry`,
so a model registered later without a scope, or without a Zibo row here, fails.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from departments.admin_site import CityScopedAdmin, InstallationWideAdmin
from departments.models import Role
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def zibo_rows(plan, zhangdian, staff_zhangdian, city_admin, open_round, head_sports, fitness_task,
              settings, tmp_path):  # fmt: skip
    """At least one of Zibo's rows of every model of the admin."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

    from ledger import ledger, notices
    from ledger.models import Delivery, LedgerChange, WebhookEndpoint
    from reports.models import EvaluationReport, Recipient, Report
    from targets import figures
    from targets.models import FigureChange, FigureImport, Reminder, ReportingPeriod, ReturnEmail

    settings.MEDIA_ROOT = tmp_path
    bases = target_named(plan, "区县典型性劳动教育基地")
    key = figures.Key(bases.pk, zhangdian.pk, 2024)
    figures.record(
        [figures.Entry(key, figures.FigureInput(value=Decimal(5)), figures.ABSENT)],
        user=staff_zhangdian, channel=FigureChange.Channel.FORM,
    )  # fmt: skip
    make_figure(target_named(plan, "学生体质健康测试优良率"), zhangdian, 2023)
    period = ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31)
    )
    Reminder.objects.create(period=period, district=zhangdian, sent_on=datetime.date(2025, 3, 1))
    ReturnEmail.objects.create(district=zhangdian, subject="【退回】张店区", state="sent")
    FigureImport.objects.create(
        uploaded_by=staff_zhangdian, filename="zhangdian.xlsx", content=b"", sha256="0" * 64,
        fingerprint="0" * 64,
    )  # fmt: skip
    Recipient.objects.create(district=zhangdian, name="张店区", email="zd@example.org")
    from tests.schools.helpers import make_school, make_statistics

    make_statistics(make_school(zhangdian), 2024, enrolled=100)
    from schools.models import StatisticsImport

    StatisticsImport.objects.create(
        uploaded_by=staff_zhangdian, filename="统计.xlsx", content=b"", school_year=2024,
        district=zhangdian,
    )  # fmt: skip
    Report.objects.create(
        plan=plan, district=zhangdian, month=datetime.date(2025, 6, 1), state="sent"
    )
    EvaluationReport.objects.create(plan=plan, year=2025, district=zhangdian, format="pdf")
    contribution = ledger.contribution_for(open_round, fitness_task, head_sports.role.department)
    ledger.add_attachment(contribution, SimpleUploadedFile("a.pdf", b"%PDF"), None)
    LedgerChange.objects.create(contribution=contribution, channel="form", action="created")
    ledger.report_for(open_round, fitness_task)
    robot = WebhookEndpoint.objects.create(
        district=zhangdian, kind="wecom", url="https://robot.example.org/zd"
    )
    notices.issue(
        plan, city_admin, subject="s", facts="f", requirements="r", district=zhangdian,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )  # fmt: skip
    Delivery.objects.create(key="zibo-robot", event="notice_issued", endpoint=robot, title="t",
                            body="b", state="sent")  # fmt: skip
    for record in (AccessAttempt, AccessLog, AccessFailureLog):
        fields = {"username": "staff-zhangdian", "ip_address": "10.0.0.1", "user_agent": "t"}
        if record is AccessAttempt:
            fields["failures_since_start"] = 5
        if record is not AccessFailureLog:
            fields["attempt_time"] = datetime.datetime.now(datetime.UTC)
        record.objects.create(**fields)
    from public import publication

    publication.publish(plan, user=city_admin)
    publication.withhold(target_named(plan, "学生体质健康测试优良率"), user=city_admin, reason="r")
    Group.objects.create(name="统计组")
    from departments import tokens
    from departments.models import ApiToken

    tokens.issue(ApiToken(user=staff_zhangdian, name="张店区统计系统"))
    ClockedSchedule.objects.create(clocked_time=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    SolarSchedule.objects.create(event="sunrise", latitude=36.8, longitude=118.05)
    IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    from targets import goals

    goals.decompose(target_named(plan, "学生体质健康测试合格率"), {zhangdian: Decimal(97)},
                    goals.Document("责任书", "1号"), city_admin, "form")  # fmt: skip
    goals.adjust(target_named(plan, "学生体质健康测试优良率"), value=Decimal(58), year=2025,
                 reason="r", document=goals.Document("批复", "2号"), user=city_admin,
                 channel="form")  # fmt: skip
    return {model: set(model._default_manager.values_list("pk", flat=True))
            for model in admin.site._registry}  # fmt: skip


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_is_scoped_by_city_or_the_superusers():
    loose = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CityScopedAdmin | InstallationWideAdmin)
        or (isinstance(model_admin, CityScopedAdmin) and not model_admin.city)
    ]
    assert loose == [], "give these admins a city scope (departments.admin_site)"


def test_another_citys_admin_sees_none_of_zibos_rows_on_any_model(client, request, zibo_rows):
    for model, pks in zibo_rows.items():
        assert pks, f"make a Zibo row of {model._meta.label} in zibo_rows"
    client.force_login(request.getfixturevalue("admin_shili"))  # loads 示例市 after Zibo
    wrong = []
    for model, pks in zibo_rows.items():
        model_admin = admin.site._registry[model]
        listing = client.get(_url(model, "changelist"))
        reads = isinstance(model_admin, CityScopedAdmin) or model_admin.city_admin_reads
        if not reads:
            if listing.status_code != 403:
                wrong.append(f"{model._meta.label} changelist: {listing.status_code}, not 403")
            continue
        shown = {obj.pk for obj in listing.context["cl"].result_list}
        if listing.status_code != 200 or (isinstance(model_admin, CityScopedAdmin) and shown & pks):
            wrong.append(f"{model._meta.label} changelist: {listing.status_code}, Zibo's rows")
        for pk in pks:
            page = client.get(_url(model, "change", pk))
            if isinstance(model_admin, CityScopedAdmin) and page.status_code != 404:
                wrong.append(f"{model._meta.label} {pk}: {page.status_code}, not 404")
            if isinstance(model_admin, InstallationWideAdmin):  # read, never changed
                posted = client.post(_url(model, "change", pk), {})
                if page.status_code != 200 or posted.status_code != 403:
                    wrong.append(f"{model._meta.label} {pk}: {page.status_code} then "
                                 f"{posted.status_code}, not 200 then 403")  # fmt: skip
    assert wrong == []


def test_a_city_admin_still_administers_their_own_city(client, city_admin, zibo_rows):
    """Zibo's admin sees Zibo's rows: the scope is a city, not an empty admin."""
    from plans.models import Plan
    from targets.models import Figure

    client.force_login(city_admin)
    for model in (Plan, Figure, Role):
        shown = {obj.pk for obj in client.get(_url(model, "changelist")).context["cl"].result_list}
        assert shown and shown <= zibo_rows[model], model
    figure = Figure.objects.first()
    assert client.get(_url(Figure, "change", figure.pk)).status_code == 200


def test_a_superuser_sees_every_city(client, zibo_rows, shili_plan):
    from django.contrib.auth.models import User

    from plans.models import Plan

    root = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(root)
    shown = {obj.pk for obj in client.get(_url(Plan, "changelist")).context["cl"].result_list}
    assert shown == set(Plan.objects.values_list("pk", flat=True)) and shili_plan.pk in shown


def test_a_city_admin_cannot_add_into_another_city(client, plan, admin_shili, shili_plan):
    from departments.models import District

    client.force_login(admin_shili)
    before = District.objects.count()
    response = client.post(
        _url(District, "add"),
        {"city": plan.city.pk, "name": "假区", "slug": "fake", "kind": "district", "order": 1},
    )
    assert response.status_code == 200 and "city" in response.context["adminform"].form.errors
    assert District.objects.count() == before
    # the foreign keys offer the admin's own city's rows only
    form = client.get(_url(District, "add")).context["adminform"].form
    assert list(form.fields["city"].queryset) == [shili_plan.city]


def test_a_city_admin_grants_no_province_role_and_makes_no_superuser(
    client, admin_shili, staff_shili
):
    from django.contrib.auth.models import User

    client.force_login(admin_shili)
    form = client.get(_url(Role, "add")).context["adminform"].form
    assert Role.Kind.PROVINCE not in dict(form.fields["kind"].choices)
    page = client.get(_url(User, "change", staff_shili.pk))
    assert "is_superuser" not in page.context["adminform"].form.fields
    superuser = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    assert client.get(_url(User, "change", superuser.pk)).status_code == 404


def test_a_city_admin_loads_no_plan_of_another_city(client, admin_shili, plan):
    from django.conf import settings

    client.force_login(admin_shili)
    zibo = (settings.BASE_DIR / "fixtures" / "plans" / "zibo-2021-2025.yaml").read_bytes()
    response = client.post(
        "/admin/plans/plan/draft/", {"draft": SimpleUploadedFile("zibo.yaml", zibo)}
    )
    assert response.status_code == 422
    assert "淄博市" in response.content.decode()


def test_a_city_admin_creates_accounts_with_a_role_of_their_city(client, admin_shili, shili_plan):
    from django.contrib.auth.models import User

    client.force_login(admin_shili)
    data = {"username": "new-staff", "password1": "a-Long-pw-123", "password2": "a-Long-pw-123",
            "usable_password": "true", "role-TOTAL_FORMS": "0", "role-INITIAL_FORMS": "0",
            "role-MIN_NUM_FORMS": "1", "role-MAX_NUM_FORMS": "1"}  # fmt: skip
    response = client.post(_url(User, "add"), data)
    assert response.status_code == 200 and not User.objects.filter(username="new-staff").exists()


def test_a_city_admin_runs_no_action_on_the_installations_schedules(client, city_admin):
    from django_celery_beat.models import PeriodicTask

    client.force_login(city_admin)
    task = PeriodicTask.objects.filter(enabled=True).first()
    response = client.post(
        _url(PeriodicTask, "changelist"),
        {"action": "disable_tasks", "_selected_action": [task.pk]},
    )
    assert response.status_code in (200, 302)
    assert PeriodicTask.objects.get(pk=task.pk).enabled
    assert client.get(_url(PeriodicTask, "changelist")).context["action_form"] is None


def test_the_admin_header_names_the_users_city(client, shili_plan, plan):
    from django.contrib.auth.models import User

    from departments.models import Role

    user = User.objects.create_user("admin-of-shili", is_staff=True)
    Role.objects.create(user=user, kind=Role.Kind.CITY_ADMIN, city=shili_plan.city)
    client.force_login(user)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "示例市(演示)教育规划管理后台" in page and "淄博" not in page
    superuser = User.objects.create_superuser("root-of-all")
    client.force_login(superuser)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "教育规划管理后台" in page and "示例市(演示)教育规划管理后台" not in page


def test_a_city_admin_unlocks_accounts_but_deletes_no_sign_in_log(client, city_admin, zibo_rows):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client.force_login(city_admin)
    attempt = AccessAttempt.objects.get(username="staff-zhangdian")
    assert client.get(_url(AccessAttempt, "delete", attempt.pk)).status_code == 200  # unlock
    for log in (AccessLog, AccessFailureLog):
        row = log.objects.get(username="staff-zhangdian")
        assert client.get(_url(log, "change", row.pk)).status_code == 200  # read
        assert client.get(_url(log, "delete", row.pk)).status_code == 403
        assert client.post(_url(log, "delete", row.pk), {"post": "yes"}).status_code == 403
        assert log.objects.filter(pk=row.pk).exists()
