"""The document to HTML and CSS, and through WeasyPrint to PDF."""

from django.utils.html import escape

from .document import Block, Document, Heading, PageBreak, Paragraph, Table, numbered
from .fonts import FACES, ResolvedFace, resolve_fonts
from .geometry import (
    BODY_SIZE,
    CHARACTER_PITCH,
    DASH_DROP,
    ISSUER_SIZE,
    LETTER_SPACING,
    LINE_PITCH,
    MM,
    PAGE,
    PAGE_NUMBER_SIZE,
    TABLE_SIZE,
    TITLE_SIZE,
)

INDENT = 2 * CHARACTER_PITCH  # pt: a paragraph's first line starts two characters in
TITLE_LINE = round(TITLE_SIZE * 1.5)  # pt


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
    stacks = {role: _stack(fonts[role], role) for role in ("title", "body", "kai", "hei", "song")}
    title_weight = "bold" if fonts["title"].bold or fonts["title"].path else "normal"
    return (
        faces
        + _page_css(stacks["song"])
        + _text_css(stacks)
        + _head_css(stacks, title_weight)
        + _signing_css()
        + _table_css(stacks["hei"])
    )


def _page_css(song: str) -> str:
    """A4 with the type area's margins; "— 1 —" in 4号 宋体 with its dash 7 mm below the type
    area, on the right of odd pages and the left of even ones, one character in from the edge."""
    number = (
        f'content: "— " counter(page) " —"; font-family: {song}; font-size: {PAGE_NUMBER_SIZE}pt; '
        f"line-height: {PAGE_NUMBER_SIZE}pt; letter-spacing: 0; vertical-align: top; "
        f"padding-top: {PAGE.page_number_gap * MM - DASH_DROP * PAGE_NUMBER_SIZE:.2f}pt; "
        "white-space: nowrap;"
    )
    return f"""
@page {{ size: A4; margin: {PAGE.top}mm {PAGE.right}mm {PAGE.bottom}mm {PAGE.left}mm; }}
@page :right {{ @bottom-right {{ {number} text-align: right; padding-right: 1em; }} }}
@page :left {{ @bottom-left {{ {number} text-align: left; padding-left: 1em; }} }}
"""


def _text_css(stacks: dict[str, str]) -> str:
    """The body on the grid of 22 lines of 28 characters; headings 一、 in 黑体, （一） in 楷体,
    1. in bold 仿宋."""
    return f"""
html {{ font-family: {stacks["body"]}; font-size: {BODY_SIZE}pt; line-height: {LINE_PITCH}pt;
        letter-spacing: {LETTER_SPACING}pt; color: #000; }}
body {{ margin: 0; }}
p, h1, h2, h3, h4 {{ margin: 0; font-size: {BODY_SIZE}pt; font-weight: normal; }}
p.body, p.draft, h2, h3, h4 {{ text-indent: {INDENT}pt; text-align: justify; }}
p.recipient, p.plain, p.caption {{ text-indent: 0; }}
h2 {{ font-family: {stacks["hei"]}; }}
h3 {{ font-family: {stacks["kai"]}; }}
h4 {{ font-family: {stacks["body"]}; font-weight: bold; }}
h2, h3, h4 {{ break-after: avoid; }}
p.draft {{ color: #1f4e8c; }}
p.note {{ font-size: {TABLE_SIZE}pt; line-height: 1.5; text-indent: 0; letter-spacing: 0; }}
p.annex_label {{ font-family: {stacks["hei"]}; text-indent: 0; }}
p.caption {{ font-family: {stacks["hei"]}; text-align: center; break-after: avoid; }}
.watermark {{ position: fixed; top: 90mm; left: 0; right: 0; text-align: center;
              font-size: 96pt; color: rgba(0, 0, 0, 0.07); transform: rotate(-30deg); }}
.break {{ break-before: page; }}
"""


