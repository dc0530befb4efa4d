"""The monthly report's "needs attention" (需要关注的指标): shortfalls AND missing final figures,
and "all achieved" only when every target is; on 示例市 (a MADE-UP city of the demo files)."""

import datetime
import re

import pytest

from demo.management.commands.load_demo_plans import seed_made_up_figures
from departments.models import District
from reports import delivery
from reports.models import Report
from reports.rendering import render_report_html
from targets import standings
from targets.models import Figure

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)
AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def _text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", html))


def _attention(text: str) -> str:
    return text[text.index("二、需要关注的指标") : text.index("全部指标")]


def test_missing_final_figures_need_attention_and_are_not_all_achieved(shili_plan):
    """示例市's 2025 figures are in for one target only: the others' final figures are missing."""
    seed_made_up_figures(shili_plan)
    first = Figure.objects.filter(target__task__part__plan=shili_plan).order_by("target__order")
    kept = first.first().target_id
    Figure.objects.filter(target__task__part__plan=shili_plan, year=2025).exclude(
        target=kept
    ).delete()
    standings.refresh_plan(shili_plan)
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")

    for unit in (dongcheng, None):
        text = _text(render_report_html(unit, OCTOBER, generated_at=AT, plan=shili_plan))
        attention = _attention(text)
        assert "缺最终数据4项" in text
        assert "需要关注的指标（0项）" not in attention
        assert "所有指标均已达成" not in text
        assert "缺最终数据4项" in attention, attention  # how many, and which:
        for target in first.exclude(target=kept).values_list("target__code", flat=True):
            assert target in attention
    body = delivery._body(Report(plan=shili_plan, district=dongcheng, month=OCTOBER))
    assert "缺最终数据 4 项" in body and "需关注 0 项" not in body
    # the city report's ranking counts them where its column says so
    html = render_report_html(None, OCTOBER, generated_at=AT, plan=shili_plan)
    ranking = html[html.index("各区县排名") : html.index("全部指标")]
    assert "未达成或缺最终数据" in ranking
    row = next(r for r in ranking.split("<tr>") if "东城区" in r)
    _rank, _name, good, attention, total = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert int(attention) >= 4 and int(good) + int(attention) <= int(total) == 5


def test_a_plan_without_figures_says_none_are_in_never_all_achieved(shili_plan):
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    for month in (datetime.date(2023, 6, 1), OCTOBER):
        for unit in (dongcheng, None):
            text = _text(render_report_html(unit, month, generated_at=AT, plan=shili_plan))
            assert "所有指标均已达成" not in text, (month, unit)
            assert "尚无" in _attention(text), (month, unit)


def test_all_achieved_is_said_only_when_every_target_is_met(shili_plan):
    seed_made_up_figures(shili_plan)
    standings.refresh_plan(shili_plan)
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    text = _text(render_report_html(dongcheng, OCTOBER, generated_at=AT, plan=shili_plan))
    assert "未达成" in _attention(text) and "所有指标均已达成" not in text
    # every figure of 2025 met: the first district of the made-up city meets all, say so
    for figure in Figure.objects.filter(target__task__part__plan=shili_plan, year=2025):
        if figure.denominator:
            figure.numerator = figure.denominator
        figure.achieved = True if figure.achieved is not None else None
        figure.save()
    standings.refresh_plan(shili_plan)
    text = _text(render_report_html(dongcheng, OCTOBER, generated_at=AT, plan=shili_plan))
    assert "需要关注的指标（0项）所有指标均已达成。" in text
