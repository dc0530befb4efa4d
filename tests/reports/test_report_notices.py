"""The monthly report lists the overdue supervision notices (督办单) and speaks in the one status
palette of targets/display.py."""

import datetime
import re

import pytest

from departments.models import District
from ledger import notices
from reports.rendering import _status_bar, render_report_html
from targets import progress as method
from targets.display import PALETTE, status_css

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)
AT = datetime.datetime(2026, 11, 2, 1, 0, tzinfo=datetime.UTC)


def notice_to(plan, user, district, deadline, subject):
    """A notice issued in October 2026 (issue() wants a deadline after today: set it after)."""
    week = datetime.date.today() + datetime.timedelta(days=7)
    notice = notices.issue(plan, user, subject=subject, facts="2025年数据未报。",
                           requirements="尽快报送。", district=district,
                           reply_deadline=week)  # fmt: skip
    type(notice).objects.filter(pk=notice.pk).update(reply_deadline=deadline)
    notice.refresh_from_db()
    return notice


def test_the_report_lists_the_districts_overdue_notices(plan, city_admin, zhangdian):
    zichuan = District.objects.get(slug="zichuan")
    late = notice_to(
        plan, city_admin, zhangdian, datetime.date(2026, 10, 20), "体质健康优良率未达成"
    )
    notice_to(plan, city_admin, zhangdian, datetime.date(2026, 12, 1), "尚未到期的督办")
    other = notice_to(plan, city_admin, zichuan, datetime.date(2026, 10, 15), "淄川区的督办")
    html = render_report_html(zhangdian, OCTOBER, generated_at=AT)
    assert "逾期未回复的督办单（1 件）" in html
    assert late.number in html and "优良率未达成" in html and "13 天" in html
    assert "尚未到期的督办" not in html and other.number not in html
    city = render_report_html(None, OCTOBER, generated_at=AT)
    assert "逾期未回复的督办单（2 件）" in city and other.number in city and "淄川区" in city


def test_a_district_without_overdue_notices_is_told_so(plan, zhangdian):
    html = render_report_html(zhangdian, OCTOBER, generated_at=AT)
    assert "逾期未回复的督办单（0 件）" in html and "本区县无逾期未回复的督办单" in html


def test_the_report_uses_the_one_status_palette(plan, zhangdian):
    html = render_report_html(zhangdian, OCTOBER, generated_at=AT)
    assert status_css() in html
    own_rules = re.findall(r"\.status-[a-z_]+ \{", html.replace(status_css(), ""))
    assert own_rules == []  # no colours of its own
    bar = _status_bar({method.Status.MISSED: 2, method.Status.MET: 1})
    assert f'fill="{PALETTE["missed"][0]}"' in bar and f'fill="{PALETTE["met"][0]}"' in bar
