"""The task ledger end to end in Chromium: the city admin opens a round; 市体育局 writes its
contribution to 二(一)4 with an attachment; 市教育局 consolidates and submits; the city admin
returns it once, then approves; the city admin issues a 督办单 to a lagging district (沂源县),
which replies, and the admin closes it. The robots' server on 127.0.0.1 records the messages."""

import subprocess

import pytest
from playwright.sync_api import expect

from departments.models import Department, District, Role
from ledger.models import Notice, TaskReport, WebhookEndpoint
from plans.models import Plan
from targets import demo
from targets.models import Target
from tests.browser.conftest import ARTIFACTS, log_in, shot
from tests.conftest import make_user
from zibo_edu.lib import webhooks

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_ledger_journey(site, page, webhook_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = Plan.objects.get()
    demo.seed(plan)  # figures, so 沂源县's verdict is there to quote
    sports = Department.objects.get(name="市体育局")
    education = Department.objects.get(name="市教育局")
    yiyuan = District.objects.get(slug="yiyuan")
    make_user("city-admin", Role.Kind.CITY_ADMIN)
    make_user("head-sports", Role.Kind.DEPARTMENT_HEAD, department=sports)
    make_user("head-education", Role.Kind.DEPARTMENT_HEAD, department=education)
    make_user("staff-yiyuan", Role.Kind.DISTRICT_STAFF, district=yiyuan)
    hook = webhook_server.url
    WebhookEndpoint.objects.create(
        department=sports, kind="dingtalk", url=hook + "/sports", secret="SECsports"
    )
    WebhookEndpoint.objects.create(department=education, kind="wecom", url=hook + "/education")
    WebhookEndpoint.objects.create(district=yiyuan, kind="wecom", url=hook + "/yiyuan")

    # The city admin creates the rounds and opens the final one.
    log_in(page, site, "city-admin")
    page.goto(site + "/ledger/rounds/")
    page.get_by_role("button", name="创建默认轮次").click()
    row = page.locator("tr", has_text="2025年下半年（终期）")
    row.get_by_role("button", name="开启本轮").click()
    expect(page.locator(".messages")).to_contain_text("已开启")
    shot(page, "ledger-rounds")

    # 市体育局 finds what it owes in its inbox and writes its contribution with a file.
    log_in(page, site, "head-sports")
    page.goto(site + "/ledger/inbox/")
    shot(page, "ledger-inbox-sports")
    page.get_by_role("link", name="二(一)4").first.click()
    page.get_by_label("落实情况").fill("举办全市中小学生运动会，推进校园足球和游泳普及。")
    page.get_by_label("数据").fill("举办赛事32场")
    evidence = tmp_path / "运动会总结.pdf"
    evidence.write_bytes(b"%PDF-1.4 demo evidence")
    page.get_by_label("上传附件").set_input_files(evidence)
    page.get_by_role("button", name="提交牵头部门").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    expect(page.locator("main")).to_contain_text("运动会总结.pdf")

    # 市教育局 sees the contributions, quotes 市体育局's, sets the status and submits.
    log_in(page, site, "head-education")
    task_id = plan.parts.get(code="二(一)").tasks.get(number=4).pk
    page.goto(site + f"/ledger/tasks/{task_id}/")
    page.get_by_role("link", name="填写进展报告").first.click()
    card = page.locator(".contribution", has_text="市体育局")
    expect(card).to_contain_text("举办全市中小学生运动会")
    expect(page.locator(".contribution", has_text="市卫生健康委")).to_contain_text("未报")
    page.wait_for_load_state("load")  # the quote buttons' script (deferred) is attached by now
    card.get_by_role("button", name="引用到报告").click()
    expect(page.get_by_label("进展报告")).to_have_value(
        "【市体育局】举办全市中小学生运动会，推进校园足球和游泳普及。"
    )
    page.get_by_label("任务状态").select_option("on_track")
    page.get_by_label("二(一)4-1 学生体质健康测试优良率").check()
    page.get_by_role("button", name="提交市局审核").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    shot(page, "ledger-report-submitted")
    report_url = page.url

    # The city admin returns it once, with a reason…
    log_in(page, site, "city-admin")
    page.goto(report_url)
    page.get_by_label("理由（退回时必填）").fill("请补充市卫生健康委的配合情况")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已退回牵头部门")

    # …the lead corrects and submits again, and the admin approves.
    log_in(page, site, "head-education")
    page.goto(report_url)
    expect(page.locator("main")).to_contain_text("请补充市卫生健康委的配合情况")
    page.get_by_label("进展报告").fill(
        "牵头推进体质健康工作；市体育局举办赛事32场，市卫生健康委开展近视防控。"
    )
    page.get_by_role("button", name="提交市局审核").click()
    log_in(page, site, "city-admin")
    page.goto(report_url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")
    assert TaskReport.objects.get(task_id=task_id).state == "approved"
    page.goto(site + "/ledger/?chapter=二(一)")
    expect(page.locator("tr", has_text="提升学生体质健康水平")).to_contain_text("已审核")
    shot(page, "ledger-overview")
    page.goto(site + f"/ledger/tasks/{task_id}/")
    shot(page, "ledger-task")

    # A 督办单 to 沂源县 about its fitness rate, facts filled in from the verdicts.
    fitness = Target.objects.get(code="二(一)4-1")
    page.goto(site + f"/notices/new/?target={fitness.pk}&district={yiyuan.pk}")
    expect(page.get_by_label("督办事项")).to_contain_text("沂源县截至")
    page.get_by_role("button", name="签发").click()
    expect(page.locator("h1")).to_contain_text("淄教督〔2026〕1号")
    notice = Notice.objects.get()
    pdf = page.request.get(site + f"/notices/{notice.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ledger-notice.pdf").write_bytes(pdf.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", ARTIFACTS / "ledger-notice.pdf",
                    ARTIFACTS / "ledger-notice-pdf"], check=True)  # fmt: skip

    # The district replies from its inbox; the admin closes the notice.
    log_in(page, site, "staff-yiyuan")
    page.goto(site + "/ledger/inbox/")
    shot(page, "ledger-inbox-district")
    page.get_by_role("link", name="淄教督〔2026〕1号").click()
    page.get_by_label("整改措施").fill("已制定体质健康提升方案，每校配齐体育教师，2026年底前达标。")
    page.get_by_role("button", name="提交回复").click()
    expect(page.locator(".messages")).to_contain_text("回复已提交")
    log_in(page, site, "city-admin")
    page.goto(site + f"/notices/{notice.pk}/")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("h1")).to_contain_text("已办结")
    shot(page, "ledger-notice-closed")

    # What the robots received: the round opening (DingTalk signed, WeCom), the return, the notice.
    sports_messages = [r for r in webhook_server.received if r["path"] == "/sports"]
    assert [r["json"]["markdown"]["title"] for r in sports_messages] == [
        "【任务台账】2025年下半年（终期）报送已开启"
    ]
    query = sports_messages[0]["query"]
    assert query["sign"] == webhooks.dingtalk_sign("SECsports", int(query["timestamp"]))
    education_messages = [
        r["json"]["markdown"]["content"]
        for r in webhook_server.received
        if r["path"] == "/education"
    ]
    assert len(education_messages) == 2
    assert "报送已开启" in education_messages[0]
    assert (
        "退回" in education_messages[1] and "请补充市卫生健康委的配合情况" in education_messages[1]
    )
    yiyuan_messages = [
        r["json"]["markdown"]["content"] for r in webhook_server.received if r["path"] == "/yiyuan"
    ]
    assert len(yiyuan_messages) == 1 and "淄教督〔2026〕1号" in yiyuan_messages[0]
