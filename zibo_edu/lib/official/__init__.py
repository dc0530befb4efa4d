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

from .document import (
    Annex,
    Block,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    chinese_number,
    file_name,
    numbered,
    plain_text,
)
from .fonts import FACES, ResolvedFace, resolve_fonts
from .pdf import render_pdf, stylesheet, to_html
from .word import STYLES, render_docx

__all__ = [
    "FACES",
    "STYLES",
    "Annex",
    "Block",
    "Document",
    "Heading",
    "PageBreak",
    "Paragraph",
    "ResolvedFace",
    "Table",
    "chinese_number",
    "file_name",
    "numbered",
    "plain_text",
    "render_docx",
    "render_pdf",
    "resolve_fonts",
    "stylesheet",
    "to_html",
]
