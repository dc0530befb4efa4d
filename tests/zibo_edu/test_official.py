"""Official documents (GB/T 9704): numbering, fonts, and the same model to PDF and Word."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from zibo_edu.lib import official
from zibo_edu.lib.official import Annex, Document, Heading, Paragraph, Table

UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")


def test_headings_are_numbered_by_level_and_restart_below():
    blocks = [Heading("评估概况"), Heading("学前教育", 2), Heading("普及", 3), Heading("普惠", 3),
              Heading("义务教育", 2), Heading("普及", 3), Heading("存在的问题")]  # fmt: skip
    labels = [label for _block, label in official.numbered(blocks)]
    assert labels == ["一、", "（一）", "1.", "2.", "（二）", "1.", "二、"]
    assert [official.chinese_number(n) for n in (1, 10, 11, 20, 35)] == [
        "一", "十", "十一", "二十", "三十五"]  # fmt: skip


def test_the_free_faces_stand_in_without_a_fonts_directory(settings):
    settings.OFFICIAL_FONTS_DIR = ""
    fonts = official.resolve_fonts()
    assert fonts["body"].family == "Noto Serif CJK SC" and fonts["body"].path is None
    assert fonts["kai"].family == "AR PL UKai CN"
    assert fonts["title"].bold


@pytest.mark.skipif(not UKAI.exists(), reason="fonts-arphic-ukai is not installed")
def test_a_licensed_font_in_the_fonts_directory_takes_precedence(settings, tmp_path):
    shutil.copy(UKAI, tmp_path / "仿宋_GB2312.ttc")  # any font file by the licensed name
    (tmp_path / "readme.txt").write_text("not a font")
    settings.OFFICIAL_FONTS_DIR = str(tmp_path)
    fonts = official.resolve_fonts()
    assert fonts["body"].family == "仿宋_GB2312" and fonts["body"].path.parent == tmp_path
    assert fonts["hei"].family == "Noto Sans CJK SC"  # not dropped in: the free face
    css = official.stylesheet(fonts)
    assert "@font-face { font-family: 'gw-body'" in css
    from docx import Document as Docx

    docx = Docx(io.BytesIO(official.render_docx(Document("标题", [Paragraph("正文")]), fonts)))
    assert 'w:eastAsia="仿宋_GB2312"' in docx.styles["公文正文"].element.xml


def test_a_notice_with_number_recipient_signature_and_annex(tmp_path):
    """The shape the ledger's 督办单 will use: 发文字号, 主送, body, 署名, 日期."""
    notice = Document(
        title="督办通知单",
        number="淄教督〔2026〕3号",
        recipient="张店区教育和体育局：",
        blocks=[Paragraph("请于2026年12月10日前报送学生体质健康测试2025年度数据。")],
        signature="淄博市教育局",
        date="2026年11月23日",
        annexes=[Annex("附件", "数据清单", [Table(["指标", "年度"], [["优良率", "2025"]])])],
    )
    path = tmp_path / "notice.pdf"
    path.write_bytes(official.render_pdf(notice))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout.replace(" ", "")  # fmt: skip
    for words in ("淄教督〔2026〕3号", "督办通知单", "张店区教育和体育局：", "淄博市教育局",
                  "2026年11月23日", "附件", "数据清单", "—1—", "—2—"):  # fmt: skip
        assert words in text, words
    assert official.plain_text(notice).startswith("淄教督〔2026〕3号\n督办通知单")
