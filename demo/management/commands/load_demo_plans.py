"""python manage.py load_demo_plans: the MADE-UP example plans (演示) beside Zibo's real 十四五.

- 淄博市教育事业发展“十五五”规划(演示,虚构示例): a small invented successor for 2026–2030 whose 2025
  baseline is carried over from the real plan's final figures;
- 示例市教育事业发展“十四五”规划(演示,虚构示例): an invented city, invented figures 2020–2025,
  so that the province page has two cities to compare.

Both are marked 演示 on every page. `--close-predecessor` also closes Zibo's 十四五 (read-only from
today), as the demo shows it: ended, read-only, with its evaluation.
"""

import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.management.commands.seed_demo import DEMO_PASSWORD, demo_email
from departments.models import Department, District, Role
from plans.models import Plan
from targets import standings, succession
from targets.loading import PlanFileError, load_plan_file
from targets.models import Figure, Target

DEMO_FILES = Path(settings.BASE_DIR) / "fixtures" / "demo"
SUCCESSOR = "demo-zibo-2026-2030"
MADE_UP_CITY = "demo-shili-2021-2025"
NOTE = "演示数据,非真实统计"


def seed_made_up_figures(plan: Plan, seed: int = 12) -> int:
    """Invented approved figures for every district of the made-up city, baseline to end year."""
    rng = random.Random(seed)
    districts = list(District.objects.filter(city=plan.city))
    rows = []
    Figure.objects.filter(target__task__part__plan=plan).delete()
    for target in Target.objects.of_plan(plan):
        for rank, district in enumerate(districts):
            start = float(target.value or 50) * (0.75 - 0.04 * rank)
            for step, year in enumerate(plan.years):
                figure = Figure(
                    target=target,
                    district=district,
                    year=year,
                    state=Figure.State.APPROVED,
                    note=NOTE,
                    source=NOTE,
                )
                if target.entry == Target.Entry.FRACTION:
                    share = min(start + step * (4 - rank) * rng.uniform(0.8, 1.2), 100)
                    figure.denominator = Decimal(rng.randint(800, 3000))
                    figure.numerator = (figure.denominator * Decimal(share) / 100).quantize(
                        Decimal(1)
                    )
                else:
                    figure.achieved = step >= 2 + rank
                rows.append(figure)
    Figure.objects.bulk_create(rows)
    return len(rows)


def demo_final_figures(successor: Plan) -> int:
    """The demo's made-up figures of Zibo stop before 2025: for the indicators the successor
    carries over, add made-up final-year figures (a step on from the year before, marked 演示)
    where a district whose final figures are approved has none, so the carry-over and the long
    series have something to show. A district still owing its final figures (文昌湖区, 沂源县,
    高青县 in the demo) is left owing them."""
    year = successor.baseline_year
    done = set(
        Figure.objects.filter(
            target__task__part__plan=successor.follows_id, year=year, state=Figure.State.APPROVED
        ).values_list("district_id", flat=True)
    )
    rows = []
    for _new, old in succession.matching_targets(successor):
        have = set(
            Figure.objects.filter(target=old, year=year).values_list("district_id", flat=True)
        )
        for before in Figure.objects.filter(target=old, year=year - 1, district_id__in=done - have):
            rows.append(
                Figure(
                    target=old,
                    district_id=before.district_id,
                    year=year,
                    note=NOTE,
                    source=NOTE,
                    state=Figure.State.APPROVED,
                    denominator=before.denominator,
                    numerator=_step(before.numerator, before.denominator),
                    value=before.value,
                    achieved=before.achieved,
                    achieved_on=before.achieved_on,
                )
            )
    Figure.objects.bulk_create(rows)
    return len(rows)


def _step(numerator, denominator):
    if numerator is None or denominator is None:
        return numerator
    return min(denominator, (numerator * Decimal("1.02")).quantize(Decimal(1)))


def demo_users(made_up: Plan) -> list[str]:
    """省教育厅 (reads every city), and 示例市's admin, staff of its first district and the head of
    its lead department, with the demo password: each city's users see only their city."""
    accounts = [
        ("province-demo", "省教育厅(演示)", {"kind": Role.Kind.PROVINCE}),
        ("admin-shili", "示例市管理员(演示)", {"kind": Role.Kind.CITY_ADMIN, "city": made_up.city}),
    ]
    district = District.objects.filter(city=made_up.city).order_by("order", "pk").first()
    if district is not None:
        staff = {"kind": Role.Kind.DISTRICT_STAFF, "district": district}
        accounts.append(("staff-shili", f"示例市{district.name}填报员(演示)", staff))
    lead = (
        Department.objects.filter(assignments__position=0, assignments__task__part__plan=made_up)
        .distinct()
        .order_by("pk")
        .first()
    )
    if lead is not None:
        head = {"kind": Role.Kind.DEPARTMENT_HEAD, "department": lead}
        accounts.append(("head-shili", f"示例市{lead.name}负责人(演示)", head))
    for username, full_name, role in accounts:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.is_staff = full_name, role["kind"] == Role.Kind.CITY_ADMIN
        user.email = user.email or demo_email(username)
        user.set_password(DEMO_PASSWORD)
        user.save()
        Role.objects.update_or_create(user=user, defaults=role)
    return [username for username, _name, _role in accounts]


class Command(BaseCommand):
    help = (
        "Load the made-up example plans (演示) that show plans side by side and the province page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--close-predecessor",
            action="store_true",
            help="also close Zibo's 十四五 (read-only from today), as the demo shows it",
        )

    def handle(self, *args, close_predecessor: bool, verbosity: int, **options) -> None:
        for name in (f"{SUCCESSOR}.yaml", f"{MADE_UP_CITY}.yaml"):
            try:
                result = load_plan_file(DEMO_FILES / name)
            except PlanFileError as error:
                raise CommandError("\n".join(error.problems)) from None
            if verbosity:
                self.stdout.write(result.summary())
        made_up = Plan.objects.get(slug=MADE_UP_CITY)
        count = seed_made_up_figures(made_up)
        standings.refresh_plan(made_up)
        successor = Plan.objects.get(slug=SUCCESSOR)
        if demo_final_figures(successor):
            standings.refresh_plan(successor.follows)
        succession.carry_over(successor)
        carried = Figure.objects.filter(
            target__task__part__plan=successor, carried_from__isnull=False
        ).count()
        standings.refresh_plan(successor)
        users = demo_users(made_up)
        if close_predecessor and successor.follows is not None:
            Plan.objects.filter(pk=successor.follows_id).update(closed_on=timezone.localdate())
        if verbosity:
            self.stdout.write(
                f"演示: {count} made-up figures for {made_up.city}; {carried} baseline figures of "
                f"{successor.slug} carried over from {successor.follows.slug}"
                + (" (now closed, read-only)" if close_predecessor else "")
            )
            self.stdout.write(f"演示 logins (password {DEMO_PASSWORD}): {', '.join(users)}")
