"""The document to Word (.docx) through python-docx, every paragraph in a named style."""

import functools
import io

from .document import Block, Document, Heading, PageBreak, Paragraph, Table, numbered
from .fonts import ResolvedFace, resolve_fonts
from .geometry import (
    BODY_SIZE,
    CHARACTER_PITCH,
    DASH_DROP,
    ISSUER_SIZE,
    LETTER_SPACING,
    LINE_PITCH,
    PAGE,
    PAGE_NUMBER_SIZE,
    TABLE_SIZE,
    TITLE_SIZE,
)

# Word ------------------------------------------------------------------------------------

# Style names as a Chinese bureau's template names them; the body style is 正文 ("Normal").
STYLES = {
    "title": "公文标题",
    "subtitle": "公文副标题",
    "issuer": "发文机关标志",
    "number": "发文字号",
    "recipient": "主送机关",
    1: "一级标题",
    2: "二级标题",
    3: "三级标题",
    "body": "公文正文",
    "plain": "正文不缩进",
    "draft": "待撰写",
    "note": "注释",
    "annex_label": "附件标识",
    "annex_title": "附件标题",
    "caption": "表题",
    "table": "表格文字",
    "table_header": "表格标题行",
    "signature": "署名",
    "date": "成文日期",
    "page_number": "页码",
}


def render_docx(document: Document, fonts: dict[str, ResolvedFace] | None = None) -> bytes:
    """The document as Word .docx: every paragraph takes a named style (no direct formatting),
    so the bureau edits the draft in Word or WPS and changes a face or size in one place."""
    from docx import Document as Docx

    fonts = fonts or resolve_fonts()
    docx = Docx()
    _page_setup(docx)
    _styles(docx, fonts)
    _page_numbers(docx)
    body = docx.element.body
    for paragraph in list(docx.paragraphs):  # the template's empty first paragraph
        body.remove(paragraph._element)
    if document.issuer:
        _add(docx, document.issuer, "issuer")
    if document.number:
        _add(docx, document.number, "number")
    title = _add(docx, "", "title")
    for i, line in enumerate(document.title.split("\n")):
        if i:
            title.add_run().add_break()
        title.add_run(line)
    if document.subtitle:
        _add(docx, document.subtitle, "subtitle")
    if document.recipient:
        _add(docx, document.recipient, "recipient")
    _docx_blocks(docx, document.blocks)
    _docx_signing(docx, document)
    for annex in document.annexes:
        _docx_blocks(docx, annex.as_blocks())
    docx.core_properties.title = document.title.replace("\n", "")
    docx.core_properties.language = "zh-CN"
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _docx_signing(docx, document: Document) -> None:
    """The signature centred over the date; the last paragraph kept on their page."""
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph as DocxParagraph

    if not (document.signature or document.date):
        return
    last = docx.element.body.xpath(".//w:p")
    if last:  # a property of this paragraph, as a page break is: Word keeps it with the next
        DocxParagraph(last[-1], None).paragraph_format.keep_with_next = True
    if document.signature:
        signature = _add(docx, document.signature, "signature")
        right = signing_indent(document.signature, document.date)
        signature.paragraph_format.right_indent = Pt(right * CHARACTER_PITCH)
    if document.date:
        _add(docx, document.date, "date")


def signing_indent(signature: str, date: str) -> float:
    """How many characters in from the right the signature ends to sit centred over the date
    (右空四字). Word cannot centre one line over another, so this counts widths: a Chinese
    character one, a digit or Latin letter half (the licensed 仿宋 draws them so)."""
    width = {text: sum(0.5 if ord(c) < 0x2E80 else 1 for c in text) for text in (signature, date)}
    centre = max(PAGE.date_right + width[date] / 2, width[signature] / 2)
    return centre - width[signature] / 2


def _styled(paragraph, docx, key):
    """Give a paragraph a style by its id: python-docx's own lookup scans every style each time,
    which made a report of 1,000 table cells take seconds."""
    ids = docx.__dict__.setdefault("_style_ids", {})
    if key not in ids:
        ids[key] = docx.styles[STYLES[key]].style_id
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = ids[key]
    return paragraph


def _add(docx, text: str, key):
    paragraph = docx.add_paragraph(text)
    return _styled(paragraph, docx, key)


