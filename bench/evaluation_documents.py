"""The evaluation's three documents on the demo data, checked as a person would.

    .venv/bin/python bench/evaluation_documents.py [OUT_DIR]     (default: var/evaluation)

Writes the city's final evaluation as PDF, Word and Excel (and the mid-term one for 2023 as
PDF), converts the Word file to PDF with LibreOffice (Debian's libreoffice-writer, headless),
renders the first two pages of both PDFs to PNG (pdftoppm) to look at, and prints the margins
`pdftotext -bbox` measures: GB/T 9704 asks for a top margin of 37 mm and a left one of 28 mm.
Prints; asserts nothing.
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, django_with_plan

django_with_plan()

from plans.models import Plan  # noqa: E402
from reports.evaluation import evaluate  # noqa: E402
from reports.evaluation_document import render  # noqa: E402
from targets import demo  # noqa: E402

MM = 25.4 / 72
BOX = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')


def margins(pdf: Path, pages: int = 2) -> None:
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", str(pages), str(pdf), "-"],
                         capture_output=True, check=True, text=True).stdout  # fmt: skip
    for number, page in enumerate(xml.split("<page ")[1:], 1):
        words = [(*(float(v) * MM for v in m[:4]), m[4]) for m in BOX.findall(page)]
        body = [w for w in words if w[1] < 262]
        footer = [w for w in words if w[1] >= 262]
        print(
            f"  page {number}: left {min(w[0] for w in body):.1f} mm, top "
            f"{min(w[1] for w in body):.1f} mm, right edge {max(w[2] for w in body):.1f} mm; "
            f"page number {''.join(w[4] for w in footer)!r} from {min(w[0] for w in footer):.1f} "
            f"to {max(w[2] for w in footer):.1f} mm, at {min(w[1] for w in footer):.1f} mm"
        )


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "evaluation"
    out.mkdir(parents=True, exist_ok=True)
    plan = Plan.objects.get(slug="zibo-2021-2025")
    demo.seed(plan)
    for year in (2025, 2023):
        evaluation = evaluate(plan, year)
        counts = ", ".join(f"{v.label} {n}" for v, n in evaluation.counts)
        print(f"{evaluation.kind_label} {year}: {counts}; {len(evaluation.missing)} missing")
        for fmt in ("pdf", "docx", "xlsx") if year == 2025 else ("pdf",):
            started = time.perf_counter()
            path = out / f"evaluation-{year}.{fmt}"
            path.write_bytes(render(evaluation, fmt))
            print(f"  {path.name}: {path.stat().st_size // 1024} KiB, "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    pdf = out / "evaluation-2025.pdf"
    print(f"{pdf.name} (WeasyPrint):")
    margins(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(out / "pdf-page")], check=True)  # fmt: skip
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice is not installed (apt-get install libreoffice-writer): no Word check")
        return
    convert = [office, "--headless", "--convert-to", "pdf", "--outdir", str(out / "word")]
    subprocess.run([*convert, str(out / "evaluation-2025.docx")], check=True, capture_output=True)
    converted = out / "word" / "evaluation-2025.pdf"
    print(f"{converted.name} (the Word file through LibreOffice):")
    margins(converted)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(converted),
                    str(out / "word-page")], check=True)  # fmt: skip
    print(f"pages to look at: {out}/pdf-page-*.png, {out}/word-page-*.png")


if __name__ == "__main__":
    main()
