import datetime
import re

import pytest

from reports.rendering import render_report_html

pytestmark = pytest.mark.django_db


def test_the_monthly_reports_notes_carry_the_card_of_a_linked_target(plan, zhangdian):
    html = render_report_html(zhangdian, datetime.date(2026, 10, 1), plan=plan)
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", html))
    row = text[text.index("公办幼儿园在园幼儿占比") :][:600]
    assert "口径v1：Σ公办园在园幼儿数/Σ在园幼儿数×100%（学年，统计时点9月1日）" in row
