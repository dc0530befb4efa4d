"""python manage.py import_statistics FILE --year 2025: the statistics upload, from the command
line (all or nothing; every problem named)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schools import workbook
from schools.models import StatisticsImport
from schools.statistics import school_year_label


class Command(BaseCommand):
    help = (
        "Import a school year's education statistics from a workbook (a sheet per table: "
        "学校名录, 学生数, 分年级学生数, 班额, 教职工, 办学条件) or a CSV of the same columns; "
        "all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--year", type=int, required=True, help="the school year, by the year it starts"
        )
        parser.add_argument(
            "--user", help="whose schools these are (district staff: their district's)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, year: int, user: str | None, dry_run: bool, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"--year {year}: a school year between 2000 and 2100 is expected")
        account = None
        if user is not None:
            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"no active user named {user!r}")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            upload = workbook.read(content, file.name, user=account, school_year=year)
        except workbook.WorkbookError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"{file} was not imported; nothing was saved:\n{lines}") from None
        label = school_year_label(year)
        summary = f"{len(upload.codes)} schools, {upload.cells} values, {label}"
        if dry_run:
            self.stdout.write(f"{file}: would save {summary} (dry run, nothing saved)")
            return
        if upload.created or upload.updated:
            summary += f"; new schools {len(upload.created)}, updated {len(upload.updated)}"
        workbook.save(upload, user=account, source=file.name, channel="command")
        StatisticsImport.objects.create(  # the record of where the values came from
            uploaded_by=account,
            filename=file.name[:200],
            content=content,
            school_year=year,
            schools=len(upload.codes),
            cells=upload.cells,
            applied_at=timezone.now(),
        )
        self.stdout.write(f"{file}: saved {summary}")
