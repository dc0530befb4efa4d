"""The evaluations the city admin publishes (终期评估, 中期评估) on the plan's public page: listed
with their PDF and Word at stable addresses, anonymous, cached, audited; never a draft, a
district's or a failed one."""

import pytest

from reports import publishing
from reports.models import EvaluationChange, EvaluationReport

pytestmark = pytest.mark.django_db

ROOT = "/public/zibo-2021-2025/"
FINAL_PDF = f"{ROOT}documents/final-2025.pdf"


def built(plan, year=2025, fmt="pdf", state="done", district=None, body=b"%PDF-1.7 final"):
    return EvaluationReport.objects.create(
        plan=plan, year=year, format=fmt, state=state, district=district, file=body
    )


def test_a_published_evaluation_is_listed_and_downloads_anonymously(client, published,
                                                                     city_admin):  # fmt: skip
    assert client.get(FINAL_PDF).status_code == 404
    assert "final-2025" not in client.get(ROOT).content.decode()  # and now it is cached
    report = built(published)
    publishing.publish(report, user=city_admin)
    page = client.get(ROOT).content.decode()
    assert f'href="{FINAL_PDF}"' in page and "终期评估（2025）" in page
    download = client.get(FINAL_PDF)
    assert download.status_code == 200 and download.content == b"%PDF-1.7 final"
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="zibo-2021-2025-final-2025.pdf"' in download["Content-Disposition"]
    assert not download.cookies
    assert client.get(f"{ROOT}documents/final-2025.docx").status_code == 404  # not published
    change = EvaluationChange.objects.get()
    assert (change.action, change.changed_by, change.report) == ("publish", city_admin, report)
    listed = client.get(f"{ROOT}targets.json").json()["documents"]
    assert listed[0]["files"] == [{"format": "pdf", "url": FINAL_PDF}]
    assert "Final evaluation (2025)" in client.get(f"{ROOT}?lang=en").content.decode()


def test_a_mid_term_evaluation_has_its_own_address(client, published, city_admin):
    publishing.publish(built(published, year=2023, fmt="docx", body=b"PK word"), user=city_admin)
    assert client.get(f"{ROOT}documents/midterm-2023.docx").content == b"PK word"
    assert client.get(f"{ROOT}documents/final-2023.docx").status_code == 404
    assert "中期评估（2023）" in client.get(ROOT).content.decode()


def test_never_a_draft_a_failed_or_a_district_evaluation(client, published, zhangdian,
                                                         city_admin):  # fmt: skip
    for report in (
        built(published, state="queued", body=None),
        built(published, state="failed", body=None),
        built(published, district=zhangdian),
        built(published, fmt="xlsx"),
    ):
        with pytest.raises(ValueError):
            publishing.publish(report, user=city_admin)
    EvaluationReport.objects.update(published_at="2026-12-01T00:00Z")  # even if marked by hand
    assert client.get(FINAL_PDF).status_code == 404
    assert "documents/" not in client.get(ROOT).content.decode()
    assert not EvaluationChange.objects.exists()


def test_a_newer_report_takes_the_same_address_and_withdrawing_removes_it(client, published,
                                                                          city_admin):  # fmt: skip
    first = built(published, body=b"%PDF first")
    publishing.publish(first, user=city_admin)
    assert client.get(FINAL_PDF).content == b"%PDF first"
    second = built(published, body=b"%PDF second")
    publishing.publish(second, user=city_admin)
    assert client.get(FINAL_PDF).content == b"%PDF second"
    first.refresh_from_db()
    assert first.published_at is None
    assert [c.action for c in EvaluationChange.objects.order_by("pk")] == [
        "publish", "withdraw", "publish"
    ]  # fmt: skip
    publishing.withdraw(second, user=city_admin)
    assert client.get(FINAL_PDF).status_code == 404
    assert "documents/" not in client.get(ROOT).content.decode()


def test_an_unpublished_plan_shows_no_document(client, plan, city_admin):
    publishing.publish(built(plan), user=city_admin)
    assert client.get(FINAL_PDF).status_code == 404


def test_the_city_admin_publishes_in_the_admin(client, published, city_admin, department_head):
    report = built(published)
    client.force_login(city_admin)
    response = client.post(
        "/admin/reports/evaluationreport/",
        {"action": "publish", "_selected_action": [report.pk]},
        follow=True,
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.published_at is not None
    district_one = built(published, year=2024, district=published.city.districts.first())
    response = client.post(
        "/admin/reports/evaluationreport/",
        {"action": "publish", "_selected_action": [district_one.pk]},
        follow=True,
    )
    assert "not the whole city" in response.content.decode() or "全市" in response.content.decode()
    district_one.refresh_from_db()
    assert district_one.published_at is None


def test_the_command_files_and_publishes_the_final_evaluation(client, published):
    """bin/demo: evaluation_report --archive --publish."""
    from django.core.management import call_command

    call_command("evaluation_report", plan="zibo-2021-2025", format="docx", archive=True,
                 publish=True)  # fmt: skip
    download = client.get(f"{ROOT}documents/final-2025.docx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert EvaluationChange.objects.get().changed_by is None  # the system
