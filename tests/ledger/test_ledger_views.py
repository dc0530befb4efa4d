"""The ledger's pages and API for every kind of user: the lead (市教育局), a co-operating
department (市体育局), one not involved (市外办), district staff and the city admin."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger import ledger, notices
from ledger.models import Contribution, LedgerChange, TaskReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(open_round, task, what):
    return f"/ledger/rounds/{open_round.pk}/tasks/{task.pk}/{what}/"


def test_co_operating_department_writes_its_contribution_with_a_file(
    client, open_round, fitness_task, head_sports
):
    client.force_login(head_sports)
    url = _url(open_round, fitness_task, "contribution")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "体育赛事总结.pdf", b"%PDF-1.4 test", content_type="application/pdf"
    )
    response = client.post(
        url,
        {
            "text": "举办中小学生运动会",
            "measures": "",
            "numbers": "32场",
            "version": 0,
            "action": "submit",
            "file": upload,
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(task=fitness_task, department__name="市体育局")
    assert contribution.state == "submitted"
    attachment = contribution.attachments.get()
    download = client.get(f"/ledger/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "filename*=utf-8''%E4%BD%93" in download["Content-Disposition"]


def test_a_stale_form_is_refused_and_keeps_what_was_typed(
    settings, client, open_round, fitness_task, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(contribution, head_sports, {"text": "别处保存的"}, version=0)
    client.force_login(head_sports)
    response = client.post(
        _url(open_round, fitness_task, "contribution"),
        {
            "text": "我的新内容",
            "version": 0,
            "action": "save",
            "file": SimpleUploadedFile("证明.pdf", b"%PDF-stale"),
        },
    )
    assert response.status_code == 400
    assert "head-sports" in response.content.decode()
    assert "我的新内容" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.text == "别处保存的"
    assert not contribution.attachments.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")), "no file stored"


def test_a_bad_file_saves_nothing(client, open_round, fitness_task, head_sports):
    client.force_login(head_sports)
    response = client.post(
        _url(open_round, fitness_task, "contribution"),
        {"text": "x", "version": 0, "action": "save", "file": SimpleUploadedFile("a.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert ".exe" in response.content.decode()
    assert not LedgerChange.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head_sports", 302),
        ("head_uninvolved", 403),
        ("department_head", 403),
        ("staff_zhangdian", 403),
        ("city_admin", 403),
    ],
)
def test_only_a_co_operating_department_writes_a_contribution(
    client, request, open_round, fitness_task, who, status
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        _url(open_round, fitness_task, "contribution"),
        {"text": "x", "version": 0, "action": "save"},
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("department_head", 302),
        ("head_sports", 403),
        ("head_uninvolved", 403),
        ("staff_zhangdian", 403),
        ("city_admin", 403),
    ],
)
def test_only_the_lead_writes_the_report(client, request, open_round, fitness_task, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        _url(open_round, fitness_task, "report"),
        {"text": "x", "status": "on_track", "version": 0, "action": "save"},
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("city_admin", 302), ("department_head", 403), ("head_sports", 403), ("staff_zhangdian", 403)],
)
def test_only_the_city_admin_reviews(
    client, request, open_round, fitness_task, department_head, who, status
):
    report = ledger.report_for(open_round, fitness_task)
    ledger.save_report(
        report,
        department_head,
        {"text": "x", "status": "on_track"},
        target_ids=[],
        version=0,
        submit=True,
    )
    client.force_login(request.getfixturevalue(who))
    response = client.post(_url(open_round, fitness_task, "review"), {"action": "approve"})
    assert response.status_code == status
    report.refresh_from_db()
    assert report.state == ("approved" if status == 302 else "submitted")


@pytest.mark.parametrize(
    ("who", "get", "delete"),
    [
        ("head_sports", 200, 302),
        ("department_head", 200, 403),
        ("head_uninvolved", 404, 404),
        ("staff_zhangdian", 404, 404),
        ("city_admin", 200, 403),
    ],
)
def test_attachments_are_evidence_for_the_task_departments(
    client, request, open_round, fitness_task, sports_bureau, who, get, delete
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    attachment = ledger.add_attachment(contribution, SimpleUploadedFile("a.pdf", b"%PDF"), None)
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/ledger/attachments/{attachment.pk}/").status_code == get
    assert client.post(f"/ledger/attachments/{attachment.pk}/delete/").status_code == delete


def test_the_lead_sees_every_contribution_and_the_targets_verdicts(
    client, open_round, fitness_task, department_head, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(
        contribution, head_sports, {"text": "体育局的贡献"}, version=0, submit=True
    )
    client.force_login(department_head)
    response = client.get(_url(open_round, fitness_task, "report"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "体育局的贡献" in page and "市卫生健康委" in page
    assert "学生体质健康测试优良率" in page and "status-" in page


def test_round_opening_page_is_the_city_admins(client, plan, city_admin, department_head):
    client.force_login(department_head)
    ledger.ensure_default_rounds(plan)
    first = plan.rounds.get(code="2021H1")
    assert client.post(f"/ledger/rounds/{first.pk}/open/").status_code == 403
    client.force_login(city_admin)
    assert client.post(f"/ledger/rounds/{first.pk}/open/").status_code == 302
    first.refresh_from_db()
    assert first.is_open


def test_ledger_page_queries_do_not_grow_with_tasks(
    client, plan, open_round, city_admin, django_assert_max_num_queries
):
    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        response = client.get("/ledger/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/ledger/tasks/') == 51  # 二's 48, 三's 3


def test_ledger_filters_and_export(client, plan, open_round, city_admin, sports_bureau):
    client.force_login(city_admin)
    response = client.get(f"/ledger/?department={sports_bureau.pk}")
    assert 'href="/ledger/tasks/' in response.content.decode()
    assert response.content.decode().count('href="/ledger/tasks/') < 51
    export = client.get("/ledger/?chapter=二(一)&_export=csv")
    text = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert "二(一)4,提升学生体质健康水平,市教育局,市卫生健康委、市体育局" in text
    assert "二(二)1" not in text
    xlsx = client.get("/ledger/?_export=xlsx")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 52 and sheet.cell(1, 3).value == "牵头部门"


def test_inbox_pages(client, plan, open_round, head_sports, staff_zhangdian, city_admin, zhangdian):
    notices.issue(
        plan,
        city_admin,
        subject="请整改",
        facts="f",
        requirements="r",
        district=zhangdian,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=5),
    )
    client.force_login(head_sports)
    assert "二(一)4" in client.get("/ledger/inbox/").content.decode()
    client.force_login(staff_zhangdian)
    assert "请整改" in client.get("/ledger/inbox/").content.decode()


def test_notice_workflow_through_the_pages(
    client, plan, city_admin, staff_zhangdian, staff_zichuan, zhangdian
):
    client.force_login(city_admin)
    form = client.get(f"/notices/new/?target={plan.pk and ''}")
    assert form.status_code == 200
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        "/notices/new/",
        {
            "district": zhangdian.pk,
            "subject": "关于进度滞后的督办通知",
            "facts": "差距13个百分点",
            "requirements": "整改",
            "reply_deadline": deadline,
        },
    )
    assert response.status_code == 302
    notice = plan.notices.get()
    client.force_login(staff_zichuan)
    assert client.post(f"/notices/{notice.pk}/", {"text": "x"}).status_code == 404
    client.force_login(city_admin)
    assert client.post(f"/notices/{notice.pk}/", {"text": "x"}).status_code == 403
    client.force_login(staff_zhangdian)
    assert client.post(f"/notices/{notice.pk}/", {"text": "已整改"}).status_code == 302
    assert client.post(f"/notices/{notice.pk}/review/", {"action": "close"}).status_code == 403
    client.force_login(city_admin)
    assert client.post(f"/notices/{notice.pk}/review/", {"action": "close"}).status_code == 302
    notice.refresh_from_db()
    assert notice.state == "closed"
    pdf = client.get(f"/notices/{notice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_notice_form_with_two_recipients_names_the_problem(
    client, plan, city_admin, zhangdian, education_bureau
):
    client.force_login(city_admin)
    response = client.post(
        "/notices/new/",
        {
            "district": zhangdian.pk,
            "department": education_bureau.pk,
            "subject": "s",
            "facts": "f",
            "requirements": "r",
            "reply_deadline": "2099-01-01",
        },
    )
    assert response.status_code == 400
    assert (
        "one department or one district" in response.content.decode()
        or "一个部门或一个区县" in response.content.decode()
    )
    assert not plan.notices.exists()


def test_notice_prefilled_from_a_task(client, plan, city_admin, open_round, fitness_task):
    client.force_login(city_admin)
    page = client.get(f"/notices/new/?task={fitness_task.pk}").content.decode()
    assert "二(一)4" in page and "市卫生健康委、市体育局" in page


# API -------------------------------------------------------------------------------------------


def test_api_tasks_lists_every_task_with_its_latest_round(
    client, plan, open_round, fitness_task, department_head, city_admin
):
    report = ledger.report_for(open_round, fitness_task)
    ledger.save_report(
        report,
        department_head,
        {"text": "x", "status": "lagging", "lag_reason": "场地不足"},
        target_ids=[],
        version=0,
        submit=True,
    )
    client.force_login(city_admin)
    data = client.get("/api/tasks/").json()
    assert data["round"]["code"] == "2025H2" and data["round"]["final"] is True
    assert len(data["tasks"]) == 51  # 二's 48 key tasks and 三's 3 items
    task = next(t for t in data["tasks"] if t["code"] == "二(一)4")
    assert task == {
        "code": "二(一)4",
        "title": "提升学生体质健康水平",
        "chapter": "二(一)",
        "lead_department": "市教育局",
        "co_operating_departments": ["市卫生健康委", "市体育局"],
        "status": "lagging",
        "state": "submitted",
        "contributions_in": [],
        "contributions_missing": ["市卫生健康委", "市体育局"],
        "open_notices": 0,
    }


def test_api_notices_are_scoped(
    client, plan, city_admin, staff_zhangdian, staff_zichuan, zhangdian
):
    notices.issue(
        plan,
        city_admin,
        subject="s",
        facts="f",
        requirements="r",
        district=zhangdian,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=5),
    )
    client.force_login(staff_zhangdian)
    assert [n["district"] for n in client.get("/api/notices/").json()["notices"]] == ["zhangdian"]
    client.force_login(staff_zichuan)
    assert client.get("/api/notices/").json()["notices"] == []


def _post(client, body, **headers):
    return client.post(
        "/api/contributions/", json.dumps(body), content_type="application/json", **headers
    )


def test_api_writes_a_contribution_with_the_same_rules(
    client, open_round, fitness_task, head_sports, head_uninvolved
):
    import base64

    auth = {
        "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"head-sports:pw-for-tests-only").decode()
    }
    response = _post(
        client, {"round": "2025H2", "task": "二(一)4", "text": "", "submit": True}, **auth
    )
    assert response.status_code == 400 and "text" in response.json()["errors"]
    response = _post(
        client, {"round": "2025H2", "task": "二(一)4", "text": "API报送", "version": 0}, **auth
    )
    assert response.status_code == 200
    assert response.json()["contribution"]["version"] == 1
    stale = _post(
        client, {"round": "2025H2", "task": "二(一)4", "text": "旧", "version": 0}, **auth
    )
    assert stale.status_code == 409 and stale.json()["current"]["text"] == "API报送"
    assert LedgerChange.objects.get().channel == "api"
    other = {
        "HTTP_AUTHORIZATION": "Basic "
        + base64.b64encode(b"head-foreign-affairs:pw-for-tests-only").decode()
    }
    assert (
        _post(client, {"round": "2025H2", "task": "二(一)4", "text": "x"}, **other).status_code
        == 403
    )
    assert (
        _post(client, {"round": "1999H1", "task": "二(一)4", "text": "x"}, **auth).status_code
        == 400
    )
    assert _post(client, {"round": "2025H2", "task": "二(一)4"}).status_code == 401


def test_api_session_posts_need_the_csrf_token(open_round, fitness_task, head_sports):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(head_sports)
    assert _post(client, {"round": "2025H2", "task": "二(一)4", "text": "x"}).status_code == 403
    assert not TaskReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "url", "ceiling"),
    [
        ("city_admin", "/ledger/", 14),
        ("city_admin", "/ledger/?round=2023H1&_export=csv", 14),
        ("city_admin", "/ledger/inbox/", 12),
        ("department_head", "/ledger/inbox/", 12),
        ("city_admin", "/notices/", 10),
        ("city_admin", "/api/tasks/", 12),
        ("city_admin", "/api/notices/", 10),
        ("department_head", "/ledger/tasks/{task}/", 16),  # 2: plan switcher, city in title
        ("department_head", "/ledger/rounds/{round}/tasks/{task}/report/", 20),
    ],
)
def test_ledger_pages_run_a_bounded_number_of_queries(
    client,
    request,
    plan,
    city_admin,
    fitness_task,
    who,
    url,
    ceiling,
    django_assert_max_num_queries,
):
    from ledger import demo

    demo.seed(plan, city_admin)
    final = plan.rounds.get(is_final=True)
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(ceiling):
        response = client.get(url.format(task=fitness_task.pk, round=final.pk))
    assert response.status_code == 200


def test_an_attachment_whose_file_is_lost_is_a_404_saying_so(
    client, open_round, fitness_task, sports_bureau, head_sports
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    attachment = ledger.add_attachment(contribution, SimpleUploadedFile("a.pdf", b"%PDF"), None)
    attachment.file.storage.delete(attachment.file.name)  # lost: a restore without the media
    client.force_login(head_sports)
    response = client.get(f"/ledger/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert "附件的文件已丢失" in response.content.decode()


def test_the_ledger_lists_chapter_three_items(client, plan, open_round, city_admin):
    client.force_login(city_admin)
    page = client.get("/ledger/").content.decode()
    assert "三(一)" in page and "三(三)" in page
    assert '<option value="三">' in page, "三 can be chosen as a chapter"
    chapter = client.get("/ledger/?chapter=三").content.decode()
    assert chapter.count('href="/ledger/tasks/') == 3
    implementation = plan.parts.get(code="三").tasks.get(code="三(二)")
    assert client.get(f"/ledger/tasks/{implementation.pk}/").status_code == 200


def test_a_locked_contribution_offers_no_save_or_submit(
    client, open_round, fitness_task, department_head, city_admin, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(contribution, head_sports, {"text": "已完成"}, version=0, submit=True)
    report = ledger.report_for(open_round, fitness_task)
    ledger.save_report(
        report, department_head, {"text": "x", "status": "on_track"}, target_ids=[], version=0,
        submit=True,
    )  # fmt: skip
    client.force_login(head_sports)
    url = _url(open_round, fitness_task, "contribution")
    before = client.get(url).content.decode()
    assert 'value="submit"' in before, "not locked while the report awaits review"
    ledger.review(report, city_admin, approve=True)
    page = client.get(url).content.decode()
    assert 'value="save"' not in page and 'value="submit"' not in page
    assert "该任务的进展报告已审核通过，配合材料已锁定。" in page
    assert "<fieldset disabled" in page


def test_a_contribution_of_a_round_not_open_offers_no_save(
    client, plan, open_round, fitness_task, head_sports
):
    unopened = plan.rounds.get(code="2025H1")
    client.force_login(head_sports)
    page = client.get(_url(unopened, fitness_task, "contribution")).content.decode()
    assert 'value="save"' not in page and 'value="submit"' not in page


def _issue(plan, city_admin, district):
    return notices.issue(
        plan, city_admin, subject="请整改", facts="f", requirements="r", district=district,
        reply_deadline=datetime.date.today() + datetime.timedelta(days=5),
    )  # fmt: skip


def test_a_notice_that_reached_nobody_says_so(client, plan, city_admin, staff_zhangdian, zhangdian):
    unreached = _issue(plan, city_admin, zhangdian)
    client.force_login(city_admin)
    page = client.get(f"/notices/{unreached.pk}/").content.decode()
    assert "此通知未送达任何人：张店区没有填有邮箱的账号，也没有群机器人。" in page
    staff_zhangdian.email = "staff-zhangdian@example.cn"
    staff_zhangdian.save()
    reached = _issue(plan, city_admin, zhangdian)
    assert "未送达" not in client.get(f"/notices/{reached.pk}/").content.decode()
    client.force_login(staff_zhangdian)
    assert "未送达" not in client.get(f"/notices/{unreached.pk}/").content.decode()


def test_issuing_a_notice_that_reaches_nobody_warns_at_once(client, plan, city_admin, zhangdian):
    client.force_login(city_admin)
    form = client.get(f"/notices/new/?target=1&district={zhangdian.pk}").context["form"]
    data = {k: getattr(v, "pk", v) for k, v in form.initial.items() if v is not None}
    response = client.post("/notices/new/", {**data, "reply_deadline": "2030-01-01"}, follow=True)
    assert response.status_code == 200
    assert "此通知未送达任何人：张店区" in response.content.decode()


def test_a_returned_report_that_reached_nobody_says_so(
    client, open_round, fitness_task, department_head, city_admin
):
    report = ledger.report_for(open_round, fitness_task)
    ledger.save_report(
        report, department_head, {"text": "x", "status": "on_track"}, target_ids=[], version=0,
        submit=True,
    )  # fmt: skip
    client.force_login(city_admin)
    url = _url(open_round, fitness_task, "review")
    page = client.post(url, {"action": "return", "reason": "请补充"}, follow=True)
    assert "此通知未送达任何人：市教育局" in page.content.decode()
    client.force_login(department_head)
    assert (
        "此通知未送达任何人：市教育局"
        in client.get(_url(open_round, fitness_task, "report")).content.decode()
    )
