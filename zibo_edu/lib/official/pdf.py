"""The document to HTML and CSS, and through WeasyPrint to PDF."""

from django.utils.html import escape

from .document import Block, Document, Heading, PageBreak, Paragraph, Table, numbered
from .fonts import FACES, ResolvedFace, resolve_fonts
from .geometry import (
    BODY_SIZE,
    BOTTOM,
    LEFT,
    LETTER_SPACING,
    LINE_PITCH,
    PAGE_NUMBER_GAP,
    PAGE_NUMBER_SIZE,
    RIGHT,
    TABLE_SIZE,
    TITLE_SIZE,
    TOP,
)

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
