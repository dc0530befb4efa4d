"""Every URL, every role: the expected answer. One table, keyed by URL name, so a new view cannot
slip through; and every POST action for every role, with nothing changed when it is refused.

Roles: anonymous, staff of 张店区, staff of 淄川区 (the outsider for 张店区's data), the head of
市教育局 (lead department of every target), the city admin. 302 to the login page for anonymous
users where a page needs an account; 404 for data outside the user's scope; 403 for data the user
may see but not change, or a page their role has no use for.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from tests.conftest import make_figure, target_named
from tests.zibo_edu.test_security_headers import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_zhangdian", "staff_zichuan", "department_head", "city_admin"]

#   URL name                  url                                     anon  zhangd zich  head  admin
MATRIX = [
    ("home",                  "/",                                     302,  302,  302,  302,  302),
    ("plan_detail",           "/plans/zibo-2021-2025/",                200,  200,  200,  200,  200),
    ("province",              "/province/",                            302,  403,  403,  403,  403),
    ("task_detail",           "/plans/zibo-2021-2025/tasks/2-1-4/",    200,  200,  200,  200,  200),
    ("target_list",           "/targets/",                             200,  200,  200,  200,  200),
    ("search",                "/search/?q=张店",                      200,  200,  200,  200,  200),
    ("search",                "/search/?q=督办",                      200,  200,  200,  200,  200),
    ("help",                  "/help/",                                302,  200,  200,  200,  200),
    ("department_list",       "/departments/",                         200,  200,  200,  200,  200),
    ("department_detail",     "/departments/{department}/",            200,  200,  200,  200,  200),
    ("district_list",         "/districts/",                           200,  200,  200,  200,  200),
    ("district_detail",       "/districts/zhangdian/",                 200,  200,  200,  200,  200),
    ("api:plan",              "/api/plan/",                            200,  200,  200,  200,  200),
    ("api:openapi-json",      "/api/openapi.json",                     200,  200,  200,  200,  200),
    ("api:api-root",          "/api/",                                 404,  404,  404,  404,  404),
    ("api:targets",           "/api/targets/",                         200,  200,  200,  200,  200),
    ("api:districts",         "/api/districts/",                       200,  200,  200,  200,  200),
    ("api:figures",           "/api/figures/",                         401,  200,  200,  200,  200),
    ("api:figures",           "/api/figures/?district=zhangdian",      401,  200,  200,  200,  200),
    ("status_css",            "/assets/status.css",                    200,  200,  200,  200,  200),
    ("healthz",               "/healthz",                              200,  200,  200,  200,  200),
    ("login",                 "/accounts/login/",                      200,  200,  200,  200,  200),
    ("logout",                "/accounts/logout/",                     405,  405,  405,  405,  405),
    ("set_language",          "/i18n/setlang/",                        302,  302,  302,  302,  302),
    ("entry_start",           "/entry/",                               302,  302,  302,  403,  302),
    ("figure_entry",          "/entry/zhangdian/2024/",                302,  200,  404,  403,  200),
    ("figure_entry",          "/entry/city/2024/",                     302,  404,  404,  403,  200),
    ("figure_template",       "/entry/zhangdian/2024/template.xlsx",   302,  200,  404,  403,  200),
    ("figure_template",       "/entry/city/2024/template.xlsx",        302,  404,  404,  403,  200),
    ("figure_import",         "/import/",                              302,  200,  200,  403,  200),
    ("import_confirm",        "/import/999/confirm/",                  302,  405,  405,  405,  405),
    ("figure_detail",         "/figures/{figure}/",                    302,  200,  404,  200,  200),
    ("review_list",           "/review/",                              302,  403,  403,  200,  200),
    ("progress_overview",     "/progress/",                            302,  200,  200,  200,  200),
    ("progress_heatmap",      "/progress/heatmap/",                    302,  200,  200,  200,  200),
    ("progress_target",       "/progress/targets/{target}/",           302,  200,  200,  200,  200),
    ("goal_decomposition",    "/progress/targets/{target}/decomposition/", 302, 403, 403, 403, 200),
    ("goal_decomposition_template", "/progress/targets/{target}/decomposition/template.xlsx",
                                                                       302,  403,  403,  403,  200),
    ("goal_decomposition_upload", "/progress/targets/{target}/decomposition/upload/",
                                                                       302,  405,  405,  405,  405),
    ("goal_adjustment",       "/progress/targets/{target}/adjustment/",
                                                                       302,  403,  403,  403,  200),
    ("goal_document",         "/progress/targets/{target}/documents/adjustment/999/",
                                                                       302,  404,  404,  404,  404),
    ("progress_district",     "/progress/districts/zhangdian/",        302,  200,  404,  200,  200),
    ("progress_department",   "/progress/departments/{department}/",   302,  403,  403,  200,  200),
    ("api:progress",          "/api/progress/",                        401,  200,  200,  200,  200),
    ("report_list",           "/reports/",                             302,  200,  200,  200,  200),
    ("report_pdf",            "/reports/{report}/pdf/",                302,  200,  404,  200,  200),
    ("report_generate",       "/reports/generate/",                    302,  405,  405,  405,  405),
    ("evaluation_start",      "/evaluation/",                          302,  302,  302,  302,  302),
    ("evaluation",            "/evaluation/zibo-2021-2025/",           302,  200,  200,  200,  200),
    ("evaluation",            "/evaluation/zibo-2021-2025/?district=zhangdian", 302, 200, 200, 200, 200),  # noqa: E501
    ("evaluation_build",      "/evaluation/zibo-2021-2025/build/",     302,  405,  405,  405,  405),
    ("evaluation_download",   "/evaluation/reports/{evaluation}/download/", 302, 200, 404, 200, 200),  # noqa: E501
    ("evaluation",            "/evaluation/no-such-plan/",             302,  404,  404,  404,  404),
    ("admin:reports_evaluationreport_changelist", "/admin/reports/evaluationreport/", 302, 302, 302, 302, 200),  # noqa: E501
    ("completeness_latest",   "/completeness/",                        302,  302,  302,  302,  302),
    ("completeness",          "/completeness/2024/",                   302,  200,  200,  200,  200),
    ("completeness_remind",   "/completeness/2024/remind/zhangdian/",  302,  405,  405,  405,  405),
    ("admin:index",           "/admin/",                               302,  302,  302,  302,  200),
    ("admin:targets_figure_changelist", "/admin/targets/figure/",      302,  302,  302,  302,  200),
    ("admin:plans_plan_draft", "/admin/plans/plan/draft/",          302,  302,  302,  302,  200),
    ("admin:targets_figure_change", "/admin/targets/figure/{figure}/change/", 302, 302, 302, 302, 200),  # noqa: E501
    ("admin:reports_report_change", "/admin/reports/report/{report}/change/", 302, 302, 302, 302, 200),  # noqa: E501
    ("schools_home",          "/schools/",                             302,  302,  302,  200,  200),
    ("district_schools",      "/schools/districts/zhangdian/",         302,  200,  404,  200,  200),
    ("district_schools",      "/schools/districts/zhangdian/?_export=csv", 302, 200, 404, 200, 200),
    ("school_detail",         "/schools/3703999999/",                  302,  404,  404,  404,  404),
    ("indicator_detail",      "/indicators/kindergarten-public-share/", 302, 200,  200,  200,  200),
    ("statistics_import",     "/schools/import/",                      302,  200,  200,  403,  200),
    ("statistics_template",   "/schools/import/template.xlsx?year=2024", 302, 200, 200,  403,  200),
    ("statistics_import_confirm", "/schools/import/999/confirm/",     302,  405,  405,  405,  405),
    ("take_derived",          "/schools/reconcile/{target}/zhangdian/2024/take/", 302, 405, 405, 405, 405),  # noqa: E501
    ("admin:schools_school_changelist", "/admin/schools/school/",      302,  302,  302,  302,  200),
    ("admin:schools_schoolyearstatistics_changelist", "/admin/schools/schoolyearstatistics/", 302, 302, 302, 302, 200),  # noqa: E501
    # the task ledger and supervision notices (head: 市教育局, lead of 二(一)4; notice: to 张店区)
    ("ledger",                "/ledger/",                              302,  200,  200,  200,  200),
    ("ledger",                "/ledger/?_export=csv",                  302,  200,  200,  200,  200),
    ("ledger",                "/ledger/?_export=xlsx",                 302,  200,  200,  200,  200),
    ("ledger_inbox",          "/ledger/inbox/",                        302,  200,  200,  200,  200),
    ("ledger_rounds",         "/ledger/rounds/",                       302,  403,  403,  403,  200),
    ("ledger_round_open",     "/ledger/rounds/{round}/open/",          302,  405,  405,  405,  405),
    ("ledger_task",           "/ledger/tasks/{task}/",                 302,  200,  200,  200,  200),
    ("ledger_task",           "/ledger/tasks/999999/",                 302,  404,  404,  404,  404),
    ("ledger_contribution",   "/ledger/rounds/{round}/tasks/{task}/contribution/", 302, 403, 403, 403, 403),  # noqa: E501
    ("ledger_report",         "/ledger/rounds/{round}/tasks/{task}/report/",       302, 200, 200, 200, 200),  # noqa: E501
    ("ledger_report_review",  "/ledger/rounds/{round}/tasks/{task}/review/",       302, 405, 405, 405, 405),  # noqa: E501
    ("ledger_attachment",     "/ledger/attachments/{attachment}/",     302,  404,  404,  200,  200),
    ("ledger_attachment_delete", "/ledger/attachments/{attachment}/delete/", 302, 405, 405, 405, 405),  # noqa: E501
    ("notice_list",           "/notices/",                             302,  200,  200,  200,  200),
    ("notice_new",            "/notices/new/",                         302,  403,  403,  403,  200),
    ("notice_detail",         "/notices/{notice}/",                    302,  200,  404,  404,  200),
    ("notice_review",         "/notices/{notice}/review/",             302,  405,  405,  405,  405),
    ("notice_pdf",            "/notices/{notice}/pdf/",                302,  200,  404,  404,  200),
    ("api:tasks",             "/api/tasks/",                           401,  200,  200,  200,  200),
    ("api:notices",           "/api/notices/",                         401,  200,  200,  200,  200),
    ("api:contributions",     "/api/contributions/",                   405,  405,  405,  405,  405),
    ("api:schools",           "/api/schools/",                         401,  200,  200,  200,  200),
    ("api:schools",           "/api/schools/?district=zhangdian",      401,  200,  404,  200,  200),
    ("api:indicators",        "/api/indicators/",                      401,  200,  200,  200,  200),
    # county 督导 evaluations: staff their county; the items are the city admin's to record
    ("inspections_home",      "/inspections/",                         302,  302,  302,  302,  302),
    ("inspections_city",      "/inspections/balanced/",                302,  302,  302,  200,  200),
    ("inspections_city",      "/inspections/preschool/?year=2024",     302,  302,  302,  200,  200),
    ("inspections_city",      "/inspections/no-such-kind/",            302,  404,  404,  404,  404),
    ("inspections_county",    "/inspections/balanced/zhangdian/",      302,  200,  404,  200,  200),
    ("inspections_county",    "/inspections/preschool/zhangdian/",     302,  200,  404,  200,  200),
    ("inspections_county",    "/inspections/balanced/zhangdian/?year=x", 302, 400, 404,  400,  400),
    ("inspections_items",     "/inspections/balanced/zhangdian/items/", 302, 403,  404,  403,  200),
    ("inspections_report",    "/inspections/balanced/zhangdian/report.xlsx", 302, 200, 404, 200, 200),  # noqa: E501
    ("inspections_evidence",  "/inspections/evidence/{evidence}/",     302,  200,  404,  200,  200),
    ("api:inspections_balanced", "/api/inspections/balanced/?district=zhangdian", 401, 200, 404, 200, 200),  # noqa: E501
    ("api:inspections_preschool", "/api/inspections/preschool/?district=zhangdian&year=2024", 401, 200, 404, 200, 200),  # noqa: E501
    # school places and cohorts (学龄人口预测): staff see their district; births entered by
    # the district's staff and the city admin
    ("projections_home",      "/projections/",                         302,  302,  302,  200,  200),
    ("projections_home",      "/projections/?_export=csv",             302,  200,  200,  200,  200),
    ("projections_district",  "/projections/districts/zhangdian/",     302,  200,  404,  200,  200),
    ("projections_district",  "/projections/districts/zhangdian/?_export=xlsx", 302, 200, 404, 200, 200),  # noqa: E501
    ("projections_births",    "/projections/births/",                  302,  200,  200,  200,  200),
    ("projections_births",    "/projections/births/?_export=csv",      302,  200,  200,  200,  200),
    ("projections_births_import", "/projections/births/import/",       302,  405,  405,  405,  405),
    ("api:projections",       "/api/projections/",                     401,  200,  200,  200,  200),
    ("api:projections",       "/api/projections/?district=zhangdian",  401,  200,  404,  200,  200),
    # the public pages (政务公开) of the published plan: the same for everyone; the preview is
    # the city admin's
    ("public_plan",           "/public/zibo-2021-2025/",               200,  200,  200,  200,  200),
    ("public_plan_table",     "/public/zibo-2021-2025/targets.csv",    200,  200,  200,  200,  200),
    ("public_data",           "/public/zibo-2021-2025/data.json",      200,  200,  200,  200,  200),
    ("public_target",         "/public/zibo-2021-2025/targets/student-fitness-good-rate/", 200, 200, 200, 200, 200),  # noqa: E501
    ("public_target_table",   "/public/zibo-2021-2025/targets/student-fitness-good-rate.json", 200, 200, 200, 200, 200),  # noqa: E501
    ("public_district",       "/public/zibo-2021-2025/districts/zhangdian/", 200, 200, 200, 200, 200),  # noqa: E501
    ("public_district_table", "/public/zibo-2021-2025/districts/zhangdian.csv", 200, 200, 200, 200, 200),  # noqa: E501
    ("public_document",       "/public/zibo-2021-2025/documents/final-2025.pdf", 404, 404, 404, 404, 404),  # noqa: E501  (none published)
    ("public_plan",           "/public/zibo-2021-2025/?print=1",       200,  200,  200,  200,  200),
    ("public_preview",        "/public/zibo-2021-2025/preview/",       302,  404,  404,  404,  200),
    ("api:public_plan",       "/api/public/zibo-2021-2025",            200,  200,  200,  200,  200),
    ("api:public_data",       "/api/public/zibo-2021-2025/data",       200,  200,  200,  200,  200),
    ("api:public_target",     "/api/public/zibo-2021-2025/targets/student-fitness-good-rate", 200, 200, 200, 200, 200),  # noqa: E501
    ("api:public_district",   "/api/public/zibo-2021-2025/districts/zhangdian", 200, 200, 200, 200, 200),  # noqa: E501
]  # fmt: skip


@pytest.fixture
def published(plan, city_admin):
    """Zibo's plan published, its public pages answering (public.publication)."""
    from django.core.cache import cache

    from public import publication

    cache.clear()  # the public pages' cache and rate counters, of earlier tests
    publication.publish(plan, user=city_admin)
    return plan


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

    from ledger import ledger, notices

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
def inspection_ids(ledger_ids, zhangdian, city_admin):
    """A county item of 张店区 with an evidence file (MEDIA_ROOT in tmp, as ledger_ids sets)."""
    from inspections import items
    from inspections.models import CountyItem
    from inspections.standards import standard_for

    evidence = SimpleUploadedFile("e.pdf", b"%PDF-1.4 evidence")
    fields, files = {"government-1-status": "met"}, {"government-1-file": evidence}
    items.record(
        zhangdian, "balanced", 2024, standard_for("balanced", 2024), fields, files, city_admin
    )
    return {"evidence": CountyItem.objects.get(district=zhangdian, part="government").pk}