def _head_css(stacks: dict[str, str], title_weight: str) -> str:
    """The red 发文机关标志, the 发文字号 with the red rule 4 mm under its characters (its line
    is one em high, so the line's bottom is the characters' bottom), the title, the subtitle."""
    title = f"font-family: {stacks['title']}; font-weight: {title_weight}; letter-spacing: 0;"
    return f"""
p.issuer {{ {title} font-size: {ISSUER_SIZE}pt; line-height: 40pt; color: #c00;
            text-align: center; }}
p.number {{ text-align: center; line-height: {BODY_SIZE}pt;
            margin: {LINE_PITCH}pt 0 {PAGE.rule_gap}mm; }}
hr.red {{ border: 0; border-top: 1pt solid #c00; margin: 0 0 {LINE_PITCH}pt; }}
body.tight p.number {{ margin-top: {LINE_PITCH / 2}pt; }}
body.tight hr.red {{ margin-bottom: {LINE_PITCH / 2}pt; }}
body.tight h1.title {{ line-height: {LINE_PITCH}pt; }}
h1.title {{ {title} font-size: {TITLE_SIZE}pt; line-height: {TITLE_LINE}pt; text-align: center;
            margin-bottom: {LINE_PITCH}pt; }}
p.subtitle {{ font-family: {stacks["kai"]}; text-align: center; margin-top: -{LINE_PITCH}pt;
              margin-bottom: {LINE_PITCH}pt; }}
p.annex_title {{ {title} font-size: {TITLE_SIZE}pt; line-height: {TITLE_LINE}pt;
                 text-align: center; margin: {LINE_PITCH / 2}pt 0 {LINE_PITCH / 2}pt; }}
"""


def _signing_css() -> str:
    """The sealed layout: the date 右空四字, the signature centred over it, two lines under the
    body to leave the seal room; the pair never goes to a page without the last paragraph."""
    return f"""
div.signing {{ margin-top: {LINE_PITCH * 2}pt; text-align: right; text-indent: 0;
               padding-right: {PAGE.date_right * CHARACTER_PITCH}pt;
               break-before: avoid; break-inside: avoid; }}
body.tight div.signing {{ margin-top: {LINE_PITCH}pt; }}
div.signing > div {{ display: inline-block; text-align: center; white-space: nowrap; }}
"""


def _table_css(hei: str) -> str:
    return f"""
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0 {LINE_PITCH / 2}pt;
         font-size: {TABLE_SIZE}pt; line-height: 1.35; letter-spacing: 0; }}
th, td {{ border: 0.6pt solid #000; padding: 1mm 1.2mm; vertical-align: middle; }}
th {{ font-family: {hei}; font-weight: normal; text-align: center; }}
td.n {{ text-align: right; white-space: nowrap; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
"""


def to_html(
    document: Document, fonts: dict[str, ResolvedFace] | None = None, *, tight: bool = False
) -> str:
    parts = [
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title><style>{stylesheet(fonts)}</style></head>",
        '<body class="tight">' if tight else "<body>",
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
    parts.append(_signing_html(document))
    for annex in document.annexes:
        parts += _blocks_html(annex.as_blocks())
    parts.append("</body></html>")
    return "".join(parts)


def _signing_html(document: Document) -> str:
    lines = "".join(
        f'<p class="{kind}">{escape(text)}</p>'
        for kind, text in (("signature", document.signature), ("date", document.date))
        if text
    )
    return f'<div class="signing"><div>{lines}</div></div>' if lines else ""


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
    """The document as PDF. A document under a 发文机关标志 (a 督办单) that runs onto another
    page is set again with the head and the signature closer together (one blank line where
    the standard's layout leaves two): when that saves the page, the tighter one is printed."""
    from weasyprint import HTML  # loading Pango costs ~0.3 s: only documents need it

    rendered = HTML(string=to_html(document, fonts), base_url=None).render()
    if document.issuer and len(rendered.pages) > 1:
        tight = HTML(string=to_html(document, fonts, tight=True), base_url=None).render()
        if len(tight.pages) < len(rendered.pages):
            rendered = tight
    return rendered.write_pdf()
