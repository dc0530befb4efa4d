"""The log says what the app does, not every step of every PDF WeasyPrint renders."""

import logging

from weasyprint import HTML


def test_rendering_a_pdf_logs_nothing_below_a_warning(caplog):
    caplog.set_level(logging.DEBUG)
    pdf = HTML(string="<h1>淄博市教育局</h1><p>测试</p>").write_pdf()
    assert pdf.startswith(b"%PDF")
    noisy = [r for r in caplog.records if r.name.split(".")[0] in ("weasyprint", "fontTools")]
    assert noisy == [], [f"{r.name}: {r.getMessage()}" for r in noisy[:3]]
