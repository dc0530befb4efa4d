"""python manage.py inspection_report --kind balanced|preschool --district SLUG --year Y
--format pdf|docx|xlsx --output PATH [--city NAME]

A county's 督导 evaluation report (GB/T 9704 layout) as the county page's links give it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from departments.models import District
from inspections import document
from inspections.evaluation import evaluate
from inspections.models import Kind


class Command(BaseCommand):
    help = "Write a county's 督导 evaluation (优质均衡 or 普及普惠) as PDF, Word or Excel."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", required=True, choices=Kind.values)
        parser.add_argument("--district", required=True, help="the county's slug")
        parser.add_argument("--city", help="the city's name (淄博市), when several have the slug")
        parser.add_argument(
            "--year", required=True, type=int, help="the school year (2025 = 2025/26)"
        )
        parser.add_argument("--format", required=True, choices=sorted(document.FORMATS))
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, kind, district, city, year, format, output, **options) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: a school year between 2000 and 2100.")
        found = District.objects.select_related("city").filter(slug=district)
        if city:
            found = found.filter(city__name=city)
        matches = list(found[:3])
        if not matches:
            known = ", ".join(District.objects.values_list("slug", flat=True).order_by("slug"))
            raise CommandError(f"No district {district!r} (districts: {known}).")
        if len(matches) > 1:
            raise CommandError(f"Several cities have a district {district!r}: give --city.")
        output = Path(output)
        if not output.parent.is_dir():
            raise CommandError(f"--output {output}: the folder {output.parent} does not exist.")
        content = document.render(evaluate(kind, matches[0], year), format)
        output.write_bytes(content)
        self.stdout.write(f"{matches[0].name} {year} {kind}: {output} ({len(content):,} bytes)")
