"""The page of GB/T 9704-2012 (党政机关公文格式), the one table the PDF and the Word writers
both read: lengths in millimetres, type sizes and the pitches derived from them in points."""

import math
from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Page:
    width: float = 210  # A4
    height: float = 297
    top: float = 37  # 天头: the page's top edge to the type area
    left: float = 28  # 订口: the page's left edge to the type area
    area_width: float = 156  # 版心
    area_height: float = 225
    page_number_gap: float = 7  # the page number's 一字线 this far below the type area
    rule_gap: float = 4  # the red separator line this far below the 发文字号
    lines: int = 22  # lines of body text on a page
    characters: int = 28  # characters of body text on a line
    date_right: int = 4  # 成文日期 右空四字: characters between the date and the right edge

    @property
    def right(self) -> float:
        return self.width - self.left - self.area_width

    @property
    def bottom(self) -> float:
        return self.height - self.top - self.area_height


PAGE = Page()

TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 12  # pt: 2号, 3号, 4号, 小四
ISSUER_SIZE = 30  # pt: the red 发文机关标志


def _twips_below(points: float) -> float:
    """The largest length in whole twips (1/20 pt, Word's unit) not above `points`, so both
    writers draw the same pitch and the last line or character still fits."""
    return math.floor(points * 20) / 20


# 22 lines of 28.95 pt are 224.7 mm: the 22nd line fits the 225 mm type area (29.0 pt did not).
LINE_PITCH = _twips_below(PAGE.area_height * MM / PAGE.lines)
# 28 characters of 15.75 pt are 155.6 mm: each 3号 character is drawn 0.25 pt closer than its
# 16 pt so that 28 fit the 156 mm line.
CHARACTER_PITCH = _twips_below(PAGE.area_width * MM / PAGE.characters)
LETTER_SPACING = CHARACTER_PITCH - BODY_SIZE
# The top of the page number's dash (一字线) is this many ems below the top of its line when the
# line is one em high (measured on the free 宋体, Noto Serif CJK SC; the licensed faces are close).
DASH_DROP = 0.63
