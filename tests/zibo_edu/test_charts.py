"""Charts: round ticks on the value axis, and every line named."""

import re
from decimal import Decimal

from zibo_edu.lib.charts import Series, line_chart, nice_ticks


def test_ticks_are_round_numbers():
    # demo rates from 38.1% to 57.1% used to tick at 36.2, 41.0, 45.8…: now every 5 points
    assert nice_ticks(38.1, 57.1) == ([35, 40, 45, 50, 55, 60], 0)
    assert nice_ticks(0, 100) == ([0, 25, 50, 75, 100], 0)
    assert nice_ticks(-1.3, -0.2) == ([-1.5, -1.0, -0.5, 0.0], 1)
    assert nice_ticks(0.5, 1.1) == ([0.4, 0.6, 0.8, 1.0, 1.2], 1)
    assert nice_ticks(16000, 21000) == ([16000, 18000, 20000, 22000], 0)


def _chart():
    d = Decimal
    series = [
        Series("张店区", {2020: d("40.2"), 2024: d("54.1")}),
        Series("淄川区", {2020: d("39.0"), 2024: d("54.0")}),  # ends 0.1 below 张店区
        Series("文昌湖区", {2020: d("38.1"), 2023: d("44.0")}),
        Series("淄博市（全市）", {2020: d("39.5"), 2024: d("52.0")}, emphasis=True),
    ]
    return line_chart("二(一)4-1", range(2020, 2026), series, target=d(55), unit="%")


def test_axis_labels_are_the_round_ticks():
    svg = _chart()
    labels = re.findall(r'text-anchor="end" fill="#66707c">([^<]+)</text>', svg)
    assert labels == ["35%", "40%", "45%", "50%", "55%", "60%"]


def test_every_line_is_named_at_its_end_and_on_hover():
    svg = _chart()
    for name in ("张店区", "淄川区", "文昌湖区", "淄博市（全市）"):
        assert f"<title>{name}</title><polyline" in svg, name
        assert re.search(rf"<text [^>]*>{re.escape(name)}</text>", svg), name
    city = re.search(r"<text ([^>]*)>淄博市（全市）</text>", svg).group(1)
    assert 'font-weight="bold"' in city, "the city stands out"
    end_label = r'<text x="[\d.]+" y="([\d.]+)" [^>]*>(张店区|淄川区)</text>'
    ends = {name: float(y) for y, name in re.findall(end_label, svg)}
    assert abs(ends["张店区"] - ends["淄川区"]) >= 12, "crowded ends are nudged apart"


def test_the_charts_own_words_follow_the_active_language():
    from django.utils import translation

    from zibo_edu.lib.charts import city_line, other_districts

    d = Decimal

    def chart():
        series = [
            Series("张店区", {2020: d("40.2"), 2024: d("54.1")}),
            Series("淄川区", {2020: d("39.0"), 2024: d("54.0")}),
            Series(city_line("淄博市"), {2020: d("39.5"), 2024: d("52.0")}, emphasis=True),
        ]
        return line_chart(
            "二(一)4-1", range(2020, 2026), series, path={2020: d(39.5), 2025: d(55)},
            target=d(55), unit="%", labels={"others": other_districts()},
        )  # fmt: skip

    with translation.override("en"):
        english = chart()
    for word in ("Required path", "Target 55%", "Other districts", "淄博市 (whole city)"):
        assert word in english, word
    assert not re.search("要求路径|目标|各区县|全市", english)
    with translation.override("zh-hans"):
        chinese = chart()
    for word in ("要求路径", "目标 55%", "各区县", "淄博市（全市）"):
        assert word in chinese, word
