"""The supervision notice (督办单) prints as an official document in the GB/T 9704 layout of
zibo_edu/lib/official/: the mark, 发文字号, title, recipient line, body, signature, date; on
one page."""

import datetime
import re
import subprocess

import pytest

from ledger import notices

pytestmark = pytest.mark.django_db


def pdftotext(path, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, check=True,
                          text=True).stdout  # fmt: skip


@pytest.fixture
def notice(plan, city_admin, zhangdian):
    return notices.issue(
        plan, city_admin, district=zhangdian, subject="关于学生体质健康测试优良率未达成的督办通知",
        facts="二(一)4-1 学生体质健康测试优良率：2025年54.6%，目标55%以上，未达成。\n"
              "请说明原因。",
        requirements="分析原因，制定整改措施。",
        reply_deadline=datetime.date.today() + datetime.timedelta(days=15),
    )  # fmt: skip


def test_the_notice_is_drawn_by_the_official_layout(notice):
    document = notices.notice_document(notice)
    assert document.number == "淄教督〔2026〕1号"
    assert document.issuer == "淄博市教育局督办单"
    assert document.recipient == "张店区："
    assert document.signature == "淄博市教育局"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", document.date)


def test_the_pdf_is_one_page_with_the_gbt_9704_margins(notice, tmp_path):
    out = tmp_path / "notice.pdf"
    out.write_bytes(notices.render_notice_pdf(notice))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "595.276 x 841.89" in info
    flat = re.sub(r"\s+", "", pdftotext(out, "-layout"))
    for words in ("淄博市教育局督办单", "淄教督〔2026〕1号", "张店区：", "54.6%", "督办要求：",
                  "淄博市教育局", "—1—"):  # fmt: skip
        assert words in flat, words
    boxes = pdftotext(out, "-bbox")
    words = [
        tuple(float(v) * 25.4 / 72 for v in m)
        for m in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boxes
        )
    ]
    body = [w for w in words if w[1] < 262]
    assert 27 <= min(w[0] for w in body) <= 29.5  # left margin (订口) 28 mm
    # top margin (天头) 37 mm; the red mark's 30 pt glyphs overhang their line by half a mm
    assert 36 <= min(w[1] for w in body) <= 40
    assert max(w[2] for w in body) <= 184.5  # type area 156 mm wide


def test_every_demo_notice_prints_on_one_page(plan, city_admin, tmp_path):
    """The demo's notices carry the longest facts the ledger writes (a lagging task: its
    status, the reason, since when), each still fits one page with its signature and date."""
    from ledger import demo
    from ledger.models import Notice
    from tests import pdf_pages

    demo.seed(plan, city_admin)
    assert Notice.objects.count() >= 3
    for notice in Notice.objects.all():
        out = tmp_path / f"notice-{notice.sequence}.pdf"
        out.write_bytes(notices.render_notice_pdf(notice))
        texts = [line.text for line in pdf_pages.lines(out, 1)]
        assert pdf_pages.page_count(out) == 1, (notice.number, texts)
        assert "淄博市教育局" in texts and texts[-2].endswith("日"), texts
