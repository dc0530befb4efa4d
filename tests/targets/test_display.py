"""How values are shown (targets/display.py): one module for the pages, the exports and the PDFs."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from targets import display, progress
from targets.models import Figure
from tests.conftest import target_named

pytestmark = pytest.mark.django_db


def test_figures_and_progress_values_read_the_same_everywhere(plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    figure = Figure(target=fitness, numerator=Decimal(350), denominator=Decimal(400))
    assert display.display_value(figure) == "87.5%（350/400）"
    assert display.describe(fitness, progress.Progress("on_track", value=Decimal("52.14"))) == (
        "52.1%"
    )
    assert not hasattr(progress, "describe"), "one name for it: display.describe"


def test_units_are_chinese_in_chinese_and_english_in_english(plan):
    schools = next(t for t in plan_targets(plan) if t.figure_unit == "所" and t.kind == "count")
    shown = progress.Progress("on_track", value=Decimal(12))
    with translation.override("zh-hans"):
        assert display.describe(schools, shown) == "12 所"
    with translation.override("en"):
        assert display.describe(schools, shown) == "12 schools"


def test_a_level_such_as_the_evaluations_baseline_reads_like_every_other_value(plan):
    """The evaluation's baseline once had its own formatter, with the plan's unit untranslated
    ; a level is now shown as display.describe shows a value."""
    schools = next(t for t in plan_targets(plan) if t.figure_unit == "所" and t.kind == "count")
    fitness = target_named(plan, "学生体质健康测试优良率")
    with translation.override("zh-hans"):
        assert display.level(schools, Decimal(12)) == "12 所"
        assert display.level(fitness, Decimal("52.14")) == "52.1%"
    with translation.override("en"):
        assert display.level(schools, Decimal(12)) == "12 schools"
        share = next(t for t in plan_targets(plan) if t.kind == "district_share")
        assert display.level(share, Decimal("27.27")) == "27.3%"
    assert display.level(schools, None) == "—"


def test_requirements_read_in_the_readers_language(plan):
    bases = target_named(plan, "区县典型性劳动教育基地")
    assert bases.requirement == "≥ 10 个"
    with translation.override("zh-hans"):
        assert display.requirement(bases) == "≥ 10 个"
    with translation.override("en"):
        assert display.requirement(bases) == "≥ 10 units"


def plan_targets(plan):
    from targets.models import Target

    return Target.objects.of_plan(plan).select_related("task")


def test_one_palette_gives_every_status_its_colour_for_pages_and_pdfs():
    css = display.status_css()
    for status in progress.Status.values:
        assert f".status-{status} {{" in css
    tag = Template("{% load figures %}{% status_styles %}").render(Context())
    assert tag.startswith("<style>") and ".status-missed" in tag and ".status-no_final" in tag


def test_pages_use_the_palette_and_capitalised_labels_in_english(client, city_admin, plan):
    client.force_login(city_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/progress/?year=2024").content.decode()
    assert f'href="{reverse("status_css")}"' in html  # the palette, as a stylesheet
    stylesheet = client.get(reverse("status_css"))
    assert stylesheet["Content-Type"].startswith("text/css")
    assert stylesheet.content.decode() == display.status_css()
    assert ">No data<" in html and ">no data<" not in html


def test_a_rule_missed_in_earlier_years_says_so_beside_a_last_value_that_meets_it(plan):
    """二(一)8-1 reads 1.00（2025） against ≥1, yet 未达成: it had to be met every year."""
    target = target_named(plan, "学生体质健康测试优良率")
    missed = progress.Progress(
        progress.Status.MISSED, value=Decimal(56), year=2025, years_met=(1, 4)
    )
    with translation.override("zh-hans"):
        assert display.dated(target, missed) == "56.0%（2025） · 4年中1年达标"
    met = progress.Progress(progress.Status.MET, value=Decimal(56), year=2025, years_met=(4, 4))
    assert "·" not in display.dated(target, met)


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_every_status_label_reads_at_least_4_5_to_1_on_its_colour():
    """WCAG 2.1 AA for the status and verdict badges of the pages, the heat map and the PDFs."""
    for status, (background, colour, _border) in [
        *display.PALETTE.items(),
        *display.VERDICT_PALETTE.items(),
    ]:
        light, dark = sorted((_luminance(background), _luminance(colour)), reverse=True)
        ratio = (light + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"{status}: {colour} on {background} is {ratio:.2f}:1"