@pytest.fixture
def as_role(client, request):
    def login(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


@pytest.fixture
def report(plan, zhangdian):
    from reports.models import Report

    return Report.objects.create(
        plan=plan, district=zhangdian, month=datetime.date(2025, 6, 1), pdf=b"%PDF-", state="sent"
    )


@pytest.fixture
def evaluation(figure, zhangdian):
    from reports.models import EvaluationReport

    return EvaluationReport.objects.create(
        plan=figure.target.task.part.plan, year=2025, district=zhangdian, format="pdf",
        state="done", file=b"%PDF-",
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(
    as_role,
    role,
    figure,
    education_bureau,
    report,
    evaluation,
    ledger_ids,
    published,
    inspection_ids,
):
    client = as_role(role)
    column = ROLES.index(role) + 2
    for row in MATRIX:
        url = row[1].format(
            figure=figure.pk,
            department=education_bureau.pk,
            target=figure.target_id,
            report=report.pk,
            evaluation=evaluation.pk,
            **ledger_ids,
            **inspection_ids,
        )
        response = client.get(url)
        assert response.status_code == row[column], f"{role} GET {url}"
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            page = response.content.decode()  # CSP: nothing inline on any page
            for inline in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
                assert not inline.search(page), f"{role} GET {url}: inline {inline.pattern}"
        if (
            response.status_code == 302
            and role == "anonymous"
            and row[0] not in ("home", "completeness_latest", "set_language")
        ):
            assert "/login/" in response["Location"], url


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_the_matrix_names_every_url():
    """A view added without a row here fails this test (the admin's own pages aside)."""
    names = {name for name in _url_names(get_resolver().url_patterns)}
    ours = {name for name in names if not name.startswith("admin:")}
    listed = {row[0] for row in MATRIX}
    assert ours - listed == set(), "add a row to MATRIX for each of these URL names"
    assert listed - names == set(), "rows naming URLs that no longer exist"


# Every POST action, every role: the answer, and whether the data changed.
#          action           anon zhangdian zichuan head admin
POSTS = [
    ("approve",             302,  403,  404,  302,  302),
    ("return",              302,  403,  404,  302,  302),
    ("reopen",              302,  403,  404,  403,  302),
    ("restore",             302,  403,  404,  403,  302),
    ("bulk_approve",        302,  403,  403,  302,  302),
    ("bulk_return",         302,  403,  403,  302,  302),
    ("entry_save",          302,  302,  404,  403,  302),
    ("entry_submit",        302,  302,  404,  403,  302),
    ("api_save",            401,  201,  403,  403,  201),
    ("upload",              302,  200,  422,  403,  200),
    ("confirm",             302,  302,  404,  404,  404),
    ("generate",            302,  403,  403,  403,  302),
    ("remind",              302,  403,  403,  403,  302),
    ("inspection_items",    302,  403,  404,  403,  302),
    ("births_save",         302,  302,  422,  403,  302),
    ("births_import",       302,  302,  422,  403,  302),
    # the statistics import (a 张店区 workbook: its statistics and a new school) and taking
    # the derived value (公办幼儿园在园幼儿占比 of 张店区, 2024)
    ("statistics_upload",   302,  200,  422,  403,  200),
    ("statistics_confirm",  302,  302,  404,  404,  404),
    ("take_derived",        302,  302,  404,  403,  302),
    ("decompose",           302,  403,  403,  403,  302),
    ("decompose_upload",    302,  403,  403,  403,  200),
    ("adjust",              302,  403,  403,  403,  302),
]  # fmt: skip
# Allowed, these change figures (upload only previews; generate queues after the commit).
CHANGES = {"approve", "return", "reopen", "restore", "bulk_approve", "bulk_return",
           "entry_save", "entry_submit", "api_save", "confirm", "inspection_items",
           "births_save", "births_import", "statistics_confirm", "take_derived", "decompose",
           "adjust"}  # fmt: skip


def _snapshot():
    from inspections.models import CountyItem, CountyItemChange
    from projections.models import Births, BirthsChange
    from reports.models import Report
    from schools.models import School, SchoolChange, SchoolYearStatistics, StatisticsImport
    from targets.models import Figure, FigureChange, FigureImport, GoalChange, Target

    return (
        list(CountyItem.objects.order_by("pk").values_list("pk", "status", "value", "note")),
        CountyItemChange.objects.count(),
        list(Births.objects.order_by("pk").values_list("pk", "births")),
        BirthsChange.objects.count(),
        list(Target.objects.order_by("pk").values_list("pk", "value", "deadline_year")),
        list(GoalChange.objects.values_list("pk", flat=True)),
        list(
            Figure.objects.order_by("pk").values_list(
                "pk", "state", "version", "numerator", "denominator", "value"
            )
        ),
        FigureChange.objects.count(),
        FigureImport.objects.filter(applied_at__isnull=False).count(),
        Report.objects.count(),
        list(School.objects.order_by("pk").values_list("pk", "code", "name")),
        list(SchoolYearStatistics.objects.order_by("pk").values_list("pk", "enrolled")),
        SchoolChange.objects.count(),
        StatisticsImport.objects.filter(applied_at__isnull=False).count(),
    )


def _statistics_workbook(zhangdian) -> bytes:
    """A 张店区 workbook: one kindergarten's 在校生数, and a new school in the 学校名录."""
    from schools import workbook
    from schools.models import School

    school = School.objects.get(code="3703000901")
    book = load_workbook(io.BytesIO(workbook.build_template([school], 2024)))
    book["学生数"]["C2"] = 320
    new = ["3703000902", "张店区新建幼儿园", "公办", "公办园", "幼儿园", "城区"]
    new += ["", "", "", "张店区"]  # 核定学位, 开办日期, 撤销日期 blank; 区县
    book["学校名录"].append(new)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook_for(plan, district, code: str, value: int) -> bytes:
    from targets import workbook

    book = load_workbook(io.BytesIO(workbook.build_template(plan, [district], 2024)))
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=workbook.FIRST_ROW):
        if row[2].value == code:
            row[workbook.HEADERS.index("数值")].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _goal_workbook(plan) -> bytes:
    from departments.models import District
    from targets import goal_workbook

    fitness = target_named(plan, "学生体质健康测试优良率")
    districts = list(District.objects.filter(city=plan.city))
    book = load_workbook(io.BytesIO(goal_workbook.template(fitness, districts, {})))
    book.active["B2"] = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def post_action(plan, figure, zhangdian, staff_zhangdian, city_admin):
    """Prepares the data an action needs; returns a function that posts it with a client."""
    from django.test import Client

    from targets import figures
    from targets.models import Figure, FigureChange

    bases = target_named(plan, "区县典型性劳动教育基地")
    from schools.models import School, SchoolYearStatistics

    kindergarten = School.objects.create(
        code="3703000901", name="张店区实验幼儿园", district=zhangdian, ownership="public",
        inclusiveness="public", category="kindergarten", locality="urban",
    )  # fmt: skip
    SchoolYearStatistics.objects.create(school=kindergarten, school_year=2024, enrolled=300)

    def prepare(action: str):
        if action == "statistics_upload":
            return lambda c: c.post(
                "/schools/import/",
                {"year": "2024", "file": SimpleUploadedFile("统计.xlsx",
                                                            _statistics_workbook(zhangdian))},
            )  # fmt: skip
        if action == "statistics_confirm":
            uploader = Client()
            uploader.force_login(staff_zhangdian)
            content = _statistics_workbook(zhangdian)
            response = uploader.post(
                "/schools/import/",
                {"year": "2024", "file": SimpleUploadedFile("统计.xlsx", content)},
            )
            pending = response.context["pending"].pk
            return lambda c: c.post(f"/schools/import/{pending}/confirm/")
        if action == "take_derived":
            share = target_named(plan, "公办幼儿园在园幼儿占比")
            url = f"/schools/reconcile/{share.pk}/zhangdian/2024/take/"
            return lambda c: c.post(url, {"version": 0})
        if action == "reopen":
            Figure.objects.filter(pk=figure.pk).update(state=Figure.State.APPROVED)
        if action == "restore":
            for value in (5, 6):
                key = figures.Key(bases.pk, zhangdian.pk, 2024)
                seen = getattr(figures.existing([key]).get(key), "version", figures.ABSENT)
                figures.record(
                    [figures.Entry(key, figures.FigureInput(value=Decimal(value)), seen)],
                    user=staff_zhangdian, channel=FigureChange.Channel.FORM,
                )  # fmt: skip
            restored = Figure.objects.get(target=bases, district=zhangdian, year=2024)
            first = restored.changes.order_by("pk").first()
            return lambda c: c.post(
                f"/figures/{restored.pk}/",
                {"action": "restore", "change": first.pk, "confirmed": "yes"},
            )
        if action == "remind":
            from targets.models import ReportingPeriod

            ReportingPeriod.objects.create(
                plan=plan, year=2024, deadline=datetime.date(2025, 3, 31)
            )
            return lambda c: c.post("/completeness/2024/remind/zhangdian/")
        if action == "confirm":
            uploader = Client()
            uploader.force_login(staff_zhangdian)
            content = _workbook_for(plan, zhangdian, bases.code, 7)
            response = uploader.post(
                "/import/", {"file": SimpleUploadedFile("figures.xlsx", content)}
            )
            pending = response.context["pending"].pk
            return lambda c: c.post(f"/import/{pending}/confirm/")
        detail = f"/figures/{figure.pk}/"
        # the page shows the submitted figure at its version (an unseen one would be refused)
        entry_field = {f"t{bases.pk}-value": "5", f"t{figure.target_id}-version": figure.version}
        return {
            "approve": lambda c: c.post(detail, {"action": "approve"}),
            "return": lambda c: c.post(detail, {"action": "return", "reason": "核对分母"}),
            "reopen": lambda c: c.post(detail, {"action": "reopen", "reason": "更正"}),
            "bulk_approve": lambda c: c.post(
                "/review/", {"action": "approve", "figure": [figure.pk]}
            ),
            "bulk_return": lambda c: c.post(
                "/review/", {"action": "return", "figure": [figure.pk], "reason": "核对"}
            ),
            "entry_save": lambda c: c.post(
                "/entry/zhangdian/2024/", {**entry_field, "action": "save"}
            ),
            "entry_submit": lambda c: c.post(
                "/entry/zhangdian/2024/", {**entry_field, "action": "submit"}
            ),
            "api_save": lambda c: c.post(
                "/api/figures/",
                {"target": bases.code, "district": "zhangdian", "year": 2024, "value": 5},
                content_type="application/json",
            ),
            "upload": lambda c: c.post(
                "/import/",
                {
                    "file": SimpleUploadedFile(
                        "figures.xlsx", _workbook_for(plan, zhangdian, bases.code, 7)
                    )
                },
            ),
            "generate": lambda c: c.post("/reports/generate/", {"month": "2025-10"}),
            "inspection_items": lambda c: c.post(
                "/inspections/balanced/zhangdian/items/",
                {"year": "2024", "government-1-status": "met", "recognition-0-value": "90"},
            ),
            "births_save": lambda c: c.post(
                "/projections/births/", {"district": zhangdian.pk, "year": 2024, "births": 3000}
            ),
            "births_import": lambda c: c.post(
                "/projections/births/import/",
                {
                    "file": SimpleUploadedFile(
                        "births.csv", "区县,年份,出生人口\n张店区,2024,3000\n".encode()
                    )
                },
            ),
            "decompose": lambda c: c.post(
                f"/progress/targets/{figure.target_id}/decomposition/",
                {"d-zhangdian": "60", "title": "目标责任书", "number": "淄教发〔2023〕5号"},
            ),
            "decompose_upload": lambda c: c.post(
                f"/progress/targets/{figure.target_id}/decomposition/upload/",
                {"workbook": SimpleUploadedFile("goals.xlsx", _goal_workbook(plan))},
            ),
            "adjust": lambda c: c.post(
                f"/progress/targets/{figure.target_id}/adjustment/",
                {
                    "value": "58",
                    "deadline_year": "2025",
                    "reason": "省定标准提高",
                    "title": "关于调整规划指标的批复",
                    "number": "淄政字〔2024〕9号",
                },
            ),
        }[action]

    return prepare


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", POSTS, ids=[row[0] for row in POSTS])
def test_every_post_action_answers_each_role_and_changes_nothing_when_refused(
    as_role, post_action, role, row
):
    action, expected = row[0], row[ROLES.index(role) + 1]
    send = post_action(action)
    before = _snapshot()
    response = send(as_role(role))
    assert response.status_code == expected, f"{role} {action}"
    refused = role == "anonymous" or expected >= 400
    if refused:
        assert _snapshot() == before, f"{role} {action} was refused but changed data"
    elif action in CHANGES:
        assert _snapshot() != before, f"{role} {action} was allowed but changed nothing"


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


@pytest.mark.parametrize(
    ("role", "status", "district"),
    [
        ("anonymous", 302, None),
        ("staff_zhangdian", 302, "zhangdian"),  # asks for 淄川区, builds its own
        ("staff_zichuan", 302, "zichuan"),
        ("department_head", 302, "zichuan"),
        ("city_admin", 302, "zichuan"),
    ],
)
def test_building_an_evaluation_report_is_scoped(as_role, role, status, district, monkeypatch):
    from reports import tasks
    from reports.models import EvaluationReport

    monkeypatch.setattr(tasks.build_evaluation_report, "delay", lambda pk: None)
    response = as_role(role).post(
        "/evaluation/zibo-2021-2025/build/",
        {"format": "pdf", "year": "2025", "district": "zichuan"},
    )
    assert response.status_code == status
    report = EvaluationReport.objects.first()
    if district is None:
        assert "/login/" in response["Location"] and report is None
    else:
        assert report.district.slug == district and report.state == "queued"


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


# An ended plan (closed) is read-only for every role: each write is refused, nothing changes.
# Births (projections), the statistics and a county's 督导 evaluation items are the city's or the
# county's data, not a plan's (they serve the next plan too): an ended plan does not close them.
CITY_DATA = ("generate", "births_save", "births_import", "statistics_upload", "statistics_confirm",
             "inspection_items")  # fmt: skip
ENDED_WRITES = [row[0] for row in POSTS if row[0] not in CITY_DATA]


@pytest.mark.parametrize("action", ENDED_WRITES)
def test_an_ended_plan_refuses_every_write_even_the_city_admins(as_role, post_action, plan, action):
    from plans.models import Plan

    send = post_action(action)
    Plan.objects.filter(pk=plan.pk).update(closed_on=datetime.date(2026, 3, 31))
    before = _snapshot()
    response = send(as_role("staff_zhangdian" if action == "confirm" else "city_admin"))
    assert response.status_code == 403, action
    assert _snapshot() == before, f"{action} changed data in an ended plan"


def test_an_ended_plan_stays_browsable(as_role, plan, figure, ledger_ids):
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(closed_on=datetime.date(2026, 3, 31))
    client = as_role("city_admin")
    for url in ("/plans/zibo-2021-2025/", "/progress/", "/targets/", "/ledger/", "/notices/",
                f"/figures/{figure.pk}/", "/evaluation/zibo-2021-2025/", "/completeness/2025/",
                "/progress/?_export=xlsx"):  # fmt: skip
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("role", "url", "data"),
    [
        ("head_sports", "/ledger/rounds/{round}/tasks/{task}/contribution/", {"text": "进展"}),
        ("city_admin", "/ledger/rounds/{round}/open/", {}),
        ("city_admin", "/ledger/rounds/", {}),
        ("city_admin", "/notices/new/", {}),
        ("city_admin", "/notices/{notice}/review/", {"action": "close"}),
        ("staff_zhangdian", "/notices/{notice}/", {"reply": "已整改"}),
        ("head_sports", "/ledger/attachments/{attachment}/delete/", {}),
    ],
)
def test_an_ended_plans_ledger_and_notices_are_read_only(
    as_role, plan, ledger_ids, role, url, data
):
    from ledger.models import Contribution, Notice, ReportingRound
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(closed_on=datetime.date(2026, 3, 31))
    state = lambda: (  # noqa: E731
        list(Contribution.objects.values_list("pk", "text", "version")),
        list(Notice.objects.values_list("pk", "state")),
        list(ReportingRound.objects.values_list("pk", "opened_at")),
    )
    before = state()
    response = as_role(role).post(url.format(**ledger_ids), data)
    assert response.status_code == 403, url
    assert state() == before