def _docx_blocks(docx, blocks: list[Block]) -> None:
    page_break = False
    for block, label in numbered(blocks):
        if isinstance(block, PageBreak):
            page_break = True
            continue
        if isinstance(block, Heading):
            paragraph = _add(docx, label + block.text, block.level)
        elif isinstance(block, Paragraph):
            paragraph = _add(docx, block.text, block.style)
        else:
            paragraph = _docx_table(docx, block)
        if page_break:
            # A property of this paragraph, not a style: Word keeps it as "page break before".
            paragraph.paragraph_format.page_break_before = True
            page_break = False


def _page_setup(docx) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = docx.sections[0]
    section.page_width, section.page_height = Mm(PAGE.width), Mm(PAGE.height)
    section.top_margin, section.bottom_margin = Mm(PAGE.top), Mm(PAGE.bottom)
    section.left_margin, section.right_margin = Mm(PAGE.left), Mm(PAGE.right)
    section.header_distance = Mm(15)
    # The page number's line is one 4号 high, its dash DASH_DROP down it, 7 mm under the type area.
    section.footer_distance = Mm(PAGE.bottom - PAGE.page_number_gap) - Pt(
        (1 - DASH_DROP) * PAGE_NUMBER_SIZE
    )
    # No document grid: with exact line spacing the 22 lines need none, and a grid would snap
    # the title and table lines to the body's pitch.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)
    docx.settings.odd_and_even_pages_header_footer = True


def _east_asian(style, face: ResolvedFace) -> None:
    """Name the face for Chinese text as well as Latin: python-docx sets only the latter."""
    from docx.oxml.ns import qn

    style.font.name = face.family
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), face.family)
    fonts.set(qn("w:hAnsi"), face.family)


def _styles(docx, fonts: dict[str, ResolvedFace]) -> None:
    from docx.shared import Pt

    normal = docx.styles["Normal"]
    _east_asian(normal, fonts["body"])
    normal.font.size = Pt(BODY_SIZE)
    _character_spacing(normal, LETTER_SPACING)
    _no_autospace(normal)
    add = functools.partial(_paragraph_style, docx, fonts)
    _head_styles(add)
    _text_styles(add)
    _signing_styles(add)


