"""Supervision notices: numbering, facts, issue → reply → close / send back, overdue, PDF,
and their notifications by email and by WeCom/DingTalk robots on a real local HTTP server."""

import datetime
import re
import subprocess

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ledger import ledger, notices, notifications
from ledger.models import Delivery, Notice, WebhookEndpoint
from ledger.tasks import send_ledger_reminders
from zibo_edu.lib import webhooks

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def _issue(plan, admin, **kwargs):
    values = {
        "subject": "关于加快推进的督办通知",
        "facts": "进度滞后",
        "requirements": "请整改",
        "reply_deadline": TODAY + datetime.timedelta(days=15),
        **kwargs,
    }
    return notices.issue(plan, admin, **values)


def test_notices_are_numbered_per_year_with_the_prefix(plan, city_admin, zhangdian, settings):
    first = _issue(plan, city_admin, district=zhangdian)
    second = _issue(plan, city_admin, district=zhangdian)
    assert first.number == "淄教督〔2026〕1号"
    assert second.number == "淄教督〔2026〕2号"
    settings.NOTICE_NUMBER_PREFIX = "淄教办督"
    assert _issue(plan, city_admin, district=zhangdian).number == "淄教办督〔2026〕3号"


def test_a_notice_needs_one_recipient_and_a_future_deadline(
    plan, city_admin, zhangdian, education_bureau
):
    with pytest.raises(ValidationError) as error:
        _issue(
            plan, city_admin, district=zhangdian, department=education_bureau, reply_deadline=TODAY
        )
    assert set(error.value.message_dict) == {"recipient", "reply_deadline"}
    assert not Notice.objects.exists()


def test_reply_close_and_send_back(plan, city_admin, staff_zhangdian, zhangdian):
    notice = _issue(plan, city_admin, district=zhangdian)
    with pytest.raises(ValidationError):
        notices.reply(notice, staff_zhangdian, "  ")
    notices.reply(notice, staff_zhangdian, "已制定整改方案")
    with pytest.raises(ledger.LockedError):
        notices.reply(notice, staff_zhangdian, "再回复一次")
    with pytest.raises(ValidationError):
        notices.review(notice, city_admin, close=False, reason="")
    notices.review(notice, city_admin, close=False, reason="措施不具体")
    notice.refresh_from_db()
    assert notice.state == "sent_back"
    assert notice.replies.get().sent_back_reason == "措施不具体"
    notices.reply(notice, staff_zhangdian, "明确到学校和时间")
    notices.review(notice, city_admin, close=True)
    notice.refresh_from_db()
    assert notice.state == "closed" and notice.closed_at


def test_overdue_is_waiting_after_the_deadline(
    plan, city_admin, zhangdian, zichuan, staff_zhangdian
):
    late = _issue(plan, city_admin, district=zhangdian)
    _issue(plan, city_admin, district=zichuan)
    later = TODAY + datetime.timedelta(days=16)
    assert notices.open_overdue_for(district=zhangdian, today=later) == [late]
    notices.reply(late, staff_zhangdian, "已整改")
    assert notices.open_overdue_for(district=zhangdian, today=later) == []
    assert not late.is_overdue(TODAY)


def test_facts_for_a_target_come_from_the_verdicts(plan, city_admin, zhangdian):
    from targets import standings
    from tests.conftest import make_figure, target_named

    fitness = target_named(plan, "学生体质健康测试优良率")
    for year, numerator in ((2020, 40), (2021, 40), (2022, 41), (2023, 41), (2024, 41), (2025, 42)):
        make_figure(
            fitness, zhangdian, year, state="approved", numerator=numerator, denominator=100
        )
    standings.refresh([fitness.pk])
    subject, facts = notices.facts_for_target(fitness, zhangdian, 2025)
    assert "张店区" in subject and "学生体质健康测试优良率" in subject
    from targets import progress as method
    from targets.models import Standing

    status = Standing.objects.get(
        target=fitness, district=zhangdian, as_of=2025, approved_only=True
    )
    assert f"状态为“{method.Status(status.status).label}”" in facts
    assert "最新值42%（2025年）" in facts
    assert "持续落后" in facts


def test_facts_for_a_task_come_from_the_ledger(plan, open_round, fitness_task):
    subject, facts = notices.facts_for_task(fitness_task, open_round)
    assert "二(一)4" in subject
    assert "市教育局未按期报送" in facts
    assert "市卫生健康委、市体育局" in facts


