"""The task ledger: rounds, contributions, the lead's report, review, audit, versions, files."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger import ledger
from ledger.models import Attachment, Contribution, Delivery, LedgerChange, ReportingRound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_default_rounds_are_half_yearly_with_a_final_one(plan):
    assert ledger.ensure_default_rounds(plan) == 10
    assert ledger.ensure_default_rounds(plan) == 0
    rounds = list(plan.rounds.order_by("period_end"))
    assert [r.code for r in rounds[:2]] == ["2021H1", "2021H2"]
    assert rounds[0].period_end == datetime.date(2021, 6, 30)
    assert rounds[0].deadline == datetime.date(2021, 7, 15)
    assert [r.is_final for r in rounds] == [False] * 9 + [True]
    assert "终期" in rounds[-1].title


def test_opening_a_round_twice_announces_once(plan, city_admin, department_head, open_round):
    department_head.email = "edu@example.cn"
    department_head.save()
    assert ledger.open_round(open_round, city_admin) is False
    assert not Delivery.objects.filter(event="round_opened", emails=["edu@example.cn"]).exists()


def test_round_opening_emails_the_departments(
    plan, city_admin, department_head, mailoutbox, django_capture_on_commit_callbacks
):
    department_head.email = "edu@example.cn"
    department_head.save()
    ledger.ensure_default_rounds(plan)
    first = plan.rounds.get(code="2025H1")
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.open_round(first, city_admin)
    mails = [m for m in mailoutbox if "edu@example.cn" in m.to]
    assert len(mails) == 1 and "2025年上半年" in mails[0].subject
    assert Delivery.objects.get(emails=["edu@example.cn"]).state == "sent"


def test_contribution_is_saved_submitted_and_audited(
    open_round, fitness_task, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(contribution, head_sports, {"text": "组织青少年体育赛事"}, version=0)
    contribution.refresh_from_db()
    assert (contribution.state, contribution.version) == ("draft", 1)
    ledger.save_contribution(
        contribution,
        head_sports,
        {"text": "组织青少年体育赛事", "numbers": "120场"},
        version=1,
        submit=True,
    )
    contribution.refresh_from_db()
    assert contribution.state == "submitted" and contribution.submitted_at
    changes = list(contribution.changes.order_by("pk"))
    assert [c.action for c in changes] == ["save", "submit"]
    assert changes[1].old == {"numbers": "", "state": "draft"}
    assert changes[1].new == {"numbers": "120场", "state": "submitted"}
    assert changes[1].changed_by == head_sports


def test_a_stale_version_is_refused_naming_who_changed_it(
    open_round, fitness_task, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(contribution, head_sports, {"text": "第一版"}, version=0)
    with pytest.raises(ledger.ConflictError, match="head-sports"):
        ledger.save_contribution(contribution, head_sports, {"text": "过期的表单"}, version=0)
    contribution.refresh_from_db()
    assert contribution.text == "第一版"


def test_submitting_needs_text(open_round, fitness_task, head_sports, sports_bureau):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    with pytest.raises(ValidationError) as error:
        ledger.save_contribution(contribution, head_sports, {"text": " "}, version=0, submit=True)
    assert "text" in error.value.message_dict
    assert not LedgerChange.objects.exists()


def test_a_round_not_opened_takes_no_contribution(plan, fitness_task, head_sports, sports_bureau):
    ledger.ensure_default_rounds(plan)
    closed = plan.rounds.get(code="2024H1")
    contribution = ledger.contribution_for(closed, fitness_task, sports_bureau)
    with pytest.raises(ledger.LockedError):
        ledger.save_contribution(contribution, head_sports, {"text": "x"}, version=0)


def _submitted_report(open_round, fitness_task, lead_user, **data):
    report = ledger.report_for(open_round, fitness_task)
    values = {"text": "体质健康工作稳步推进", "status": "on_track", **data}
    return ledger.save_report(report, lead_user, values, target_ids=[], version=0, submit=True)


def test_lagging_needs_a_reason(open_round, fitness_task, department_head):
    with pytest.raises(ValidationError) as error:
        _submitted_report(open_round, fitness_task, department_head, status="lagging")
    assert "lag_reason" in error.value.message_dict


def test_a_report_links_only_its_own_targets(open_round, fitness_task, department_head, plan):
    from targets.models import Target

    other = Target.objects.of_plan(plan).exclude(task=fitness_task).first()
    own = fitness_task.targets.first()
    report = ledger.report_for(open_round, fitness_task)
    with pytest.raises(ValidationError):
        ledger.save_report(report, department_head, {"text": "x"}, target_ids=[other.pk], version=0)
    ledger.save_report(report, department_head, {"text": "x"}, target_ids=[own.pk], version=0)
    assert list(report.targets.all()) == [own]


def test_return_then_approve_locks_the_task(
    open_round,
    fitness_task,
    department_head,
    city_admin,
    head_sports,
    sports_bureau,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    department_head.email = "edu@example.cn"
    department_head.save()
    report = _submitted_report(open_round, fitness_task, department_head)
    with pytest.raises(ledger.LockedError):
        ledger.save_report(
            report, department_head, {"text": "改"}, target_ids=[], version=report.version
        )
    with pytest.raises(ValidationError):
        ledger.review(report, city_admin, approve=False, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        ledger.review(report, city_admin, approve=False, reason="请补充配合部门的情况")
    report.refresh_from_db()
    assert (report.state, report.return_reason) == ("returned", "请补充配合部门的情况")
    assert any("退回" in m.subject and "edu@example.cn" in m.to for m in mailoutbox)
    report = ledger.save_report(
        report,
        department_head,
        {"text": "补充后", "status": "on_track"},
        target_ids=[],
        version=report.version,
        submit=True,
    )
    ledger.review(report, city_admin, approve=True)
    report.refresh_from_db()
    assert report.state == "approved" and report.approved_at
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    with pytest.raises(ledger.LockedError):
        ledger.save_contribution(contribution, head_sports, {"text": "迟到"}, version=0)
    assert [c.action for c in report.changes.order_by("pk")] == [
        "submit",
        "return",
        "submit",
        "approve",
    ]


def test_attachment_limits_and_no_orphans(
    open_round, fitness_task, head_sports, sports_bureau, settings
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    with pytest.raises(ValidationError, match=r"\.exe"):
        ledger.add_attachment(contribution, SimpleUploadedFile("病毒.exe", b"MZ"), head_sports)
    settings.LEDGER_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="MB"):
        ledger.add_attachment(
            contribution, SimpleUploadedFile("大.pdf", b"%PDF-" + b"x" * 20), head_sports
        )
    settings.LEDGER_ATTACHMENT_MAX_BYTES = 2**20
    attachment = ledger.add_attachment(
        contribution, SimpleUploadedFile("赛事总结.pdf", b"%PDF-1.4"), head_sports
    )
    assert attachment.name == "赛事总结.pdf" and attachment.content_type == "application/pdf"
    stored = attachment.file.name
    assert default_storage.exists(stored)
    with pytest.raises(ledger.LockedError):
        ledger.discard_contribution(Contribution(state="submitted"))
    ledger.discard_contribution(contribution)
    assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_discarding_a_draft_removes_its_files(plan, city_admin, sports_bureau, settings, tmp_path):
    from django.core.management import call_command

    from departments.models import Role
    from tests.conftest import make_user

    call_command("load_plan", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media2"
    admin = make_user("admin2", Role.Kind.CITY_ADMIN)
    ledger.ensure_default_rounds(plan)
    reporting_round = plan.rounds.get(code="2025H2")
    ledger.open_round(reporting_round, admin)
    task = ledger.key_tasks(plan).get(code="二(一)4")
    contribution = ledger.contribution_for(reporting_round, task, sports_bureau)
    attachment = ledger.add_attachment(contribution, SimpleUploadedFile("a.pdf", b"%PDF"), None)
    stored = attachment.file.name
    assert default_storage.exists(stored)
    ledger.discard_contribution(contribution)
    assert not default_storage.exists(stored)


def test_ledger_rows_count_contributions_in_and_missing(
    plan, open_round, fitness_task, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(contribution, head_sports, {"text": "x"}, version=0, submit=True)
    row = next(r for r in ledger.ledger_rows(plan, open_round) if r.task == fitness_task)
    assert [d.name for d in row.contributions_in] == ["市体育局"]
    assert [d.name for d in row.contributions_missing] == ["市卫生健康委"]
    assert row.lead.name == "市教育局"


def test_inbox_lists_what_each_owes_by_deadline(
    plan, open_round, head_sports, department_head, city_admin, fitness_task
):
    owed = ledger.inbox(head_sports, plan)
    assert any(i.kind == "contribution" and "二(一)4" in i.label for i in owed)
    assert not any(i.kind == "report" for i in owed)
    lead_owes = ledger.inbox(department_head, plan)
    assert any(i.kind == "report" and "二(一)4" in i.label for i in lead_owes)
    _submitted_report(open_round, fitness_task, department_head)
    assert any(i.kind == "approval" for i in ledger.inbox(city_admin, plan))
    with time_machine.travel(datetime.date(2026, 11, 23)):
        assert all(i.overdue for i in ledger.inbox(head_sports, plan) if i.kind == "contribution")


def test_approved_reports_feed_the_evaluation(
    plan, open_round, fitness_task, department_head, city_admin
):
    report = _submitted_report(open_round, fitness_task, department_head)
    assert ledger.approved_reports(plan) == {}
    ledger.review(report, city_admin, approve=True)
    assert ledger.approved_reports(plan)[fitness_task.pk].text == "体质健康工作稳步推进"


def test_a_round_deadline_cannot_precede_its_period(plan):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ReportingRound.objects.create(
            plan=plan,
            code="x",
            title="x",
            period_end=datetime.date(2025, 6, 30),
            deadline=datetime.date(2025, 6, 1),
        )


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(settings.STORAGES['default']['BACKEND'], type(s).__name__, "
        "getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "zibo_edu.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment
    )


def test_attachments_go_to_an_s3_compatible_store_when_configured():
    s3 = _settings_with(
        {"STORAGE_URL": "s3://zibo-ledger", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}
    )
    assert s3.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "S3Storage",
        "zibo-ledger",
        "http://127.0.0.1:9000",
    ]
    local = _settings_with({"STORAGE_URL": ""})
    assert local.stdout.split()[:2] == [
        "django.core.files.storage.FileSystemStorage",
        "FileSystemStorage",
    ]
    bad = _settings_with({"STORAGE_URL": "ftp://x"})
    assert bad.returncode != 0 and "STORAGE_URL must be s3://<bucket>" in bad.stderr
