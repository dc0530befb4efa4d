"""Official documents (公文) in the layout of GB/T 9704-2012, to PDF (WeasyPrint) and to Word.

A `Document` is a small model: an optional issuing authority and document number (发文字号, e.g.
淄教督〔2026〕3号), a title, a recipient line (主送机关), blocks (headings numbered 一、/（一）/
1., paragraphs, tables, page breaks), a signature and a date. `render_pdf` and `render_docx`
draw the same model, so the PDF and the Word draft say the same thing.

The layout the standard asks for: A4; a type area of 156 × 225 mm with a top margin (天头) of
37 mm and a left margin (订口) of 28 mm, so 26 mm right and 35 mm bottom; the title at 2号
(22 pt) in 小标宋, the body at 3号 (16 pt) in 仿宋 with 22 lines of 28 characters; headings 一、
in 黑体, （一） in 楷体, 1. in bold 仿宋; page numbers "— 1 —" at 4号 in 宋体 7 mm below the type
area, on the right of odd pages and the left of even pages, one character in from the edge.

Fonts: the licensed faces (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are used when the
directory named by the OFFICIAL_FONTS_DIR setting holds them; otherwise the closest free faces
Debian ships: Noto Serif CJK SC Bold for the title, Noto Serif CJK SC for the body (Debian has no
free simplified-Chinese 仿宋), AR PL UKai CN (fonts-arphic-ukai) for 楷体, Noto Sans CJK SC for
黑体.
The Word file names the same faces in its styles, so a bureau that uses other fonts changes one
style, not every paragraph.
"""

import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.utils.html import escape

# The type area and margins, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
TOP, LEFT, AREA_WIDTH, AREA_HEIGHT = 37, 28, 156, 225
RIGHT, BOTTOM = PAGE_WIDTH - LEFT - AREA_WIDTH, PAGE_HEIGHT - TOP - AREA_HEIGHT
PAGE_NUMBER_GAP = 7  # the page number's line starts 7 mm below the type area
LINES, CHARACTERS = 22, 28
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 12  # pt: 2号, 3号, 4号, 小四
MM = 72 / 25.4  # points per millimetre
LINE_PITCH = round(AREA_HEIGHT * MM / LINES, 1)  # 28.9 pt: 22 lines fill 225 mm
# 28 characters of 16 pt are 158 mm: each is drawn 0.2 pt closer to fit 156 mm.
LETTER_SPACING = round(AREA_WIDTH * MM / CHARACTERS - BODY_SIZE, 2)


# The document model ------------------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: Literal[1, 2, 3] = 1
    numbered: bool = True  # 一、/（一）/1. put in front by the renderer


ParagraphStyle = Literal["body", "plain", "draft", "note", "annex_label", "annex_title", "caption"]


@dataclass
class Paragraph:
    """`draft`: text for people to write or finish (shown as such); `plain`: no indent;
    `annex_label`: 附件 / 附件1 at the top of an annex; `annex_title`: the annex's title."""

    text: str
    style: ParagraphStyle = "body"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[float] | None = None  # relative widths of the columns
    numeric: set[int] = field(default_factory=set)  # columns aligned right


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