# A second city (示例市, made up, loaded beside Zibo) and the province: every URL of MATRIX, on
# Zibo's data, for 示例市's staff and admin (who see only their city: Zibo's objects are 404, the
# pages without a plan in the path show 示例市's plan) and for the province (reads everything,
# changes nothing).
CITY_ROLES = ["staff_shili", "admin_shili", "province"]

#   URL name                  url                                               staff admin prov
CITY_MATRIX = [
    ("api:api-root",          "/api/",                                           404,  404,  404),
    ("status_css",            "/assets/status.css",                              200,  200,  200),
    ("api:openapi-json",      "/api/openapi.json",                               200,  200,  200),
    ("completeness_remind",   "/completeness/2024/remind/zhangdian/",            405,  405,  405),
    ("home",                  "/",                                               302,  302,  200),
    ("plan_detail",           "/plans/zibo-2021-2025/",                          404,  404,  200),
    ("province",              "/province/",                                      403,  403,  200),
    ("plan_detail",           "/plans/demo-shili-2021-2025/",                    200,  200,  200),
    ("task_detail",           "/plans/zibo-2021-2025/tasks/2-1-4/",              404,  404,  200),
    ("target_list",           "/targets/",                                       200,  200,  200),
    ("target_list",           "/targets/?plan=zibo-2021-2025",                   404,  404,  200),
    ("search",                "/search/?q=张店",                                  200,  200,  200),
    ("search",                "/search/?q=张店&plan=zibo-2021-2025",              404,  404,  200),
    ("help",                  "/help/",                                          200,  200,  200),
    ("help",                  "/help/?plan=zibo-2021-2025",                      404,  404,  200),
    ("department_list",       "/departments/",                                   200,  200,  200),
    ("department_detail",     "/departments/{department}/",                      404,  404,  200),
    ("district_list",         "/districts/",                                     200,  200,  200),
    ("district_detail",       "/districts/zhangdian/",                           404,  404,  200),
    ("district_detail",       "/districts/dongcheng/?plan=demo-shili-2021-2025", 200,  200,  200),
    ("api:plan",              "/api/plan/",                                      200,  200,  200),
    ("api:plan",              "/api/plan/?plan=zibo-2021-2025",                  404,  404,  200),
    ("api:targets",           "/api/targets/",                                   200,  200,  200),
    ("api:districts",         "/api/districts/",                                 200,  200,  200),
    ("api:figures",           "/api/figures/",                                   200,  200,  200),
    ("api:figures",           "/api/figures/?plan=zibo-2021-2025",               404,  404,  200),
    ("healthz",               "/healthz",                                        200,  200,  200),
    ("login",                 "/accounts/login/",                                200,  200,  200),
    ("logout",                "/accounts/logout/",                               405,  405,  405),
    ("set_language",          "/i18n/setlang/",                                  302,  302,  302),
    ("entry_start",           "/entry/",                                         302,  302,  403),
    ("figure_entry",          "/entry/zhangdian/2024/",                          404,  404,  403),
    ("figure_entry",          "/entry/dongcheng/2024/",                          200,  200,  404),
    ("figure_entry",          "/entry/dongcheng/2024/?plan=demo-shili-2021-2025", 200, 200, 403),
    ("figure_entry",          "/entry/city/2024/",                               404,  200,  403),
    ("figure_template",       "/entry/zhangdian/2024/template.xlsx",             404,  404,  403),
    ("figure_template",       "/entry/dongcheng/2024/template.xlsx",             200,  200,  404),
    ("figure_import",         "/import/",                                        200,  200,  403),
    ("import_confirm",        "/import/999/confirm/",                            405,  405,  405),
    ("figure_detail",         "/figures/{figure}/",                              404,  404,  200),
    ("review_list",           "/review/",                                        403,  200,  403),
    ("progress_overview",     "/progress/",                                      200,  200,  200),
    ("progress_overview",     "/progress/?plan=zibo-2021-2025",                  404,  404,  200),
    ("progress_heatmap",      "/progress/heatmap/",                              200,  200,  200),
    ("progress_target",       "/progress/targets/{target}/",                     404,  404,  200),
    ("goal_decomposition",    "/progress/targets/{target}/decomposition/",       404,  404,  403),
    ("goal_decomposition_template", "/progress/targets/{target}/decomposition/template.xlsx",
                                                                                 404,  404,  403),
    ("goal_decomposition_upload", "/progress/targets/{target}/decomposition/upload/",
                                                                                 405,  405,  405),
    ("goal_adjustment",       "/progress/targets/{target}/adjustment/",          404,  404,  403),
    ("goal_document",         "/progress/targets/{target}/documents/adjustment/999/",
                                                                                 404,  404,  404),
    ("progress_district",     "/progress/districts/zhangdian/",                  404,  404,  200),
    ("progress_department",   "/progress/departments/{department}/",             404,  404,  200),
    ("api:progress",          "/api/progress/",                                  200,  200,  200),
    ("report_list",           "/reports/",                                       200,  200,  200),
    ("report_pdf",            "/reports/{report}/pdf/",                          404,  404,  200),
    ("report_generate",       "/reports/generate/",                              405,  405,  405),
    ("evaluation_start",      "/evaluation/",                                    302,  302,  302),
    ("evaluation",            "/evaluation/zibo-2021-2025/",                     404,  404,  200),
    ("evaluation",            "/evaluation/demo-shili-2021-2025/",               200,  200,  200),
    ("evaluation_build",      "/evaluation/zibo-2021-2025/build/",               405,  405,  405),
    ("evaluation_download",   "/evaluation/reports/{evaluation}/download/",      404,  404,  200),
    ("admin:reports_evaluationreport_changelist", "/admin/reports/evaluationreport/", 302, 200, 302),  # noqa: E501
    ("completeness_latest",   "/completeness/",                                  302,  302,  302),
    ("completeness",          "/completeness/2024/",                             200,  200,  200),
    ("admin:index",           "/admin/",                                         302,  200,  302),
    ("admin:targets_figure_changelist", "/admin/targets/figure/",                302,  200,  302),
    ("admin:plans_plan_draft", "/admin/plans/plan/draft/",                       302,  200,  302),
    # the admin is scoped by city: Zibo's rows are not found for 示例市's admin
    ("admin:targets_figure_change", "/admin/targets/figure/{figure}/change/",    302,  404,  302),
    ("admin:reports_report_change", "/admin/reports/report/{report}/change/",    302,  404,  302),
    ("schools_home",          "/schools/",                                       302,  200,  200),
    ("district_schools",      "/schools/districts/zhangdian/",                   404,  404,  200),
    ("district_schools",      "/schools/districts/dongcheng/",                   200,  200,  404),
    ("school_detail",         "/schools/3703999999/",                            404,  404,  404),
    ("indicator_detail",      "/indicators/kindergarten-public-share/",          200,  200,  200),
    ("statistics_import",     "/schools/import/",                                200,  200,  403),
    ("statistics_template",   "/schools/import/template.xlsx?year=2024",         200,  200,  403),
    ("statistics_import_confirm", "/schools/import/999/confirm/",                405,  405,  405),
    ("take_derived",          "/schools/reconcile/{target}/zhangdian/2024/take/", 405, 405, 405),
    ("admin:schools_school_changelist", "/admin/schools/school/",                302,  200,  302),
    ("admin:schools_schoolyearstatistics_changelist", "/admin/schools/schoolyearstatistics/", 302, 200, 302),  # noqa: E501
    ("ledger",                "/ledger/",                                        200,  200,  200),
    ("ledger_inbox",          "/ledger/inbox/",                                  200,  200,  200),
    ("ledger_rounds",         "/ledger/rounds/",                                 403,  200,  403),
    ("ledger_round_open",     "/ledger/rounds/{round}/open/",                    405,  405,  405),
    ("ledger_task",           "/ledger/tasks/{task}/",                           404,  404,  200),
    ("ledger_contribution",   "/ledger/rounds/{round}/tasks/{task}/contribution/", 404, 404, 403),
    ("ledger_report",         "/ledger/rounds/{round}/tasks/{task}/report/",     404,  404,  200),
    ("ledger_report_review",  "/ledger/rounds/{round}/tasks/{task}/review/",     405,  405,  405),
    ("ledger_attachment",     "/ledger/attachments/{attachment}/",               404,  404,  404),
    ("ledger_attachment_delete", "/ledger/attachments/{attachment}/delete/",     405,  405,  405),
    ("notice_list",           "/notices/",                                       200,  200,  200),
    ("notice_new",            "/notices/new/",                                   403,  200,  403),
    ("notice_detail",         "/notices/{notice}/",                              404,  404,  200),
    ("notice_pdf",            "/notices/{notice}/pdf/",                          404,  404,  200),
    ("notice_review",         "/notices/{notice}/review/",                       405,  405,  405),
    ("api:tasks",             "/api/tasks/",                                     200,  200,  200),
    ("api:notices",           "/api/notices/",                                   200,  200,  200),
    ("api:contributions",     "/api/contributions/",                             405,  405,  405),
    ("api:schools",           "/api/schools/",                                   200,  200,  200),
    ("api:schools",           "/api/schools/?plan=zibo-2021-2025",               404,  404,  200),
    ("api:indicators",        "/api/indicators/",                                200,  200,  200),
    ("inspections_home",      "/inspections/",                                   302,  302,  302),
    ("inspections_city",      "/inspections/balanced/",                          302,  200,  200),
    ("inspections_county",    "/inspections/balanced/zhangdian/",                404,  404,  200),
    ("inspections_county",    "/inspections/balanced/dongcheng/?plan=demo-shili-2021-2025", 200, 200, 200),  # noqa: E501
    ("inspections_items",     "/inspections/balanced/zhangdian/items/",          404,  404,  403),
    ("inspections_report",    "/inspections/balanced/zhangdian/report.xlsx",     404,  404,  200),
    ("inspections_evidence",  "/inspections/evidence/{evidence}/",               404,  404,  200),
    ("api:inspections_balanced", "/api/inspections/balanced/?district=zhangdian", 404, 404,  200),
    ("api:inspections_preschool", "/api/inspections/preschool/?district=dongcheng&plan=demo-shili-2021-2025", 200, 200, 200),  # noqa: E501
    ("projections_home",      "/projections/",                                   302,  200,  200),
    ("projections_district",  "/projections/districts/zhangdian/",               404,  404,  200),
    ("projections_district",  "/projections/districts/dongcheng/",               200,  200,  404),
    ("projections_births",    "/projections/births/",                            200,  200,  200),
    ("projections_births_import", "/projections/births/import/",                 405,  405,  405),
    ("api:projections",       "/api/projections/",                               200,  200,  200),
    ("api:projections",       "/api/projections/?district=zhangdian",            404,  404,  200),
    # Zibo's plan is published (the public's, whoever asks); 示例市's is not: 404 to everyone,
    # its own admin previews it
    ("public_plan",           "/public/zibo-2021-2025/",                         200,  200,  200),
    ("public_plan",           "/public/demo-shili-2021-2025/",                   404,  404,  404),
    ("public_plan_table",     "/public/demo-shili-2021-2025/targets.json",       404,  404,  404),
    ("public_data",           "/public/demo-shili-2021-2025/data.csv",           404,  404,  404),
    ("public_target",         "/public/zibo-2021-2025/targets/student-fitness-good-rate/", 200, 200, 200),  # noqa: E501
    ("public_target_table",   "/public/zibo-2021-2025/targets/student-fitness-good-rate.csv", 200, 200, 200),  # noqa: E501
    ("public_district",       "/public/zibo-2021-2025/districts/zhangdian/",     200,  200,  200),
    ("public_district_table", "/public/zibo-2021-2025/districts/zhangdian.json", 200,  200,  200),
    ("public_document",       "/public/demo-shili-2021-2025/documents/final-2025.pdf", 404, 404, 404),  # noqa: E501
    ("public_preview",        "/public/zibo-2021-2025/preview/",                 404,  404,  404),
    ("public_preview",        "/public/demo-shili-2021-2025/preview/",           404,  200,  404),
    ("api:public_plan",       "/api/public/demo-shili-2021-2025",                404,  404,  404),
    ("api:public_data",       "/api/public/zibo-2021-2025/data",                 200,  200,  200),
    ("api:public_target",     "/api/public/zibo-2021-2025/targets/student-fitness-good-rate", 200, 200, 200),  # noqa: E501
    ("api:public_district",   "/api/public/zibo-2021-2025/districts/zhangdian",  200,  200,  200),
]  # fmt: skip


