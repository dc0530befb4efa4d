"""The ledger's access rules ask departments.access for every role rule: one definition of the city
admin (superusers included), of a district's staff and of a department's head, so the ledger and
the figures' pages never disagree. The second city is 示例市(演示), MADE UP (fixtures/demo/)."""

import datetime

import pytest
from django.contrib.auth.models import User

from departments import access
from ledger import access as ledger_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")


def test_the_ledger_has_no_role_rule_of_its_own():
    assert ledger_access.is_city_admin is access.is_city_admin
    assert ledger_access.department_of is access.headed_department
    assert not hasattr(ledger_access, "district_of")


@pytest.mark.parametrize(
    ("role", "admin"),
    [("superuser", True), ("city_admin", True), ("admin_shili", True), ("province", False),
     ("staff_zhangdian", False), ("department_head", False)],
)  # fmt: skip
def test_who_manages_the_ledger_is_who_administers_the_figures(request, role, admin):
    user = request.getfixturevalue(role)
    assert ledger_access.may_manage(user) is admin is access.is_city_admin(user)
    assert ledger_access.may_see_ledger(user) and ledger_access.may_have_inbox(user)


def test_a_superuser_opens_the_ledger_and_reads_every_citys_notices(
    client, superuser, plan, city_admin, zhangdian, shili_plan
):
    from ledger import notices

    notice = notices.issue(
        plan, city_admin, subject="s", facts="f", requirements="r", district=zhangdian,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )  # fmt: skip
    client.force_login(superuser)
    for url in ("/ledger/", "/ledger/inbox/", "/ledger/rounds/", f"/notices/{notice.pk}/"):
        assert client.get(url).status_code == 200, url
    assert list(ledger_access.notices_for(superuser)) == [notice]


def test_district_staff_see_and_answer_their_districts_notices_only(
    plan, city_admin, zhangdian, zichuan, staff_zhangdian, staff_zichuan
):
    from ledger import notices

    deadline = datetime.date.today() + datetime.timedelta(days=10)
    ours = notices.issue(plan, city_admin, subject="s", facts="f", requirements="r",
                         district=zhangdian, reply_deadline=deadline)  # fmt: skip
    assert list(ledger_access.notices_for(staff_zhangdian)) == [ours]
    assert ledger_access.may_reply(staff_zhangdian, ours)
    assert not ledger_access.may_reply(staff_zichuan, ours)
    assert list(ledger_access.notices_for(staff_zichuan)) == []


@pytest.mark.parametrize(
    ("role", "sees"),
    [("city_admin", {"zibo-2021-2025"}), ("department_head", {"zibo-2021-2025"}),
     ("admin_shili", {"demo-shili-2021-2025"}), ("staff_shili", set()),  # its district only
     ("province", {"zibo-2021-2025", "demo-shili-2021-2025"}),
     ("superuser", {"zibo-2021-2025", "demo-shili-2021-2025"})],
)  # fmt: skip
def test_the_evaluation_archive_shows_each_user_their_citys_reports(
    request, plan, shili_plan, role, sees
):
    from reports.access import evaluations_for
    from reports.models import EvaluationReport

    for each in (plan, shili_plan):
        EvaluationReport.objects.create(plan=each, year=2025, format="pdf", state="done")
    user = request.getfixturevalue(role)
    assert {r.plan.slug for r in evaluations_for(user)} == sees


def test_another_citys_evaluation_report_is_not_found(client, plan, admin_shili):
    from reports.models import EvaluationReport

    report = EvaluationReport.objects.create(
        plan=plan, year=2025, format="pdf", state="done", file=b"%PDF-"
    )
    client.force_login(admin_shili)
    assert client.get(f"/evaluation/reports/{report.pk}/download/").status_code == 404
