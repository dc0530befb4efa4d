"""Charts as SVG, drawn on the server: the same picture on the web page and in the PDF report.

Readable in print and in grey: the city line is thick and dark, districts thin and grey, the
required path dashed, the target dotted; colour only adds, it never carries the meaning alone.
Every chart has a <title> and the page puts a text table beside it. The value axis ticks at round
numbers (1, 2, 2.5 or 5 × 10ⁿ apart); every line is named at its end and, on hover, by its own
<title>.
The chart's own words (legend, the target's label, the city's line) follow the active language;
the names of districts and plans are data and stay as written.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"
CITY = 'stroke="#1d2733" stroke-width="3"'
HIGHLIGHT = 'stroke="#c05a00" stroke-width="2.4"'
OTHERS = 'stroke="#a7afb8" stroke-width="1.1"'
PATH = 'stroke="#1f4e8c" stroke-width="1.8" stroke-dasharray="7 4"'
TARGET = 'stroke="#a61b1b" stroke-width="1.5" stroke-dasharray="2 3"'
HALO = 'fill="#fff" stroke="#fff" stroke-width="3" stroke-linejoin="round"'  # a label's backing


@dataclass
class Series:
    label: str
    points: dict[int, Decimal]
    emphasis: bool = False  # the city: thick and dark
    highlight: bool = False  # the district being looked at


def _fmt(value: float, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.1f}"


NICE_STEPS = (1, 2, 2.5, 5, 10)
LABEL_GAP = 12  # px between two line-end labels
CHAR_WIDTH = 12  # px of a Chinese character at the labels' size
LATIN_WIDTH = 7  # px of a Latin letter or digit, about


def text_width(text: str) -> int:
    """About how wide a label is at the labels' size: wide for CJK, narrower for Latin."""
    return sum(CHAR_WIDTH if ord(c) > 0x2E7F else LATIN_WIDTH for c in text)


def city_line(city: str) -> str:
    """The name of the city's line: "淄博市（全市）", "淄博市 (whole city)"."""
    return pgettext("chart", "%(city)s (whole city)") % {"city": city}


def other_districts() -> str:
    """The legend's name for the thin grey lines."""
    return pgettext("chart", "Other districts")


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """Round ticks covering [low, high], about `count` of them, 1, 2, 2.5 or 5 × 10ⁿ apart, and
    the decimals they need: (35, 40, 45, 50, 55), 0 rather than 38.1, 42.8, 47.5…"""
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in NICE_STEPS if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    ticks = [round(first + i * step, 10) + 0.0 for i in range(n + 1)]  # never -0.0
    decimals = max(0, -Decimal(str(round(step, 10))).normalize().as_tuple().exponent)
    return ticks, decimals


def _spread(positions: list[tuple[float, int]], top: float, bottom: float) -> dict[int, float]:
    """Label y positions at least LABEL_GAP apart, kept between top and bottom: (y, index)."""
    placed: dict[int, float] = {}
    previous = None
    ordered = sorted(positions)
    for y, index in ordered:
        y = max(y, top) if previous is None else max(y, previous + LABEL_GAP)
        placed[index] = previous = y
    overflow = (previous or 0) - bottom
    if overflow > 0:  # pushed below the plot: move the column up, keeping the gaps
        for index in placed:
            placed[index] -= overflow
    return placed