@dataclass
class Annex:
    """An annex after the signature, on a new page: 附件1 in 黑体, its title, its blocks."""

    label: str  # 附件, 附件1
    title: str
    blocks: list[Block] = field(default_factory=list)

    def as_blocks(self) -> list[Block]:
        return [PageBreak(), Paragraph(self.label, "annex_label"),
                Paragraph(self.title, "annex_title"), *self.blocks]  # fmt: skip


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""  # under the title, in 楷体: （征求意见稿）, （2026年11月）
    issuer: str = ""  # 发文机关标志, in red above the number
    number: str = ""  # 发文字号: 淄教督〔2026〕3号
    recipient: str = ""  # 主送机关, ends with "："
    signature: str = ""  # 发文机关署名
    date: str = ""  # 成文日期: 2026年11月23日
    watermark: str = ""  # e.g. 草稿: a draft never passes for the issued document
    annexes: list[Annex] = field(default_factory=list)


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (headings go no higher)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (
        (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")
    )


def numbered(blocks: list[Block]) -> list[tuple[Block, str]]:
    """Each block with its heading number: 一、 (level 1), （一） (2), 1. (3); a heading restarts
    the numbering of the levels below it."""
    counters = [0, 0, 0]
    out = []
    for block in blocks:
        label = ""
        if isinstance(block, Heading) and block.numbered:
            level = block.level - 1
            counters[level] += 1
            counters[level + 1 :] = [0] * (2 - level)
            n = counters[level]
            label = [f"{chinese_number(n)}、", f"（{chinese_number(n)}）", f"{n}."][level]
        out.append((block, label))
    return out


# Fonts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Face:
    role: str
    licensed: tuple[str, ...]  # names the licensed font goes by (file stems and family names)
    free: str  # the free face Debian ships
    free_bold: bool = False  # the free face stands in for a heavy one by its bold


FACES = {
    "title": Face("title", ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S",
                            "FZXiaoBiaoSong-B05", "FZXBSJW"), "Noto Serif CJK SC", free_bold=True),
    "body": Face("body", ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "simfang"),
                 "Noto Serif CJK SC"),
    "kai": Face("kai", ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "simkai"), "AR PL UKai CN"),
    "hei": Face("hei", ("黑体", "SimHei", "simhei"), "Noto Sans CJK SC"),
    "song": Face("song", ("宋体", "SimSun", "simsun"), "Noto Serif CJK SC"),
}  # fmt: skip
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}


@dataclass(frozen=True)
class ResolvedFace:
    family: str  # the name Word and fontconfig know it by
    path: Path | None  # the licensed file, or None for the free face
    bold: bool  # draw in bold (the free face standing in for a heavy one)


def fonts_dir() -> Path | None:
    configured = getattr(settings, "OFFICIAL_FONTS_DIR", "")
    return Path(configured) if configured else None


def resolve_fonts(directory: Path | None = None) -> dict[str, ResolvedFace]:
    """Which face each role uses: a licensed font in the fonts directory, else the free one."""
    directory = fonts_dir() if directory is None else directory
    return dict(_resolve(str(directory) if directory else ""))


@functools.lru_cache(maxsize=8)
def _resolve(directory: str) -> tuple[tuple[str, ResolvedFace], ...]:
    found = _font_names(Path(directory)) if directory else {}
    resolved = []
    for role, face in FACES.items():
        for name in face.licensed:
            if name.lower() in found:
                resolved.append((role, ResolvedFace(name, found[name.lower()], bold=False)))
                break
        else:
            resolved.append((role, ResolvedFace(face.free, None, bold=face.free_bold)))
    return tuple(resolved)


def _font_names(directory: Path) -> dict[str, Path]:
    """Every name (file stem, family and full name in any language) of the fonts in a folder."""
    from fontTools.ttLib import TTCollection, TTFont  # WeasyPrint's own dependency

    names: dict[str, Path] = {}
    if not directory.is_dir():
        return names
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        names.setdefault(path.stem.lower(), path)
        try:
            fonts = (
                TTCollection(path).fonts
                if path.suffix.lower() in (".ttc", ".otc")
                else [TTFont(path, lazy=True)]
            )
        except Exception:  # not a font after all: skip it, the free face stands in
            continue
        for font in fonts:
            for record in font["name"].names:
                if record.nameID in (1, 4):
                    try:
                        names.setdefault(record.toUnicode().strip().lower(), path)
                    except UnicodeDecodeError:
                        continue
    return names


# PDF -------------------------------------------------------------------------------------


def _stack(face: ResolvedFace, role: str) -> str:
    licensed = f"'gw-{role}', " if face.path else ""
    return f"{licensed}'{FACES[role].free}', 'Noto Serif CJK SC', serif"


