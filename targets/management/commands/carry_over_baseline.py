"""Re-sync every successor plan's baseline with its predecessor's final figures: after figures
were loaded outside the app (a restore, a bulk COPY) or to repair a baseline. Saves, reviews and
reopenings through the app keep it in step by themselves (targets.succession.follow)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plans.models import Plan
from targets import standings, succession


class Command(BaseCommand):
    help = (
        "Carry the predecessor's final figures over into every successor plan's baseline "
        "(or only the plan given) and say which baselines are still missing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", help="the slug of one successor plan (default: all)")

    def handle(self, *args, plan: str | None = None, **options) -> None:
        plans = Plan.objects.filter(follows__isnull=False).select_related("follows", "city")
        if plan:
            plans = plans.filter(slug=plan)
            if not plans:
                raise CommandError(f"no plan '{plan}' that follows another plan")
        for successor in plans:
            with transaction.atomic():
                written = succession.carry_over(successor)
                if written:
                    standings.refresh_plan(successor)
            missing = succession.missing_baselines(successor)
            self.stdout.write(
                f"{successor.slug}: {written} baseline figures written from "
                f"{successor.follows.slug}; {len(missing)} targets still miss a baseline"
            )
            for target, units in missing.items():
                self.stdout.write(f"  {target.code}: {'、'.join(units)}")