def line_chart(
    title: str,
    years: Sequence[int],
    series: list[Series],
    *,
    path: dict[int, Decimal] | None = None,
    target: Decimal | None = None,
    unit: str = "",
    labels: dict[str, str] | None = None,
    width: int = 680,
    height: int = 300,
) -> SafeString:
    """Lines by year; `path` is the required straight path, `target` the plan's value."""
    labels = {
        "path": pgettext("chart", "Required path"),
        "target": pgettext("chart", "Target"),
        **(labels or {}),
    }
    values = [float(v) for s in series for v in s.points.values() if v is not None]
    values += [float(v) for v in (path or {}).values()] + (
        [float(target)] if target is not None else []
    )
    if not values:
        values = [0.0, 1.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05
    ticks, decimals = nice_ticks(low - pad, high + pad)
    low, high = ticks[0], ticks[-1]
    named = [s for s in series if s.points]
    longest = max((text_width(s.label) for s in named), default=0)
    left, right, top, bottom = 56, 16 + longest, 34, 54
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        return left + plot_w * ((year - first) / ((last - first) or 1))

    def y(value) -> float:
        return top + plot_h * (1 - (float(value) - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="18" font-size="14" font-weight="bold" fill="#1d2733">'
        f"{escape(title)}</text>",
    ]
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e1e5ea"/><text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'fill="#66707c">{_fmt(value, decimals)}{escape(unit)}</text>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'fill="#66707c">{year}</text>'
        )
    if target is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f"{TARGET}/>"
            f'<text x="{width - right}" y="{y(target) - 5:.1f}" text-anchor="end" fill="#a61b1b">'
            f"{escape(labels['target'])} {_fmt(float(target))}{escape(unit)}</text>"
        )
    if path:
        parts.append(
            _polyline(path, x, y, 'stroke="#1f4e8c" stroke-width="1.8" stroke-dasharray="7 4"')
        )
    ordered = sorted(series, key=lambda s: (s.emphasis, s.highlight))
    for s in ordered:
        style = CITY if s.emphasis else HIGHLIGHT if s.highlight else OTHERS
        line = _polyline(s.points, x, y, style, markers=s.emphasis or s.highlight)
        if line:
            parts.append(f"<g><title>{escape(s.label)}</title>{line}</g>")
    parts += _end_labels(ordered, x, y, top, height - bottom)
    legend_y = height - 14
    legend = [
        (CITY, next((s.label for s in series if s.emphasis), None)),
        (HIGHLIGHT, next((s.label for s in series if s.highlight), None)),
        (OTHERS, labels.get("others") if len(series) > 1 else None),
        (PATH, labels["path"] if path else None),
        (TARGET, labels["target"] if target is not None else None),
    ]
    offset = left
    for style, text in legend:
        if not text:
            continue
        parts.append(
            f'<line x1="{offset}" x2="{offset + 22}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'{style}/><text x="{offset + 27}" y="{legend_y}" fill="#1d2733">{escape(text)}</text>'
        )
        offset += 40 + text_width(text)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _end_labels(series: list[Series], x, y, top: float, bottom: float) -> list[str]:
    """Each line's name at its last point, nudged apart where ends crowd; the city's bold."""
    ends = {}
    for index, s in enumerate(series):
        known = [(year, v) for year, v in s.points.items() if v is not None]
        if known:
            year, value = max(known)
            ends[index] = (x(year), y(value))
    out = []
    for end_x in {ex for ex, _ey in ends.values()}:
        column = [(ey + 4, i) for i, (ex, ey) in ends.items() if ex == end_x]
        for index, label_y in _spread(column, top + 8, bottom).items():
            s = series[index]
            look = (
                'fill="#1d2733" font-weight="bold"'
                if s.emphasis
                else 'fill="#c05a00" font-weight="bold"'
                if s.highlight
                else 'fill="#66707c" font-size="11"'
            )
            at, name = f'x="{end_x + 6:.1f}" y="{label_y:.1f}"', escape(s.label)
            size = ' font-size="11"' if not (s.emphasis or s.highlight) else ' font-weight="bold"'
            out.append(f'<text {at}{size} {HALO} aria-hidden="true">{name}</text>')  # under
            out.append(f"<text {at} {look}>{name}</text>")
    return out


def _polyline(points: dict[int, Decimal], x, y, style: str, markers: bool = False) -> str:
    known = sorted((year, value) for year, value in points.items() if value is not None)
    if not known:
        return ""
    coords = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in known)
    out = f'<polyline fill="none" {style} points="{coords}"/>'
    if markers:
        out += "".join(
            f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" fill="#fff" {style}/>'
            for year, value in known
        )
    return out


def sparkline(
    points: dict[int, Decimal], years: Sequence[int], *, width: int = 90, height: int = 24
) -> SafeString:
    """A small trend line for a table cell."""
    known = sorted((year, float(value)) for year, value in points.items() if value is not None)
    if len(known) < 2:
        return mark_safe("")
    low, high = min(v for _y, v in known), max(v for _y, v in known)
    span, first, last = (high - low) or 1, years[0], years[-1]
    coords = " ".join(
        f"{2 + (width - 4) * (year - first) / ((last - first) or 1):.1f},"
        f"{height - 3 - (height - 6) * (value - low) / span:.1f}"
        for year, value in known
    )
    end_x, end_y = coords.split()[-1].split(",")
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true"><polyline fill="none" stroke="#1d2733" '
        f'stroke-width="1.5" points="{coords}"/><circle cx="{end_x}" cy="{end_y}" r="2.2" '
        f'fill="#1d2733"/></svg>'
    )
