"""Printing the heat map, a target page and the evaluation from the browser: A4 landscape, the
status colours kept, no navigation."""

import subprocess

import pytest
from django.core.management import call_command
from PIL import Image

from targets.models import Target
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

MET_GREEN = (0x1D, 0x6B, 0x2C)  # targets/display.py's "met" background, and 已完成's


def _has_colour(png, colour, tolerance=12) -> bool:
    image = Image.open(png).convert("RGB")
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
        for _count, pixel in image.getcolors(maxcolors=1 << 20)
    )


def test_the_heat_map_a_target_and_the_evaluation_print_on_a4_landscape_in_colour(site, browser):
    call_command("seed_demo", password="pw-for-tests-only", verbosity=0)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, site, "city-admin")
    fitness = Target.objects.get(code="二(一)4-1", task__part__plan__slug="zibo-2021-2025")
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in {
        "heatmap": "/progress/heatmap/",
        "target": f"/progress/targets/{fitness.pk}/",
        "evaluation": "/evaluation/zibo-2021-2025/",
    }.items():
        page.goto(site + path)
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible(), f"{name}: the navigation prints"
        pdf = ARTIFACTS / f"print-{name}.pdf"
        # As a browser's print dialog does: the page's own @page size, background graphics off
        # (print-color-adjust must keep the colours by itself).
        page.pdf(path=pdf, prefer_css_page_size=True, print_background=False)
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        width, _x, height = size.split()[2:5]
        assert round(float(width)) == 842 and round(float(height)) == 595, f"{name}: {size}"
        for old in ARTIFACTS.glob(f"print-{name}-*.png"):
            old.unlink()
        prefix = ARTIFACTS / f"print-{name}"
        subprocess.run(["pdftoppm", "-png", "-r", "60", pdf, prefix], check=True)
        pngs = sorted(ARTIFACTS.glob(f"print-{name}-*.png"))
        assert any(_has_colour(png, MET_GREEN) for png in pngs), f"{name}: colours do not print"
        page.emulate_media(media="screen")
    context.close()
