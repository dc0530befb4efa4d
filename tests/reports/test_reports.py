"""Monthly reports: the PDF says what it should, in Chinese; each one is generated and sent once."""

import datetime
import subprocess
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from departments.models import District
from reports import delivery
from reports.models import Recipient, Report
from reports.rendering import render_report
from reports.tasks import previous_month, send_monthly_reports
from targets import demo
from targets.models import Target

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2025, 6, 1)
AT = datetime.datetime(2025, 7, 1, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    return plan


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_district_report_names_every_target_in_chinese(seeded, zhangdian, tmp_path):
    text = pdf_text(render_report(zhangdian, JUNE, generated_at=AT), tmp_path)
    assert "张店区" in text and "2025年6月" in text and "截至2024年数据" in text
    for name in (
        Target.objects.of_plan(seeded)
        .filter(reported_by="districts")
        .values_list("name", flat=True)
    ):
        assert name[:8] in text.replace(" ", "").replace("\n", ""), name
    for word in (
        "已达成",
        "进展正常",
        "牵头部门",
        "市教育局",
        "≥ 55%",
        "生成时间：2025-07-01 08:00",
    ):
        assert word in text
    assert "\ufffd" not in text and "□" not in text, "no missing glyphs"


def test_the_same_data_gives_the_same_text(seeded, zhangdian, tmp_path):
    first = pdf_text(render_report(zhangdian, JUNE, generated_at=AT), tmp_path)
    assert pdf_text(render_report(zhangdian, JUNE, generated_at=AT), tmp_path) == first


def test_city_report_ranks_the_districts(seeded, tmp_path):
    text = pdf_text(render_report(None, JUNE, generated_at=AT), tmp_path)
    assert "各区县排名" in text and "淄博市" in text
    ranking = text[text.index("各区县排名") :]
    assert ranking.index("张店区") < ranking.index("沂源县")


def test_first_page_renders_to_png(seeded, zhangdian, tmp_path):
    (tmp_path / "r.pdf").write_bytes(render_report(zhangdian, JUNE, generated_at=AT))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "2",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 2000 for p in pages)


@pytest.fixture
def recipients(zhangdian):
    Recipient.objects.create(district=zhangdian, name="张店区教育局", email="zd@example.cn")
    Recipient.objects.create(city=zhangdian.city, name="市教育局", email="city@example.cn")


def test_each_report_is_generated_and_sent_exactly_once(seeded, zhangdian, recipients):
    reports = delivery.schedule(JUNE, [zhangdian])
    assert delivery.schedule(JUNE, [zhangdian]) == reports, "a second trigger creates nothing"
    report = reports[0]
    assert delivery.generate(report.pk) is True
    assert delivery.generate(report.pk) is False, "a retry finds nothing to claim"
    assert delivery.send(report.pk) is True
    assert delivery.send(report.pk) is False
    assert [m.to for m in mail.outbox] == [["zd@example.cn"]]
    message = mail.outbox[0]
    assert (
        message.subject == "【月报】张店区·淄博市教育事业发展“十四五”规划实施进展（2025年06月）"
    )  # from the plan
    assert message.attachments[0][0] == "zibo-2021-2025-progress-zhangdian-2025-06.pdf"
    assert message.attachments[0][1][:5] == b"%PDF-"
    report.refresh_from_db()
    assert (report.state, report.sent_to, report.attempts) == ("sent", "zd@example.cn", 1)


def test_a_crash_between_render_and_send_sends_once_later(seeded, zhangdian, recipients):
    report = delivery.schedule(JUNE, [zhangdian])[0]
    delivery.generate(report.pk)  # the worker dies here
    assert mail.outbox == []
    assert delivery.generate(report.pk) is False
    assert delivery.send(report.pk) is True
    assert len(mail.outbox) == 1


def test_a_dead_renderer_is_released_after_a_timeout(seeded, zhangdian):
    report = delivery.schedule(JUNE, [zhangdian])[0]
    Report.objects.filter(pk=report.pk).update(state="generating")
    assert delivery.sweep().released == 0
    later = report.created_at + delivery.stuck_after() + datetime.timedelta(minutes=1)
    assert delivery.sweep(now=later).released == 1
    assert delivery.generate(report.pk) is True


def test_a_failing_mail_server_is_retried_then_marked_failed(
    seeded, zhangdian, recipients, monkeypatch, settings
):
    report = delivery.schedule(JUNE, [zhangdian])[0]
    delivery.generate(report.pk)

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        delivery.send(report.pk)
    report.refresh_from_db()
    assert (report.state, report.attempts, report.error) == ("generated", 1, "mail: smtp down")
    from reports.tasks import send_report

    asked = []

    def retry(exc, countdown):
        asked.append(countdown)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(send_report, "retry", retry)
    send_report.apply(args=[report.pk], retries=2, throw=False)  # the third try fails too
    assert asked == [240], "backoff: 1, 2, 4, 8 minutes"
    send_report.apply(args=[report.pk], retries=send_report.max_retries, throw=False)  # the last
    report.refresh_from_db()
    assert (report.state, report.attempts) == ("failed", 3)
    monkeypatch.undo()
    assert delivery.resend(report.pk) is True
    assert delivery.send(report.pk) is True
    assert len(mail.outbox) == 1


