"""python manage.py generate_reports --month 2025-06 [--district 张店区] [--send]"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from departments.models import District
from reports import delivery
from reports.models import Report


class Command(BaseCommand):
    help = "Generate (and with --send, email) the monthly progress reports, once each."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--district", help="one district by name; default: all and the city")
        parser.add_argument("--send", action="store_true", help="email them to their recipients")

    def handle(self, *args, month: str, district: str | None, send: bool, **options) -> None:
        try:
            day = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}") from None
        units = None
        if district:
            units = list(District.objects.filter(name=district))
            if not units:
                raise CommandError(f"no district named {district!r}")
        for report in delivery.schedule(day, units, city=units is None, deliver=send):
            made = delivery.generate(report.pk)
            sent = delivery.send(report.pk) if send else False
            report.refresh_from_db()
            size = f"{len(report.pdf) // 1024} KiB" if report.pdf else "-"
            note = "" if made else " (already generated)"
            self.stdout.write(
                f"{report}: {report.get_state_display()}, {size}{note}{', sent' if sent else ''}"
            )
        if not Report.objects.filter(month=day).exists():
            raise CommandError("nothing was generated")
