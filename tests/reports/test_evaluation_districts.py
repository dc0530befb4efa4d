"""The evaluation's district table on the demo data: the page, the Word draft and the Excel
annex show the same columns and counts (from `Evaluation.district_table`), the counts add up to
the targets judged, and a district without its final figures gets no completion share."""

import io
import re

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from targets import demo

pytestmark = pytest.mark.django_db
URL = "/evaluation/zibo-2021-2025/?year=2025"


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    return plan


def _page_table(client) -> list[list[str]]:
    html = client.get(URL).content.decode()
    start = html.index("<h2>区县</h2>")
    table = html[html.index("<table", start) : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]


def test_the_page_word_and_excel_show_the_same_district_counts(
    client, city_admin, seeded, tmp_path
):
    client.force_login(city_admin)
    page = _page_table(client)
    header, rows = page[0], {row[0]: row for row in page[1:]}
    assert "基本完成" in header
    zhangdian = dict(zip(header, rows["张店区"], strict=True))
    judged = (zhangdian["评估指标数"], zhangdian["已完成"], zhangdian["基本完成"])
    assert judged == ("35", "26", "8")
    for row in page[1:]:  # every verdict has its column: the counts add up to the targets judged
        assert sum(int(n) for n in row[2:-1]) == int(row[1]), row

    docx = tmp_path / "e.docx"
    call_command("evaluation_report", plan="zibo-2021-2025", year=2025, format="docx",
                 output=str(docx), stdout=io.StringIO())  # fmt: skip
    table = next(t for t in Document(str(docx)).tables if t.rows[0].cells[0].text == "区县")
    word = [[cell.text for cell in row.cells] for row in table.rows]
    assert word[0][2:-1] == header[2:-1]  # the same verdict columns
    assert word[1:] == page[1:]  # the same counts and shares

    xlsx = tmp_path / "e.xlsx"
    call_command("evaluation_report", plan="zibo-2021-2025", year=2025, format="xlsx",
                 output=str(xlsx), stdout=io.StringIO())  # fmt: skip
    sheet = load_workbook(xlsx)["区县对比"]
    excel = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert list(excel[0][2:-1]) == header[2:-1]
    assert [row[:-1] for row in excel[1:]] == [
        [row[0], *(int(n) for n in row[1:-1])] for row in page[1:]
    ]


def test_a_district_without_its_final_figures_gets_no_completion_share(client, city_admin, seeded):
    """文昌湖区 reported nothing for 2025: one target judged done (due earlier), 34 without
    their final figure. "100.0%" would call it the best district."""
    client.force_login(city_admin)
    rows = {row[0]: row for row in _page_table(client)[1:]}
    share = rows["文昌湖区"][-1]
    assert "100" not in share and "34" in share
