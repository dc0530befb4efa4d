"""The document model: the blocks of an official document, their numbering, its plain text."""

import re
from dataclasses import dataclass, field
from typing import Literal

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