def _paragraph_style(docx, fonts, key, face, *, size=BODY_SIZE, align="justify", indent=2,
                     bold=None, line=LINE_PITCH, outline=None, base=None):  # fmt: skip
    """A named paragraph style: its face, size, alignment, first-line indent (in characters),
    exact line pitch (None: 1.15 lines). Text of the body's size is drawn at the body's
    character pitch, 28 to a line; other sizes at their own."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    style = docx.styles.add_style(STYLES[key], WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base or docx.styles["Normal"]
    style.quick_style = True
    _east_asian(style, fonts[face])
    style.font.size = Pt(size)
    style.font.bold = fonts[face].bold if bold is None else bold
    spacing = LETTER_SPACING if size == BODY_SIZE else 0
    _character_spacing(style, spacing)
    fmt = style.paragraph_format
    fmt.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
    fmt.first_line_indent = Pt(indent * (size + spacing))
    fmt.space_before = fmt.space_after = Pt(0)
    if line:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    else:
        fmt.line_spacing = 1.15
    if outline is not None:
        fmt.keep_with_next = True
        _outline_level(style, outline)
    return style


def _head_styles(add) -> None:
    from docx.shared import Pt, RGBColor

    title_line = round(TITLE_SIZE * 1.5)
    title = add("title", "title", size=TITLE_SIZE, align="center", indent=0, line=title_line)
    title.paragraph_format.space_after = Pt(LINE_PITCH)
    subtitle = add("subtitle", "kai", align="center", indent=0)
    subtitle.paragraph_format.space_after = Pt(LINE_PITCH)
    issuer = add("issuer", "title", size=ISSUER_SIZE, align="center", indent=0, line=40)
    issuer.font.color.rgb = RGBColor(0xCC, 0, 0)
    number = add("number", "body", align="center", indent=0)
    number.paragraph_format.space_before = Pt(LINE_PITCH)
    number.paragraph_format.space_after = Pt(LINE_PITCH)
    annex = add("annex_title", "title", size=TITLE_SIZE, align="center", indent=0,
                line=title_line)  # fmt: skip
    annex.paragraph_format.space_after = Pt(LINE_PITCH / 2)


def _text_styles(add) -> None:
    from docx.shared import RGBColor

    add("recipient", "body", indent=0)
    add(1, "hei", bold=False, outline=0)
    add(2, "kai", bold=False, outline=1)
    add(3, "body", bold=True, outline=2)
    body = add("body", "body", bold=False)
    add("plain", "body", indent=0, bold=False)
    draft = add("draft", "body", bold=False, base=body)
    draft.font.color.rgb = RGBColor(0x1F, 0x4E, 0x8C)
    add("note", "body", size=TABLE_SIZE, indent=0, bold=False, line=None)
    add("annex_label", "hei", indent=0, bold=False)
    add(
        "caption", "hei", align="center", indent=0, bold=False
    ).paragraph_format.keep_with_next = True
    add("table", "body", size=TABLE_SIZE, align="left", indent=0, bold=False, line=None)
    add("table_header", "hei", size=TABLE_SIZE, align="center", indent=0, bold=False, line=None)
    add("page_number", "song", size=PAGE_NUMBER_SIZE, indent=0, bold=False,
        line=PAGE_NUMBER_SIZE)  # fmt: skip


def _signing_styles(add) -> None:
    """The sealed layout: the date 右空四字, the signature two lines under the body and kept
    with the date; render_docx centres the signature over the date by its right indent."""
    from docx.shared import Pt

    signature = add("signature", "body", align="right", indent=0, bold=False)
    signature.paragraph_format.space_before = Pt(LINE_PITCH * 2)
    signature.paragraph_format.right_indent = Pt(PAGE.date_right * CHARACTER_PITCH)
    signature.paragraph_format.keep_with_next = True
    date = add("date", "body", align="right", indent=0, bold=False)
    date.paragraph_format.right_indent = Pt(PAGE.date_right * CHARACTER_PITCH)


# The children of w:rPr that come after w:spacing, in the schema's order (Word insists on it).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                     "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                     "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")  # fmt: skip


# The children of w:pPr that come after w:autoSpaceDN, in the schema's order.
PPR_AFTER_AUTOSPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                       "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                       "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                       "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                       "w:pPrChange")  # fmt: skip


def _no_autospace(style) -> None:
    """No extra space between Chinese and digits or Latin letters (Word and Writer add a
    quarter em by default; the PDF adds none): a line of 28 stays 28 when it holds a date."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        ppr.insert_element_before(element, *PPR_AFTER_AUTOSPACE)


def _character_spacing(style, points: float) -> None:
    """Draw the style's characters `points` closer (negative) or further apart (w:spacing)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *RPR_AFTER_SPACING)
    spacing.set(qn("w:val"), str(round(points * 20)))


def _outline_level(style, level: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    ppr.append(outline)


def _page_numbers(docx) -> None:
    """ "— 1 —" as a PAGE field: on the right of odd pages, on the left of even pages, one
    character (of 4号) in from the edge of the type area."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = docx.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = docx.styles[STYLES["page_number"]]
        paragraph.alignment = align  # the one paragraph setting the style cannot say per page
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_SIZE)
        else:
            paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_SIZE)
        paragraph.add_run("— ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" —")


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _docx_table(docx, table: Table):
    """A table in the grid style, its cells in the table styles, its header repeated on every
    page. Returns the first paragraph (the caption, or the first cell's), for a page break."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    first = None
    if table.caption:
        first = _add(docx, table.caption, "caption")
    grid = docx.add_table(rows=1, cols=len(table.header))
    grid.style = docx.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_row = grid.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(header_row.cells, table.header, strict=True):
        cell.paragraphs[0].text = text
        _styled(cell.paragraphs[0], docx, "table_header")
    for row in table.rows:
        cells = grid.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.paragraphs[0].text = text
            _styled(cell.paragraphs[0], docx, "table")
            if i in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    widths = table.widths or [1] * len(table.header)
    total = sum(widths)
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(PAGE.area_width * width / total)  # the grid, for LibreOffice and WPS
        for cell in column.cells:
            cell.width = Mm(PAGE.area_width * width / total)  # each cell, for Word
    return first or grid.rows[0].cells[0].paragraphs[0]
