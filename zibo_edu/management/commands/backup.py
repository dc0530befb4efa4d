"""manage.py backup OUTPUT_DIR: the database, the media and manifest.json (zibo_edu.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zibo_edu.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Back up the database and the media files into a new folder, with a manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "output", metavar="OUTPUT_DIR", type=Path, help="a new (or empty) folder"
        )

    def handle(self, *args, output: Path, **options) -> None:
        try:
            manifest = write_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{output}: {manifest['engine']} database, {len(manifest['tables'])} tables, "
            f"{rows} rows, {len(manifest['files'])} files"
        )
