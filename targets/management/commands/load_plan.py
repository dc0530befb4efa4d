from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.loading import PlanFileError, load_plan_file

PLAN_FILES = Path(settings.BASE_DIR) / "fixtures" / "plans"


class Command(BaseCommand):
    help = "Load (or update) plans from their YAML files; a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help=f"plan files (default: every *.yaml in {PLAN_FILES})",
        )

    def handle(self, *args, files: list[Path], verbosity: int, **options) -> None:
        for path in files or sorted(PLAN_FILES.glob("*.yaml")):
            try:
                result = load_plan_file(path)
            except PlanFileError as error:
                lines = "\n".join(f"  - {problem}" for problem in error.problems)
                raise CommandError(f"{path} was not loaded; nothing was saved:\n{lines}") from None
            if verbosity:
                self.stdout.write(result.summary())
