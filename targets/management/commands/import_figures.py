"""python manage.py import_figures FILE --user NAME: the web upload, from the command line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plans import access
from plans.models import Plan
from targets import figures, workbook
from targets.models import FigureChange


class Command(BaseCommand):
    help = "Import figures from a workbook made from the template (.xlsx) or a CSV; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="whose figures these are: permissions and audit use it"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options) -> None:
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"no active user named {user!r}")
        plan = Plan.objects.default()
        if plan is None:
            raise CommandError("load a plan first: python manage.py load_plan")
        if not access.may_write_plan(account, plan):
            raise CommandError(f"{plan} is closed: its figures are read-only")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            upload = workbook.read(content, file.name, plan=plan, user=account)
        except workbook.WorkbookError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"{file} was not imported; nothing was saved:\n{lines}") from None
        counts = upload.counts
        summary = (
            f"{counts['create']} new, {counts['update']} changed, {counts['unchanged']} unchanged"
        )
        if dry_run:
            self.stdout.write(f"{file}: would save {summary} (dry run, nothing saved)")
            return
        upload.channel = FigureChange.Channel.COMMAND
        try:
            workbook.save(upload, user=account, filename=file.name)
        except (figures.FigureConflict, figures.FigureLocked) as error:
            raise CommandError(f"{file} was not imported: {error}") from None
        self.stdout.write(f"{file}: saved {summary}")