def test_notice_pdf_is_one_official_page(plan, city_admin, zhangdian, tmp_path):
    notice = _issue(
        plan, city_admin, district=zhangdian, facts="张店区体质健康优良率滞后3个百分点。"
    )
    pdf = notices.render_notice_pdf(notice)
    (tmp_path / "n.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", tmp_path / "n.pdf"], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert "595.276 x 841.89" in info  # A4
    text = subprocess.run(
        ["pdftotext", "-layout", tmp_path / "n.pdf", "-"], capture_output=True, text=True
    ).stdout
    for words in ("淄教督〔2026〕1号", "张店区：", "滞后3个百分点", "2026年12月8日前"):
        assert words in text


# Notifications ---------------------------------------------------------------------------------


def test_dingtalk_signature_is_the_documented_one():
    # base64(HMAC-SHA256(secret, "timestamp\nsecret")), computed independently with openssl
    sign = webhooks.dingtalk_sign("SECabc", 1700000000000)
    expected = subprocess.run(
        "printf '1700000000000\\nSECabc' | openssl dgst -sha256 -hmac SECabc -binary | base64",
        shell=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert sign == expected
    url = webhooks.signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000
    )
    assert url.startswith(
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign="
    )
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1]


def test_issued_notice_reaches_both_robots_once(
    plan, city_admin, zhangdian, webhook_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        district=zhangdian, kind="wecom", url=webhook_server.url + "/wecom"
    )
    WebhookEndpoint.objects.create(
        district=zhangdian, kind="dingtalk", url=webhook_server.url + "/ding", secret="SECx"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = _issue(plan, city_admin, district=zhangdian)
    wecom = webhook_server.bodies("/wecom")
    assert wecom == [
        {"msgtype": "markdown", "markdown": {"content": wecom[0]["markdown"]["content"]}}
    ]
    assert "淄教督〔2026〕1号" in wecom[0]["markdown"]["content"]
    ding = [r for r in webhook_server.received if r["path"] == "/ding"]
    assert len(ding) == 1
    assert ding[0]["json"]["markdown"]["title"] == "【督办单】淄教督〔2026〕1号"
    assert ding[0]["query"]["sign"] == webhooks.dingtalk_sign(
        "SECx", int(ding[0]["query"]["timestamp"])
    )
    assert ding[0]["content_type"].startswith("application/json")
    # announcing the same event again sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notice_issued(notice) == []
    assert len(webhook_server.received) == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_failing_robot_is_retried_then_shown_failed(
    client, plan, city_admin, zhangdian, webhook_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        district=zhangdian, kind="wecom", url=webhook_server.url + "/wecom"
    )
    webhook_server.fail_next = 2
    with django_capture_on_commit_callbacks(execute=True):
        _issue(plan, city_admin, district=zhangdian)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 3)  # two failures, then through
    webhook_server.fail_next = 99
    with django_capture_on_commit_callbacks(execute=True):
        _issue(plan, city_admin, district=zhangdian)
    failed = Delivery.objects.exclude(pk=delivery.pk).get()
    assert failed.state == "failed" and failed.attempts == notifications.MAX_ATTEMPTS
    assert "500" in failed.last_error
    client.force_login(city_admin)
    rounds_page = client.get("/ledger/rounds/").content.decode()
    assert "/admin/ledger/delivery/?state__exact=failed" in rounds_page
    assert (
        "/admin/ledger/delivery/"
        in client.get("/admin/ledger/delivery/?state__exact=failed").request["PATH_INFO"]
    )
    failed_list = client.get("/admin/ledger/delivery/?state__exact=failed")
    assert failed.title in failed_list.content.decode()
    webhook_server.fail_next = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.resend(failed.pk)
    failed.refresh_from_db()
    assert failed.state == "sent"