def test_the_monthly_task_sends_every_report_with_recipients(
    seeded, recipients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = send_monthly_reports("2025-06-01")
    assert count == District.objects.count() + 1
    assert sorted(m.to[0] for m in mail.outbox) == ["city@example.cn", "zd@example.cn"]
    assert Report.objects.filter(state="sent").count() == 2
    assert Report.objects.filter(state="generated").count() == count - 2, "no recipients yet"


def test_the_schedule_is_the_first_of_the_month_and_editable(settings):
    from django_celery_beat.models import PeriodicTask

    from zibo_edu.celery import app

    task = PeriodicTask.objects.get(task="reports.tasks.send_monthly_reports")
    crontab = task.crontab
    assert (crontab.day_of_month, crontab.hour, crontab.minute) == ("1", "8", "0")
    assert str(crontab.timezone) == "Asia/Shanghai"
    # The DatabaseScheduler copies app.conf.beat_schedule into the database when a beat starts,
    # which would undo an admin's edit; the schedules come from a migration, so it is empty.
    assert app.conf.beat_schedule == {}
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert previous_month(datetime.date(2025, 7, 1)) == JUNE
    assert previous_month(datetime.date(2025, 1, 1)) == datetime.date(2024, 12, 1)


def test_generate_reports_command(seeded, zhangdian, recipients):
    out = StringIO()
    call_command(
        "generate_reports", "--month", "2025-06", "--district", "张店区", "--send", stdout=out
    )
    assert "张店区 2025-06" in out.getvalue() and "sent" in out.getvalue()
    call_command(
        "generate_reports", "--month", "2025-06", "--district", "张店区", "--send", stdout=out
    )
    assert "already generated" in out.getvalue()
    assert len(mail.outbox) == 1


def test_archive_is_scoped_and_downloads(
    client, seeded, zhangdian, zichuan, staff_zhangdian, staff_zichuan, department_head
):
    for report in delivery.schedule(JUNE, [zhangdian, zichuan], city=False):
        Report.objects.filter(pk=report.pk).update(
            pdf=b"%PDF-1.7 test", state="sent", generated_at=AT
        )
    own, other = Report.objects.get(district=zhangdian), Report.objects.get(district=zichuan)
    client.force_login(staff_zhangdian)
    assert list(client.get("/reports/").context["reports"]) == [own]
    response = client.get(f"/reports/{own.pk}/pdf/")
    assert (
        response.content == b"%PDF-1.7 test"
        and "zhangdian-2025-06.pdf" in response["Content-Disposition"]
    )
    assert client.get(f"/reports/{other.pk}/pdf/").status_code == 404
    client.force_login(department_head)
    assert len(client.get("/reports/").context["reports"]) == 2


def test_city_admin_button_generates_the_month(
    client, seeded, city_admin, staff_zhangdian, recipients, django_capture_on_commit_callbacks
):
    client.force_login(staff_zhangdian)
    assert client.post("/reports/generate/", {"month": "2025-06"}).status_code == 403
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/generate/", {"month": "2025-06"}, follow=True)
    assert "2025-06 的报告正在生成并发送" in response.content.decode()
    assert Report.objects.filter(month=JUNE).count() == 12
    assert len(mail.outbox) == 2
    assert client.post("/reports/generate/", {"month": "June"}, follow=True).status_code == 200


def test_the_district_report_lists_its_overdue_figures(seeded, tmp_path):
    yiyuan = District.objects.get(slug="yiyuan")
    text = pdf_text(render_report(yiyuan, JUNE, generated_at=AT), tmp_path)
    assert "逾期未提交" in text  # the demo leaves gaps in the slow districts' 2024 figures
    assert "未填报（" in text and "草稿未提交（" in text
    zhangdian = District.objects.get(slug="zhangdian")
    assert "本年度无逾期未提交的数据" in pdf_text(
        render_report(zhangdian, JUNE, generated_at=AT), tmp_path
    )


def test_on_the_first_the_task_reports_on_the_previous_month(seeded, recipients):
    import time_machine

    with time_machine.travel(
        datetime.datetime(2025, 7, 1, 0, 5, tzinfo=datetime.UTC)
    ):  # 08:05 in Zibo
        send_monthly_reports()
    assert set(Report.objects.values_list("month", flat=True)) == {JUNE}


def test_after_the_plan_the_report_gives_verdicts_not_paths(seeded, zhangdian, tmp_path):
    """张店区's 二(一)4-1 is 54.6% in 2025 against "55%以上" (the demo's approved final figure):
    未达成, and it needs attention."""
    october = datetime.date(2026, 10, 1)
    at = datetime.datetime(2026, 11, 1, 0, 0, tzinfo=datetime.UTC)
    text = pdf_text(render_report(zhangdian, october, generated_at=at), tmp_path)
    flat = text.replace(" ", "")
    assert "截至2025年数据" in flat and "规划期已结束" in flat
    attention = flat[flat.index("需要关注的指标") : flat.index("全部指标")]
    assert "需要关注的指标（0项）" not in flat
    row = next(line for line in attention.splitlines() if "二(一)4-1" in line)
    assert "54.6%" in row and "未达成" in row
    for path_status in ("进展正常", "需加快", "明显滞后", "倒退"):
        assert path_status not in flat, path_status
    assert "未达成" in attention