@pytest.mark.parametrize("role", CITY_ROLES)
def test_every_url_answers_the_second_city_and_the_province_as_expected(
    client,
    request,
    role,
    figure,
    education_bureau,
    report,
    evaluation,
    ledger_ids,
    shili_plan,
    published,
    inspection_ids,
):
    client.force_login(request.getfixturevalue(role))
    ids = {"department": education_bureau.pk, "figure": figure.pk, "target": figure.target_id,
           "report": report.pk, "evaluation": evaluation.pk, **ledger_ids,
           **inspection_ids}  # fmt: skip
    wrong = []
    for row in CITY_MATRIX:
        url = row[1].format(**ids)
        status = client.get(url).status_code
        if status != row[CITY_ROLES.index(role) + 2]:
            wrong.append(f"{url}: {status}, expected {row[CITY_ROLES.index(role) + 2]}")
    assert wrong == []


def test_the_city_matrix_names_every_url_of_the_matrix():
    assert {row[0] for row in MATRIX} == {row[0] for row in CITY_MATRIX}


# The province reads every city's evaluation and builds none of their reports (a city's draft).
@pytest.mark.parametrize(("role", "status"), [("province", 403), ("admin_shili", 302)])
def test_the_province_reads_an_evaluation_but_may_not_build_its_report(
    client, request, shili_plan, monkeypatch, role, status
):
    from reports import tasks
    from reports.models import EvaluationReport

    monkeypatch.setattr(tasks.build_evaluation_report, "delay", lambda pk: None)
    client.force_login(request.getfixturevalue(role))
    url = f"/evaluation/{shili_plan.slug}/"
    page = client.get(url)
    assert page.status_code == 200
    offered = f'action="{url}build/"' in page.content.decode()
    assert offered == (status == 302), "the build button is offered to those who may build"
    response = client.post(url + "build/", {"format": "pdf", "year": "2025"})
    assert response.status_code == status
    assert EvaluationReport.objects.exists() == (status == 302)
