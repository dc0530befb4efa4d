"""python manage.py evaluation_report --plan SLUG [--year YEAR] [--district SLUG]
--format pdf|docx|xlsx (--output PATH | --archive)

`--archive` files the document in the plan's evaluation archive (the page's 评估报告存档), as the
page's button does, built here and now rather than by a worker; with `--publish` (the whole
city's PDF or Word) it is also published on the plan's public page, as the admin's action does
(audited as done by the system)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from departments.models import District
from plans.models import Plan
from reports import publishing
from reports.evaluation import evaluate
from reports.evaluation_document import FORMATS, build_report, render
from reports.models import EvaluationReport


class Command(BaseCommand):
    help = (
        "Write the evaluation of a plan (final in its last year, mid-term before) as PDF, "
        "Word or Excel."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", required=True, help="the plan's slug")
        parser.add_argument("--year", type=int, help="the year evaluated (default: the latest)")
        parser.add_argument("--district", help="one district's part (its slug)")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--output", type=Path)
        where.add_argument("--archive", action="store_true", help="file it in the archive")
        parser.add_argument(
            "--publish", action="store_true", help="with --archive: publish it on the public page"
        )

    def handle(
        self, *args, plan, year, district, format, output, archive, publish, **options
    ) -> None:
        found = Plan.objects.select_related("city").filter(slug=plan).first()
        if found is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"No plan {plan!r} (plans: {known}).")
        if year is not None and year not in range(found.start_year, found.end_year + 1):
            raise CommandError(
                f"--year {year} is outside the plan ({found.start_year}–{found.end_year})."
            )
        unit = None
        if district:
            unit = District.objects.filter(city=found.city, slug=district).first()
            if unit is None:
                slugs = ", ".join(
                    District.objects.filter(city=found.city).values_list("slug", flat=True)
                )
                raise CommandError(f"No district {district!r} in {found.city} ({slugs}).")
        if archive:
            report = EvaluationReport.objects.create(
                plan=found, year=year or found.reporting_year(), district=unit, format=format
            )
            if not build_report(report.pk):
                report.refresh_from_db()
                raise CommandError(f"The evaluation report failed: {report.error}")
            self.stdout.write(f"{found.slug}: evaluation report {report.pk} filed ({format}).")
            if publish:
                report.refresh_from_db()
                try:
                    publishing.publish(report, user=None)
                except ValueError as refused:
                    raise CommandError(f"Not published: {refused}.") from None
                self.stdout.write(f"{found.slug}: evaluation report {report.pk} published.")
            return
        output = Path(output)
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        evaluation = evaluate(found, year, district=unit)
        output.write_bytes(render(evaluation, format))
        verdicts = "，".join(f"{v.label} {n}" for v, n in evaluation.counts)
        self.stdout.write(
            f"{output}: {evaluation.kind_label} {evaluation.year}, "
            f"{len(evaluation.targets)} targets ({verdicts}); "
            f"{len(evaluation.missing)} figures still missing."
        )
