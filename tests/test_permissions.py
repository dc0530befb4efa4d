"""Every URL, every role: the expected answer. One table, so a new view cannot slip through.

Roles: anonymous, staff of 张店区, staff of 淄川区 (the outsider for 张店区's data), the head of
市教育局 (lead department of every target), the city admin. 302 to the login page for anonymous
users where a page needs an account; 404 for data outside the user's scope; 403 for data the user
may see but not change.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import get_resolver

from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_zhangdian", "staff_zichuan", "department_head", "city_admin"]

#        url                                   anon  zhangdian zichuan head  admin
MATRIX = [
    ("/",                                       302,  302,      302,    302,  302),
    ("/plans/zibo-2021-2025/",                  200,  200,      200,    200,  200),
    ("/plans/zibo-2021-2025/tasks/2-1-4/",      200,  200,      200,    200,  200),
    ("/targets/",                               200,  200,      200,    200,  200),
    ("/departments/",                           200,  200,      200,    200,  200),
    ("/departments/{department}/",              200,  200,      200,    200,  200),
    ("/districts/",                             200,  200,      200,    200,  200),
    ("/districts/zhangdian/",                   200,  200,      200,    200,  200),
    ("/api/plan/",                              200,  200,      200,    200,  200),
    ("/api/targets/",                           200,  200,      200,    200,  200),
    ("/api/districts/",                         200,  200,      200,    200,  200),
    ("/api/figures/",                           401,  200,      200,    200,  200),
    ("/api/figures/?district=zhangdian",        401,  200,      200,    200,  200),
    ("/healthz",                                200,  200,      200,    200,  200),
    ("/accounts/login/",                        200,  200,      200,    200,  200),
    ("/entry/",                                 302,  302,      302,    403,  302),
    ("/entry/zhangdian/2024/",                  302,  200,      404,    403,  200),
    ("/entry/city/2024/",                       302,  404,      404,    403,  200),
    ("/entry/zhangdian/2024/template.xlsx",     302,  200,      404,    403,  200),
    ("/entry/city/2024/template.xlsx",          302,  404,      404,    403,  200),
    ("/import/",                                302,  200,      200,    403,  200),
    ("/import/999/confirm/",                    302,  405,      405,    405,  405),
    ("/figures/{figure}/",                      302,  200,      404,    200,  200),
    ("/review/",                                302,  403,      403,    200,  200),
    ("/progress/",                              302,  200,      200,    200,  200),
    ("/progress/heatmap/",                      302,  200,      200,    200,  200),
    ("/progress/targets/{target}/",             302,  200,      200,    200,  200),
    ("/progress/districts/zhangdian/",          302,  200,      404,    200,  200),
    ("/progress/departments/{department}/",     302,  403,      403,    200,  200),
    ("/api/progress/",                          401,  200,      200,    200,  200),
    ("/reports/",                               302,  200,      200,    200,  200),
    ("/reports/{report}/pdf/",                  302,  200,      404,    200,  200),
    ("/reports/generate/",                      302,  405,      405,    405,  405),
    ("/completeness/",                          302,  302,      302,    302,  302),
    ("/completeness/2024/",                     302,  200,      200,    200,  200),
    ("/admin/",                                 302,  302,      302,    302,  200),
    ("/admin/targets/figure/",                  302,  302,      302,    302,  200),
    # the task ledger and supervision notices (head: 市教育局, lead of 二(一)4; notice: to 张店区)
    ("/ledger/",                                302,  200,      200,    200,  200),
    ("/ledger/?_export=csv",                    302,  200,      200,    200,  200),
    ("/ledger/?_export=xlsx",                   302,  200,      200,    200,  200),
    ("/ledger/inbox/",                          302,  200,      200,    200,  200),
    ("/ledger/rounds/",                         302,  403,      403,    403,  200),
    ("/ledger/rounds/{round}/open/",            302,  405,      405,    405,  405),
    ("/ledger/tasks/{task}/",                   302,  200,      200,    200,  200),
    ("/ledger/tasks/999999/",                   302,  404,      404,    404,  404),
    ("/ledger/rounds/{round}/tasks/{task}/contribution/", 302, 403, 403, 403, 403),
    ("/ledger/rounds/{round}/tasks/{task}/report/",       302, 200, 200, 200, 200),
    ("/ledger/rounds/{round}/tasks/{task}/review/",       302, 405, 405, 405, 405),
    ("/ledger/attachments/{attachment}/",       302,  404,      404,    200,  200),
    ("/ledger/attachments/{attachment}/delete/", 302, 405,      405,    405,  405),
    ("/notices/",                               302,  200,      200,    200,  200),
    ("/notices/new/",                           302,  403,      403,    403,  200),
    ("/notices/{notice}/",                      302,  200,      404,    404,  200),
    ("/notices/{notice}/review/",               302,  405,      405,    405,  405),
    ("/notices/{notice}/pdf/",                  302,  200,      404,    404,  200),
    ("/api/tasks/",                             401,  200,      200,    200,  200),
    ("/api/notices/",                           401,  200,      200,    200,  200),
    ("/api/contributions/",                     405,  405,      405,    405,  405),
]  # fmt: skip


@pytest.fixture
def figure(plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    return make_figure(
        fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10), state="submitted"
    )


@pytest.fixture
def ledger_ids(
    plan, zhangdian, city_admin, head_sports, fitness_task, open_round, settings, tmp_path
):
    """A round, the task 二(一)4, a notice to 张店区, 市体育局's attachment to 二(一)4."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans import ledger, notices

    settings.MEDIA_ROOT = tmp_path
    contribution = ledger.contribution_for(open_round, fitness_task, head_sports.role.department)
    attachment = ledger.add_attachment(contribution, SimpleUploadedFile("a.pdf", b"%PDF"), None)
    notice = notices.issue(
        plan, city_admin, subject="s", facts="f", requirements="r", district=zhangdian,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )  # fmt: skip
    return {"round": open_round.pk, "task": fitness_task.pk, "notice": notice.pk,
            "attachment": attachment.pk}  # fmt: skip


