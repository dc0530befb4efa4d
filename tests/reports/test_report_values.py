"""The monthly report's values say what they are (issue 17): a unit ratio with its unit and what
it is per, a city count of districts with its year, and no "+0.0" gap beside 未达成 where an
every-year rule was missed in earlier years."""

import datetime
import re

import pytest

from departments.models import District
from reports.rendering import render_report_html
from targets import demo

pytestmark = pytest.mark.django_db
MONTH = datetime.date(2026, 11, 1)


@pytest.fixture
def report(plan) -> str:
    demo.seed(plan)
    return render_report_html(None, MONTH, plan=plan)


@pytest.fixture
def reports(plan, report) -> list[str]:
    """The city's report and every district's."""
    return [report] + [render_report_html(d, MONTH, plan=plan) for d in
                       District.objects.filter(city=plan.city)]  # fmt: skip


def _row(html: str, code: str) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    row = next(r for r in rows if f">{code}<" in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


def test_a_unit_ratio_says_its_unit_and_what_it_is_per(report):
    row = _row(report, "二(一)4-5")  # 至少配备1名专兼职心理健康教育教师, per school
    assert re.search(r"每中小学校 \d\.\d\d 名", row), row


def test_a_city_count_of_districts_says_its_year(client, city_admin, report):
    """The report's year column, and the overview's value beside its status."""
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", report, flags=re.S) if " / 11" in r]
    assert rows
    for row in rows:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        assert re.search(r"\d+ / 11 20\d\d", text), text
    client.force_login(city_admin)
    page = re.sub(r"<[^>]+>", " ", client.get("/progress/?year=2025").content.decode())
    counts = re.findall(r"\d+ / 11\S*", page)
    assert counts and all(re.match(r"\d+ / 11（20\d\d", c) for c in counts), counts


def test_no_bare_zero_gap_beside_a_missed_every_year_rule(reports):
    visits = []
    for html in reports:
        for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
            assert not re.search(r"(?<![\d.])[+-]0\.0\b.*未达成", text), text  # the gap column
            if "学生年度家访" in text and "未达成" in text:
                visits.append(text)
    assert visits and any("3年未达标" in text for text in visits), visits  # in the gap column
