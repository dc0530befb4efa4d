"""Measure a PDF page as a person with a ruler would: the text lines with their boxes
(pdftotext -bbox-layout) and the ink of a rendered image (pdftoppm), in millimetres from the
page's top left corner."""

import html
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MM_PER_PT = 25.4 / 72
DPI = 300
MM_PER_PIXEL = 25.4 / DPI

_BOX = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"'


@dataclass(frozen=True)
class Line:
    text: str  # the words joined without spaces
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1))


def lines(pdf: Path, page: int) -> list[Line]:
    """The text lines of one page (1-based), top to bottom."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    found = []
    for *box, body in re.findall(rf"<line {_BOX}>(.*?)</line>", xml, re.S):
        text = "".join(html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", body))
        left, top, right, bottom = (float(v) * MM_PER_PT for v in box)
        found.append(Line(text, left, top, right, bottom))
    return sorted(found, key=lambda line: (line.top, line.left))


def image(pdf: Path, page: int):
    """The page drawn at 300 dpi, as a Pillow RGB image."""
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return Image.open(io.BytesIO(png)).convert("RGB")


def ink_rows(picture, left: float, right: float, top: float, bottom: float, *, red=False):
    """The rows (mm from the top) that hold ink between left and right, top and bottom (mm):
    dark grey or black ink, or, with red=True, red ink only."""
    x0, x1 = (round(v / MM_PER_PIXEL) for v in (left, right))
    y0, y1 = (round(v / MM_PER_PIXEL) for v in (top, bottom))
    crop = picture.crop((x0, y0, x1, y1))
    width, height = crop.size
    pixels = crop.load()
    rows = []
    for y in range(height):
        for x in range(width):
            r, g, b = pixels[x, y]
            if (r > 150 and g < 90 and b < 90) if red else (r < 120 and g < 120 and b < 120):
                rows.append((y0 + y) * MM_PER_PIXEL)
                break
    return rows
