"""属性 and 序时进度 预警 through the pages, the admin, the API, the monthly report, the
督办 suggestions, the evaluation annex and the public data, on the demo figures.

On the demo's approved figures the city's 二(一)6-3 is 明显滞后 in 2022, 2023 and 2024 (three
districts 需加快 in 2023) and 二(二)2-1 behind too; 二(一)6-3 is marked 约束性 here, 二(二)2-1
预期性, the rest stay 未标注."""

import datetime
import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from openpyxl import load_workbook

from departments.models import District
from ledger import notices
from reports.evaluation import evaluate
from reports.evaluation_document import annex_workbook
from reports.rendering import render_report_html, report_context
from targets import demo
from targets.models import Standing, Target
from targets.progress import WARNED

pytestmark = pytest.mark.django_db

BOUND, GUIDING = "二(一)6-3", "二(二)2-1"


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    Target.objects.filter(code=BOUND).update(binding="binding")
    Target.objects.filter(code=GUIDING).update(binding="expected")
    return plan


@pytest.fixture
def admin(client, city_admin):
    client.force_login(city_admin)
    return client


def _rows(response):
    return {row.record.target.code: row.record for row in response.context["table"].rows}


def test_the_demo_targets_are_behind_their_path(seeded):
    for code in (BOUND, GUIDING):
        for year in (2022, 2023, 2024):
            city = Standing.objects.get(
                target__code=code, district=None, as_of=year, approved_only=True
            )
            assert city.status in WARNED, (code, year)


def test_overview_warns_of_a_binding_target_behind_its_path_from_the_mid_term_on(admin, seeded):
    rows = _rows(admin.get("/progress/?year=2023"))
    assert rows[BOUND].warned
    assert not rows[GUIDING].warned, "预期性: never 预警"
    assert [code for code, row in rows.items() if row.warned] == [BOUND]
    html = admin.get("/progress/?year=2023").content.decode()
    assert '<span class="warning-mark">预警</span>' in html
    assert "1 项约束性指标自规划中期起落后于序时进度" in html
    # 2022 is before the mid-term year 2023: behind, no warning
    early = admin.get("/progress/?year=2022")
    assert not any(row.warned for row in _rows(early).values())
    assert "warning-mark" not in early.content.decode()
    # 2025 is the deadline year: verdicts, no warning
    assert not any(row.warned for row in _rows(admin.get("/progress/?year=2025")).values())


def test_overview_filters_by_binding_and_by_warning(admin, seeded):
    assert list(_rows(admin.get("/progress/?year=2023&status=warning"))) == [BOUND]
    assert list(_rows(admin.get("/progress/?year=2023&binding=binding"))) == [BOUND]
    assert list(_rows(admin.get("/progress/?year=2023&binding=expected"))) == [GUIDING]
    unmarked = _rows(admin.get("/progress/?year=2023&binding=none"))
    assert len(unmarked) == 51 and BOUND not in unmarked
    assert len(_rows(admin.get("/progress/?year=2023&binding="))) == 53
    listing = admin.get("/targets/?binding=binding").context["table"]
    assert [row.record.code for row in listing.rows] == [BOUND]


