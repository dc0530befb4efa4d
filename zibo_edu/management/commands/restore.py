"""manage.py restore INPUT_DIR --yes [--force]: a backup checked against its manifest, then the
database and the media restored, then the stored progress recomputed (zibo_edu.backup)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zibo_edu.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database (or --force to replace)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "source", metavar="INPUT_DIR", type=Path, help="a folder written by `manage.py backup`"
        )
        parser.add_argument("--yes", action="store_true", help="yes, replace what is there")
        parser.add_argument(
            "--force", action="store_true", help="restore over a database that holds tables"
        )

    def handle(self, *args, source: Path, yes: bool, force: bool, **options) -> None:
        if not yes:
            raise CommandError("restore replaces the database and the media files: add --yes")
        try:
            manifest = read_manifest(source)
            moved = restore_backup(source, manifest, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if moved is not None:
            self.stdout.write(f"the media files that were there are kept in {moved}")
        self.stdout.write(
            f"restored {source} ({manifest['created']}): {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} files"
        )
        call_command("refresh_standings", stdout=self.stdout)