def stylesheet(fonts: dict[str, ResolvedFace] | None = None) -> str:
    fonts = fonts or resolve_fonts()
    faces = "".join(
        f"@font-face {{ font-family: 'gw-{role}'; src: url('{face.path.as_uri()}'); "
        f"font-weight: {'700' if role == 'title' else 'normal'}; }}\n"
        for role, face in fonts.items()
        if face.path
    )
    title, body, kai, hei, song = (
        _stack(fonts[r], r) for r in ("title", "body", "kai", "hei", "song")
    )
    title_weight = "bold" if fonts["title"].bold or fonts["title"].path else "normal"
    number = (
        f'content: "— " counter(page) " —"; font-family: {song}; font-size: {PAGE_NUMBER_SIZE}pt; '
        f"vertical-align: top; padding-top: {PAGE_NUMBER_GAP}mm; white-space: nowrap;"
    )
    return f"""{faces}
@page {{ size: A4; margin: {TOP}mm {RIGHT}mm {BOTTOM}mm {LEFT}mm; }}
@page :right {{ @bottom-right {{ {number} text-align: right; padding-right: 1em; }} }}
@page :left {{ @bottom-left {{ {number} text-align: left; padding-left: 1em; }} }}
html {{ font-family: {body}; font-size: {BODY_SIZE}pt; line-height: {LINE_PITCH}pt;
        letter-spacing: {LETTER_SPACING}pt; color: #000; }}
body {{ margin: 0; }}
p, h1, h2, h3, h4 {{ margin: 0; font-size: {BODY_SIZE}pt; font-weight: normal; }}
p.body, p.draft, h2, h3, h4 {{ text-indent: 2em; text-align: justify; }}
h1.title {{ font-family: {title}; font-weight: {title_weight}; font-size: {TITLE_SIZE}pt;
            line-height: {round(TITLE_SIZE * 1.5)}pt; text-align: center; letter-spacing: 0;
            margin-bottom: {LINE_PITCH}pt; }}
p.subtitle {{ font-family: {kai}; text-align: center; margin-top: -{LINE_PITCH}pt;
              margin-bottom: {LINE_PITCH}pt; }}
p.issuer {{ font-family: {title}; font-weight: {title_weight}; font-size: 30pt; line-height: 40pt;
            color: #c00; text-align: center; letter-spacing: 0; }}
p.number {{ text-align: center; margin: {LINE_PITCH}pt 0 4mm; }}
hr.red {{ border: 0; border-top: 1pt solid #c00; margin: 0 0 {LINE_PITCH}pt; }}
p.recipient {{ text-indent: 0; }}
h2 {{ font-family: {hei}; }}
h3 {{ font-family: {kai}; }}
h4 {{ font-family: {body}; font-weight: bold; }}
h2, h3, h4 {{ break-after: avoid; }}
p.plain, p.caption {{ text-indent: 0; }}
p.draft {{ color: #1f4e8c; }}
p.note {{ font-size: {TABLE_SIZE}pt; line-height: 1.5; text-indent: 0; letter-spacing: 0; }}
p.annex_label {{ font-family: {hei}; text-indent: 0; }}
p.annex_title {{ font-family: {title}; font-weight: {title_weight}; font-size: {TITLE_SIZE}pt;
                 line-height: {round(TITLE_SIZE * 1.5)}pt; text-align: center; letter-spacing: 0;
                 margin: {LINE_PITCH / 2}pt 0 {LINE_PITCH / 2}pt; }}
p.caption {{ font-family: {hei}; text-align: center; break-after: avoid; }}
p.signature, p.date {{ text-indent: 0; text-align: right; }}
p.signature {{ margin-top: {LINE_PITCH * 2}pt; padding-right: 2em; }}
p.date {{ padding-right: 4em; }}
.watermark {{ position: fixed; top: 90mm; left: 0; right: 0; text-align: center;
              font-size: 96pt; color: rgba(0, 0, 0, 0.07); transform: rotate(-30deg); }}
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0 {LINE_PITCH / 2}pt;
         font-size: {TABLE_SIZE}pt; line-height: 1.35; letter-spacing: 0; }}
th, td {{ border: 0.6pt solid #000; padding: 1mm 1.2mm; vertical-align: middle; }}
th {{ font-family: {hei}; font-weight: normal; text-align: center; }}
td.n {{ text-align: right; white-space: nowrap; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.break {{ break-before: page; }}
"""