def test_the_exported_table_says_the_binding_and_the_warning(admin, seeded):
    response = admin.get("/progress/?year=2023&status=warning&_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("（预警）" in c for c in cells), cells


def test_district_page_warns_of_its_own_binding_targets(client, staff_zhangdian, seeded):
    client.force_login(staff_zhangdian)
    response = client.get("/progress/districts/zhangdian/?year=2023")
    rows = {
        target.code: (progress, warned)
        for target, progress, *_r, warned in response.context["rows"]
    }
    progress, (own, city) = rows[BOUND]
    assert city is True
    assert own == (progress.status in WARNED)
    assert not any(own or city for code, (_p, (own, city)) in rows.items() if code != BOUND)
    assert (
        "约束性"
        in client.get(
            f"/progress/targets/{Target.objects.get(code=BOUND).pk}/?year=2023"
        ).content.decode()
    )


def test_target_pages_say_the_binding(admin, seeded):
    bound = Target.objects.get(code=BOUND)
    page = admin.get(f"/progress/targets/{bound.pk}/?year=2023").content.decode()
    assert '<span class="binding-mark binding-binding">约束性</span>' in page
    assert page.count('<span class="warning-mark"') == 1  # the city's status
    task_page = admin.get(bound.task.get_absolute_url()).content.decode()
    assert '<span class="binding-mark binding-binding">约束性</span>' in task_page
    assert '<span class="binding-mark binding-none">未标注</span>' in task_page


def test_the_api_gives_the_binding_and_the_warning(admin, seeded):
    targets = {t["code"]: t for t in admin.get("/api/targets/").json()["targets"]}
    assert targets[BOUND]["binding"] == "binding"
    assert targets[GUIDING]["binding"] == "expected"
    assert targets["二(一)4-1"]["binding"] is None
    board = {t["code"]: t for t in admin.get("/api/progress/?year=2023").json()["targets"]}
    assert board[BOUND]["binding"] == "binding"
    assert board[BOUND]["city"]["warning"] is True
    assert board[GUIDING]["city"]["warning"] is False
    early = {t["code"]: t for t in admin.get("/api/progress/?year=2022").json()["targets"]}
    assert early[BOUND]["city"]["warning"] is False


def test_admin_marks_targets_in_bulk_and_logs_each(admin, seeded, city_admin):
    pks = list(Target.objects.filter(code__in=["二(一)4-1", BOUND]).values_list("pk", flat=True))
    response = admin.post(
        "/admin/targets/target/",
        {"action": "mark_expected", "_selected_action": pks, "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Target.objects.filter(pk__in=pks).values_list("binding", flat=True)) == {"expected"}
    messages = {entry.object_id: entry.get_change_message() for entry in LogEntry.objects.all()}
    fitness = str(Target.objects.get(code="二(一)4-1").pk)
    assert messages[fitness] == "属性：未标注 → 预期性（批量修改）。"
    assert messages[str(Target.objects.get(code=BOUND).pk)] == "属性：约束性 → 预期性（批量修改）。"


def test_the_monthly_report_puts_the_warned_first(seeded):
    january = datetime.date(2024, 1, 1)  # reports on 2023
    context = report_context(
        None, january, generated_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC), plan=seeded
    )
    assert context["year"] == 2023
    assert [r["target"].code for r in context["warned"]] == [BOUND]
    assert context["attention"][0]["target"].code == BOUND
    html = render_report_html(
        None, january, generated_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC), plan=seeded
    )
    assert "序时进度预警 1 项" in html and "自规划中期（2023年）起" in html


def test_suggested_notices_put_the_warned_first_and_say_so(admin, seeded):
    found = notices.suggestions(seeded, 2023)
    warned = [s for s in found if s.warned]
    assert warned and all(s.target.code == BOUND for s in warned)
    assert found[: len(warned)] == warned
    subject, facts = notices.facts_for_target(warned[0].target, warned[0].district, 2023)
    assert "序时进度预警" in subject
    assert "该指标为约束性指标，自规划中期（2023年）起落后于序时进度，予以预警。" in facts
    other = next(s for s in found if s.target.code == GUIDING)
    subject, facts = notices.facts_for_target(other.target, other.district, 2023)
    assert "预警" not in subject + facts


def test_the_notice_list_suggests_notices(admin, seeded, monkeypatch):
    monkeypatch.setattr(type(seeded), "reporting_year", lambda self, today=None: 2023)
    page = admin.get(f"/notices/?plan={seeded.slug}").content.decode()
    assert "督办建议" in page
    first = page.index('<a class="notice-link"', page.index("督办建议"))
    bound = Target.objects.get(code=BOUND)
    assert f"?target={bound.pk}&amp;" in page[first : first + 200]


def test_the_evaluation_annex_has_the_binding(admin, seeded):
    workbook = load_workbook(io.BytesIO(annex_workbook(evaluate(seeded, 2025))))
    rows = list(workbook["主要目标"].iter_rows(values_only=True))
    column = rows[0].index("属性")  # H23c's goal columns follow it
    by_code = {row[0]: row[column] for row in rows[1:]}
    assert (by_code[BOUND], by_code[GUIDING], by_code["二(一)4-1"]) == (
        "约束性",
        "预期性",
        "未标注",
    )
    page = admin.get(f"/evaluation/{seeded.slug}/?year=2025").content.decode()
    assert '<span class="binding-mark binding-binding">约束性</span>' in page


def test_public_data_say_the_binding(client, seeded, city_admin):
    from public import publication
    from public.content import target_key

    publication.publish(seeded, user=city_admin)
    root = f"/public/{seeded.slug}/"
    bound = Target.objects.get(code=BOUND)
    assert "约束性" in client.get(f"{root}targets/{target_key(bound)}/").content.decode()
    data = json.loads(client.get(f"{root}data.json").content)
    assert {row["binding"] for row in data["rows"] if row["code"] == BOUND} == {"binding"}
    csv_text = client.get(f"{root}targets.csv").content.decode("utf-8-sig")
    assert "binding_label" in csv_text.splitlines()[0] or "binding" in csv_text
    assert District.objects.exists()


def test_the_suggestions_cost_two_queries_whatever_their_number(admin, seeded):
    """The standings behind, with their targets and districts, and the open notices: one query
    each (the demo has 219 suggestions as of 2025)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found = notices.suggestions(seeded, 2025)
    assert len(found) > 100
    assert len(queries) == 2
