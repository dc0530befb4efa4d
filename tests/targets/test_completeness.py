import datetime
from decimal import Decimal

import pytest
import time_machine

from targets.models import ReportingPeriod, Target
from tests.conftest import make_figure, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(plan, zhangdian, zichuan):
    ReportingPeriod.objects.create(plan=plan, year=2024, deadline=datetime.date(2025, 3, 31))
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    on_time = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    late = datetime.datetime(2025, 4, 2, tzinfo=datetime.UTC)
    for target in targets[:10]:
        make_figure(
            target, zhangdian, 2024, value=Decimal(1), state="approved", submitted_at=on_time
        )
    make_figure(
        targets[10], zhangdian, 2024, value=Decimal(1), state="submitted", submitted_at=late
    )
    make_figure(
        targets[11], zhangdian, 2024, value=Decimal(1), state="returned", submitted_at=on_time
    )
    make_figure(targets[0], zichuan, 2024, value=Decimal(1))
    return targets


def _rows(response):
    assert response.status_code == 200
    return {row.district.name: row for row in response.context["rows"]}


def test_counts_per_district_and_state(client, city_admin, reported):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 3, 15, tzinfo=datetime.UTC)):
        rows = _rows(client.get("/completeness/2024/"))
    total = len(reported)
    assert len(rows) == 11
    zhangdian = rows["张店区"]
    assert (zhangdian.missing, zhangdian.approved, zhangdian.submitted) == (total - 12, 10, 1)
    assert (zhangdian.returned, zhangdian.late, zhangdian.rate) == (1, 1, round(1100 / total))
    assert (rows["淄川区"].draft, rows["淄川区"].missing) == (1, total - 1)


def test_after_the_deadline_missing_figures_are_late(client, city_admin, reported):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)):
        rows = _rows(client.get("/completeness/2024/"))
    # one submitted late, one returned and not submitted again, and every missing one
    assert rows["张店区"].late == 1 + 1 + rows["张店区"].missing


def test_after_the_deadline_drafts_not_submitted_are_late(client, city_admin, reported):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 3, 31, 15, tzinfo=datetime.UTC)):
        before = _rows(client.get("/completeness/2024/"))["淄川区"]  # 23:00 on the deadline day
    with time_machine.travel(datetime.datetime(2025, 4, 1, 1, tzinfo=datetime.UTC)):
        after = _rows(client.get("/completeness/2024/"))["淄川区"]
    total = len(reported)
    assert (before.late, before.draft, before.missing) == (0, 1, total - 1)
    assert after.late == total, "its one draft was never submitted: late, like the missing"


def test_a_draft_holding_only_a_note_is_missing_on_the_page_in_the_email_and_the_pdf(
    client, city_admin, plan, zhangdian, reported, django_capture_on_commit_callbacks
):
    """Every applicable figure of 张店区 2024 is entered but two: one has no figure at all, the
    other is a draft with a note and nothing else. Both are missing, everywhere."""
    from django.core import mail

    from reports.rendering import report_context
    from targets.models import Figure
    from targets.reminders import send_due

    rest = Target.objects.of_plan(plan).filter(reported_by="districts")[12:]
    *entered, no_figure, note_only = list(rest)
    for target in entered:
        make_figure(target, zhangdian, 2024, value=Decimal(1), state="submitted")
    make_figure(note_only, zhangdian, 2024, note="数据待统计局核定")
    assert Figure.objects.filter(district=zhangdian, year=2024).count() == len(reported) - 1
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 3, 15, tzinfo=datetime.UTC)):
        page = _rows(client.get("/completeness/2024/"))["张店区"]
    assert (page.missing, page.draft) == (2, 0)
    user = make_user("mail-zhangdian", "district_staff", district=zhangdian)
    user.email = "zd@example.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):  # sent once the claim commits
        assert send_due(datetime.date(2025, 3, 24)) >= 1
    email = next(m for m in mail.outbox if m.to == ["zd@example.cn"])
    assert email.subject == "【提醒】张店区2024年度数据尚有2项未填报"
    assert no_figure.code in email.body and note_only.code in email.body
    at = datetime.datetime(2025, 3, 15, tzinfo=datetime.UTC)
    pdf = report_context(zhangdian, datetime.date(2025, 2, 1), generated_at=at)
    assert pdf["year"] == 2024
    (row,) = pdf["completeness"]
    assert (row.missing, row.draft) == (2, 0)


def test_nothing_to_report_is_not_zero_percent(client, plan, reported):
    """The head of 市委教育工委: no target of the department's tasks is reported by districts."""
    from departments.models import Department

    party = Department.objects.get(city=plan.city, name="市委教育工委")
    head = make_user("head-party", "department_head", department=party)
    client.force_login(head)
    response = client.get("/completeness/2024/")
    rows = _rows(response)
    assert response.context["total"] == 0
    assert all(row.rate is None for row in rows.values())
    html = response.content.decode()
    assert ">0%<" not in html and "无需报送" in html


def test_district_staff_see_their_own_row(client, staff_zichuan, reported):
    client.force_login(staff_zichuan)
    assert list(_rows(client.get("/completeness/2024/"))) == ["淄川区"]


def test_query_count_is_constant(client, city_admin, reported, django_assert_max_num_queries):
    client.force_login(city_admin)
    # + each district's reminders, which districts an email reaches, the plan switcher
    with django_assert_max_num_queries(11):
        assert client.get("/completeness/2024/").status_code == 200


def test_past_the_deadline_and_days_late_are_one_rule_for_figures_rounds_and_notices():
    import datetime

    from targets.completeness import days_late, is_past_deadline

    deadline = datetime.date(2025, 3, 31)
    day = datetime.timedelta(days=1)
    assert not is_past_deadline(deadline, deadline) and is_past_deadline(deadline, deadline + day)
    assert days_late(deadline, deadline - day) == 0 and days_late(deadline, deadline) == 0
    assert days_late(deadline, deadline + 13 * day) == 13
