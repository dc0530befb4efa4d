"""A demo plan's (Plan.is_demo) monthly report says 演示 on every page of its PDF and in its mail,
like the pages' demo banner; a real plan's never does."""

import datetime
import subprocess

import pytest

from demo.management.commands.load_demo_plans import seed_made_up_figures
from departments.models import District
from reports import delivery
from reports.models import Report
from reports.rendering import render_report
from targets import standings

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)
AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [page.replace(" ", "") for page in text.split("\f") if page.strip()]


def test_a_demo_plans_report_is_marked_on_every_page_and_in_its_mail(shili_plan, tmp_path):
    seed_made_up_figures(shili_plan)
    standings.refresh_plan(shili_plan)
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    pages = _pages(render_report(dongcheng, OCTOBER, generated_at=AT, plan=shili_plan), tmp_path)
    assert len(pages) > 1
    assert "演示：本规划为虚构示例，不是真实文件；其数据均为虚构。" in pages[0]
    for number, page in enumerate(pages, 1):
        assert "【演示】" in page, number

    report = Report(plan=shili_plan, district=dongcheng, month=OCTOBER)
    subject, body = delivery._subject(report), delivery._body(report)
    assert subject.startswith("【演示】")
    assert "演示：本规划为虚构示例，不是真实文件；其数据均为虚构。" in body


def test_a_real_plans_report_and_mail_say_no_demo(plan, zhangdian, tmp_path):
    pages = _pages(render_report(zhangdian, OCTOBER, generated_at=AT, plan=plan), tmp_path)
    assert not any("演示" in page for page in pages)
    report = Report(plan=plan, district=zhangdian, month=OCTOBER)
    assert "演示" not in delivery._subject(report) + delivery._body(report)


def test_the_cover_names_the_plans_own_period(plan, settings):
    """Zibo's 十五五 (a made-up successor, 演示) is no 十四五 plan."""
    from reports.rendering import render_report_html
    from targets.loading import load_plan_file

    successor = load_plan_file(
        settings.BASE_DIR / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml"
    ).plan
    html = render_report_html(None, OCTOBER, generated_at=AT, plan=successor)
    cover = html[html.index('<section class="cover">') : html.index("</section>")]
    assert "教育事业发展“十五五”规划" in cover and "十四五" not in cover
    html = render_report_html(None, OCTOBER, generated_at=AT, plan=plan)
    assert "教育事业发展“十四五”规划" in html