def to_html(document: Document, fonts: dict[str, ResolvedFace] | None = None) -> str:
    parts = [
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title><style>{stylesheet(fonts)}</style></head><body>",
    ]
    if document.watermark:
        parts.append(f'<div class="watermark">{escape(document.watermark)}</div>')
    if document.issuer:
        parts.append(f'<p class="issuer">{escape(document.issuer)}</p>')
    if document.number:
        parts.append(f'<p class="number">{escape(document.number)}</p>')
    if document.issuer:
        parts.append('<hr class="red">')
    parts.append(f'<h1 class="title">{_lines(document.title)}</h1>')
    if document.subtitle:
        parts.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
    if document.recipient:
        parts.append(f'<p class="recipient">{escape(document.recipient)}</p>')
    parts += _blocks_html(document.blocks)
    if document.signature:
        parts.append(f'<p class="signature">{escape(document.signature)}</p>')
    if document.date:
        parts.append(f'<p class="date">{escape(document.date)}</p>')
    for annex in document.annexes:
        parts += _blocks_html(annex.as_blocks())
    parts.append("</body></html>")
    return "".join(parts)


def _blocks_html(blocks: list[Block]) -> list[str]:
    parts, page_break = [], False
    for block, label in numbered(blocks):
        if isinstance(block, PageBreak):
            page_break = True
            continue
        opening = '<div class="break">' if page_break else ""
        closing = "</div>" if page_break else ""
        page_break = False
        if isinstance(block, Heading):
            tag = f"h{block.level + 1}"
            parts.append(f"{opening}<{tag}>{escape(label)}{escape(block.text)}</{tag}>{closing}")
        elif isinstance(block, Paragraph):
            parts.append(f'{opening}<p class="{block.style}">{escape(block.text)}</p>{closing}')
        else:
            parts.append(opening + _table_html(block) + closing)
    return parts


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _table_html(table: Table) -> str:
    parts = []
    if table.caption:
        parts.append(f'<p class="caption">{escape(table.caption)}</p>')
    parts.append("<table>")
    if table.widths:
        total = sum(table.widths)
        parts.append(
            "<colgroup>"
            + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in table.widths)
            + "</colgroup>"
        )
    parts.append(
        "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in table.header) + "</tr></thead>"
    )
    parts.append("<tbody>")
    for row in table.rows:
        cells = "".join(
            f'<td class="n">{escape(c)}</td>' if i in table.numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def render_pdf(document: Document, fonts: dict[str, ResolvedFace] | None = None) -> bytes:
    from weasyprint import HTML  # loading Pango costs ~0.3 s: only documents need it

    return HTML(string=to_html(document, fonts), base_url=None).write_pdf()


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
    if document.signature:
        _add(docx, document.signature, "signature")
    if document.date:
        _add(docx, document.date, "date")
    for annex in document.annexes:
        _docx_blocks(docx, annex.as_blocks())
    docx.core_properties.title = document.title.replace("\n", "")
    docx.core_properties.language = "zh-CN"
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


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
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance = Mm(15)
    # The number's line starts 7 mm below the type area: its bottom is that less one line of 4号.
    section.footer_distance = Mm(BOTTOM - PAGE_NUMBER_GAP) - Pt(PAGE_NUMBER_SIZE * 1.3)
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
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    styles = docx.styles
    normal = styles["Normal"]
    _east_asian(normal, fonts["body"])
    normal.font.size = Pt(BODY_SIZE)
    exact = WD_LINE_SPACING.EXACTLY

    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    def paragraph_style(key, face, *, size=BODY_SIZE, align=justify, indent=2, bold=None,
                        line=LINE_PITCH, outline=None, base=normal):  # fmt: skip
        style = styles.add_style(STYLES[key], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = base
        style.quick_style = True
        _east_asian(style, fonts[face])
        style.font.size = Pt(size)
        style.font.bold = fonts[face].bold if bold is None else bold
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(size * indent) if indent else Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if line:
            fmt.line_spacing_rule, fmt.line_spacing = exact, Pt(line)
        else:
            fmt.line_spacing = 1.15
        if outline is not None:
            fmt.keep_with_next = True
            _outline_level(style, outline)
        return style

    center = WD_ALIGN_PARAGRAPH.CENTER
    title = paragraph_style("title", "title", size=TITLE_SIZE, align=center, indent=0,
                            line=round(TITLE_SIZE * 1.5))  # fmt: skip
    title.paragraph_format.space_after = Pt(LINE_PITCH)
    paragraph_style("subtitle", "kai", align=center, indent=0).paragraph_format.space_after = Pt(
        LINE_PITCH
    )
    issuer = paragraph_style("issuer", "title", size=30, align=center, indent=0, line=40)
    issuer.font.color.rgb = RGBColor(0xCC, 0, 0)
    number = paragraph_style("number", "body", align=center, indent=0)
    number.paragraph_format.space_before = Pt(LINE_PITCH)
    number.paragraph_format.space_after = Pt(LINE_PITCH)
    paragraph_style("recipient", "body", indent=0)
    paragraph_style(1, "hei", bold=False, outline=0)
    paragraph_style(2, "kai", bold=False, outline=1)
    paragraph_style(3, "body", bold=True, outline=2)
    body = paragraph_style("body", "body", bold=False)
    paragraph_style("plain", "body", indent=0, bold=False)
    draft = paragraph_style("draft", "body", bold=False, base=body)
    draft.font.color.rgb = RGBColor(0x1F, 0x4E, 0x8C)
    paragraph_style("note", "body", size=TABLE_SIZE, indent=0, bold=False, line=None)
    paragraph_style("annex_label", "hei", indent=0, bold=False)
    annex = paragraph_style("annex_title", "title", size=TITLE_SIZE, align=center, indent=0,
                            line=round(TITLE_SIZE * 1.5))  # fmt: skip
    annex.paragraph_format.space_after = Pt(LINE_PITCH / 2)
    paragraph_style("caption", "hei", align=center, indent=0, bold=False).paragraph_format\
        .keep_with_next = True  # fmt: skip
    paragraph_style("table", "body", size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, indent=0,
                    bold=False, line=None)  # fmt: skip
    paragraph_style("table_header", "hei", size=TABLE_SIZE, align=center, indent=0, bold=False,
                    line=None)  # fmt: skip
    signature = paragraph_style("signature", "body", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0,
                                bold=False)  # fmt: skip
    signature.paragraph_format.space_before = Pt(LINE_PITCH * 2)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    date = paragraph_style("date", "body", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=0, bold=False)
    date.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
    paragraph_style("page_number", "song", size=PAGE_NUMBER_SIZE, indent=0, bold=False, line=None)


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
        column.width = Mm(AREA_WIDTH * width / total)  # the grid, for LibreOffice and WPS
        for cell in column.cells:
            cell.width = Mm(AREA_WIDTH * width / total)  # each cell, for Word
    return first or grid.rows[0].cells[0].paragraphs[0]


def plain_text(document: Document) -> str:
    """The document as text: for tests and for a mail body."""
    lines = [document.number, document.title, document.subtitle, document.recipient]
    blocks = list(document.blocks)
    for annex in document.annexes:
        blocks += annex.as_blocks()
    for block, label in numbered(blocks):
        if isinstance(block, Heading):
            lines.append(label + block.text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines += [block.caption, "\t".join(block.header)]
            lines += ["\t".join(row) for row in block.rows]
    lines += [document.signature, document.date]
    return "\n".join(line for line in lines if line)


_SAFE_NAME = re.compile(r"[^\w.-]+")


def file_name(stem: str, extension: str) -> str:
    """A file name safe in a Content-Disposition header and on Windows."""
    return f"{_SAFE_NAME.sub('-', stem).strip('-')}.{extension}"
