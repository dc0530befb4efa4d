from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from departments.models import City
from targets.drafting import DraftError, draft_plan, read_paragraphs, to_yaml


class Command(BaseCommand):
    help = (
        "Draft a plan file for load_plan from the plan's text (.txt or .docx): parts, tasks, "
        "departments and candidate targets, each marked for a person to confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the plan document, .txt or .docx")
        parser.add_argument("--city", required=True, help="the city's name, e.g. 淄博市")
        parser.add_argument(
            "--slug", required=True, help="the plan's short code, e.g. zibo-2021-2025"
        )

    def handle(self, *args, file: Path, city: str, slug: str, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            data = draft_plan(read_paragraphs(file), city=city, slug=slug, known=_known(city))
        except DraftError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(to_yaml(data), ending="")
        candidates = sum(
            len(task.get("targets", [])) for part in data["parts"] for task in part.get("tasks", [])
        )
        tasks = sum(len(part.get("tasks", [])) for part in data["parts"])
        self.stderr.write(
            f"{len(data['parts'])} parts, {tasks} tasks, {len(data['departments'])} departments, "
            f"{candidates} candidate targets to confirm, {len(data['notes'])} notes"
        )


def _known(name: str) -> dict:
    """The city's rows already loaded, so the draft reuses their codes."""
    try:
        city = City.objects.filter(name=name).first()
    except DatabaseError:  # no database yet: drafting needs none
        return {}
    if city is None:
        return {}
    return {
        "province": city.province,
        "districts": [
            {"name": d.name, "full_name": d.full_name, "slug": d.slug, "kind": d.kind}
            for d in city.districts.order_by("order")
        ],
        "department_slugs": {d.name: d.slug for d in city.departments.all()},
    }