def test_the_worker_task_retries_with_backoff(
    plan, city_admin, zhangdian, monkeypatch, webhook_server
):
    from ledger.tasks import send_delivery

    endpoint = WebhookEndpoint.objects.create(
        district=zhangdian, kind="wecom", url="http://127.0.0.1:9/x"
    )
    delivery = Delivery.objects.create(
        key="k", event="notice_issued", endpoint=endpoint, title="t", body="b"
    )
    asked = []

    def retry(exc, countdown):
        asked.append(countdown)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(send_delivery, "retry", retry)
    send_delivery.apply(args=[delivery.pk], retries=2, throw=False)
    assert asked == [240], "backoff: 1, 2, 4, 8 minutes"
    send_delivery.apply(args=[delivery.pk], retries=send_delivery.max_retries, throw=False)
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert delivery.last_error == "connection failed (ConnectionRefusedError)"


def test_a_claimed_delivery_is_not_sent_twice(
    plan, city_admin, zhangdian, webhook_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(district=zhangdian, kind="wecom", url=webhook_server.url + "/w")
    with django_capture_on_commit_callbacks(execute=True):
        _issue(plan, city_admin, district=zhangdian)
    delivery = Delivery.objects.get()
    assert notifications.send(delivery.pk) is False
    assert len(webhook_server.received) == 1


def test_daily_reminders_for_contributions_due_and_notices_overdue(
    plan, city_admin, zhangdian, sports_bureau, webhook_server, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        department=sports_bureau, kind="dingtalk", url=webhook_server.url + "/sports"
    )
    WebhookEndpoint.objects.create(district=zhangdian, kind="wecom", url=webhook_server.url + "/zd")
    ledger.ensure_default_rounds(plan)
    current = plan.rounds.get(code="2025H2")
    current.period_end, current.deadline = (
        TODAY - datetime.timedelta(days=1),
        TODAY + datetime.timedelta(days=3),
    )
    current.save()
    with django_capture_on_commit_callbacks(execute=True):
        ledger.open_round(current, city_admin)
        notice = Notice.objects.create(
            plan=plan,
            city=plan.city,
            prefix="淄教督",
            year=2026,
            sequence=9,
            district=zhangdian,
            subject="s",
            facts="f",
            requirements="r",
            reply_deadline=TODAY - datetime.timedelta(days=1),
        )
    webhook_server.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_ledger_reminders(TODAY.isoformat())
        send_ledger_reminders(TODAY.isoformat())  # a second beat sends nothing more
    sports = webhook_server.bodies("/sports")
    assert len(sports) == 1 and "配合任务材料待报送" in sports[0]["markdown"]["title"]
    assert "二(一)4" in sports[0]["markdown"]["text"]
    zd = webhook_server.bodies("/zd")
    assert len(zd) == 1 and notice.number in zd[0]["markdown"]["content"]


def test_overdue_notices_are_flagged_on_the_department_page_and_the_dashboard(
    client, plan, city_admin, department_head, education_bureau, staff_zichuan
):
    notice = _issue(plan, city_admin, department=education_bureau)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0), tick=False):
        client.force_login(department_head)
        page = client.get(f"/departments/{education_bureau.pk}/").content.decode()
        assert notice.number in page and "overdue-notices" in page
        assert notice.number in client.get("/progress/").content.decode()
        client.force_login(staff_zichuan)  # not the recipient: no flag
        assert (
            notice.number not in client.get(f"/departments/{education_bureau.pk}/").content.decode()
        )
        client.logout()
        assert (
            "overdue-notices"
            not in client.get(f"/departments/{education_bureau.pk}/").content.decode()
        )
    client.force_login(department_head)
    assert (
        "overdue-notices" not in client.get(f"/departments/{education_bureau.pk}/").content.decode()
    )


def test_the_daily_reminder_is_scheduled_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="ledger.tasks.send_ledger_reminders")
    assert (task.crontab.hour, task.crontab.minute) == ("8", "30")


def test_robot_urls_must_be_https_on_a_robot_host(zhangdian):
    robot = WebhookEndpoint(district=zhangdian, kind="wecom", url="http://qyapi.weixin.qq.com/x")
    with pytest.raises(ValidationError, match="https"):
        robot.full_clean()
    robot.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    robot.full_clean()
    robot.url, robot.secret = "https://oapi.dingtalk.com/robot/send?access_token=t", "SEC"
    with pytest.raises(ValidationError, match="secret"):
        robot.full_clean()
    robot.kind = "dingtalk"
    robot.full_clean()
    for url in (
        "http://127.0.0.1:8080/hook",
        "https://127.0.0.1/hook",
        "https://robot.example.org/x",
    ):
        robot.url = url
        with pytest.raises(ValidationError):
            robot.full_clean()
