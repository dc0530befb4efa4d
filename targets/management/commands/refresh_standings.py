"""Recompute stored progress for every plan: after loading figures outside the app (a restore,
a bulk COPY) or changing the progress method. Saves through the app refresh it by themselves."""

import time

from django.core.management.base import BaseCommand

from plans.models import Plan
from targets import standings


class Command(BaseCommand):
    help = "Recompute the stored progress standings of every plan."

    def handle(self, *args, **options) -> None:
        for plan in Plan.objects.all():
            start = time.perf_counter()
            rows = standings.refresh_plan(plan)
            self.stdout.write(
                f"{plan.slug}: {rows} standings in {time.perf_counter() - start:.1f} s"
            )