@pytest.fixture
def as_role(client, request):
    def login(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(
    as_role, role, figure, education_bureau, zhangdian, ledger_ids
):
    from reports.models import Report

    report = Report.objects.create(
        district=zhangdian, month=datetime.date(2025, 6, 1), pdf=b"%PDF-", state="sent"
    ).pk
    client = as_role(role)
    column = ROLES.index(role) + 1
    for row in MATRIX:
        url = row[0].format(
            figure=figure.pk,
            department=education_bureau.pk,
            target=figure.target_id,
            report=report,
            **ledger_ids,
        )
        response = client.get(url)
        assert response.status_code == row[column], f"{role} GET {url}"
        if (
            response.status_code == 302
            and role == "anonymous"
            and url not in ("/", "/completeness/")
        ):
            assert "/login/" in response["Location"], url


def test_the_matrix_covers_every_url_pattern():
    """A view added without a row here fails this test."""
    patterns = {str(p.pattern) for p in get_resolver().url_patterns}
    covered = {"", "plans/<slug:slug>/", "plans/<slug:slug>/tasks/<slug:task_slug>/"}
    ignored = {"i18n/", "admin/", "accounts/logout/"}
    listed = {row[0] for row in MATRIX}
    for pattern in patterns - covered - ignored:
        prefix = pattern.split("<")[0]
        assert any(url.lstrip("/").startswith(prefix) for url in listed), pattern


@pytest.mark.parametrize(
    ("role", "action", "status"),
    [
        ("staff_zhangdian", "approve", 403),
        ("staff_zichuan", "approve", 404),
        ("department_head", "approve", 302),
        ("city_admin", "approve", 302),
        ("staff_zhangdian", "reopen", 403),
        ("department_head", "reopen", 403),
    ],
)
def test_review_actions_need_the_right_role(as_role, figure, role, action, status):
    response = as_role(role).post(f"/figures/{figure.pk}/", {"action": action, "reason": "r"})
    assert response.status_code == status


def test_a_co_operating_department_head_sees_but_cannot_review(client, plan, figure):
    from departments.models import Role
    from tests.conftest import make_user

    health = plan.city.departments.get(name="市卫生健康委")
    client.force_login(make_user("head-health", Role.Kind.DEPARTMENT_HEAD, department=health))
    assert client.get(f"/figures/{figure.pk}/").status_code == 200
    assert client.post(f"/figures/{figure.pk}/", {"action": "approve"}).status_code == 403
    assert client.get("/review/").context["figures"].count() == 0


def test_staff_cannot_post_into_another_district(as_role, plan):
    bases = target_named(plan, "区县典型性劳动教育基地")
    response = as_role("staff_zichuan").post(
        "/entry/zhangdian/2024/", {f"t{bases.pk}-value": "5", "action": "save"}
    )
    assert response.status_code == 404


#        url (the task ledger)                           co-operating 市体育局, not involved 市外办
LEDGER_MATRIX = [
    ("/ledger/",                                               200,  200),
    ("/ledger/inbox/",                                         200,  200),
    ("/ledger/rounds/",                                        403,  403),
    ("/ledger/tasks/{task}/",                                  200,  200),
    ("/ledger/rounds/{round}/tasks/{task}/contribution/",      200,  403),
    ("/ledger/rounds/{round}/tasks/{task}/report/",            200,  200),
    ("/ledger/attachments/{attachment}/",                      200,  404),
    ("/notices/",                                              200,  200),
    ("/notices/new/",                                          403,  403),
    ("/notices/{notice}/",                                     404,  404),
    ("/notices/{notice}/pdf/",                                 404,  404),
    ("/api/tasks/",                                            200,  200),
    ("/api/notices/",                                          200,  200),
]  # fmt: skip


@pytest.mark.parametrize("role", ["head_sports", "head_uninvolved"])
def test_ledger_urls_for_a_co_operating_and_an_uninvolved_department(
    client, request, role, ledger_ids
):
    client.force_login(request.getfixturevalue(role))
    column = 1 if role == "head_sports" else 2
    for row in LEDGER_MATRIX:
        url = row[0].format(**ledger_ids)
        assert client.get(url).status_code == row[column], f"{role} GET {url}"
