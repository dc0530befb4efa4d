"""Demo data: one account per role for every district and lead department, and the head of one
department that only co-operates (市体育局, on 二(一)4), each with an @example.cn address so that
reminders, returned reports and notices reach someone; reporting periods, and plausible figures
for 2020–2024, all marked as demo data. Deterministic: a second run adds nothing."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

import inspections.demo
import ledger.demo
import projections.demo
import public.demo
import schools.demo
import targets.demo
from departments.models import Department, District, Role
from plans.models import Plan
from reports.models import Recipient

DEMO_PASSWORD = "zibo-demo-2025"
CO_OPERATING = "市体育局"


def demo_email(username: str) -> str:
    """A demo account's address: example.cn is reserved, nothing is ever delivered there."""
    return f"{username}@example.cn"


class Command(BaseCommand):
    help = "Create demo users and demo figures (marked as such) for the default plan."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help="password for every demo user"
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options) -> None:
        plan = Plan.objects.default()
        if plan is None:
            raise CommandError("Load a plan first: python manage.py load_plan")
        # The city's admin administers its own city, not the installation: no superuser, so the
        # demo shows what a city admin really sees (the admin scoped to the city).
        accounts = [("city-admin", "市教育局管理员", Role.Kind.CITY_ADMIN, {"city": plan.city})]
        for district in District.objects.filter(city=plan.city):
            name = f"{district.name}填报员"
            accounts.append(
                (f"staff-{district.slug}", name, Role.Kind.DISTRICT_STAFF, {"district": district})
            )
        leads = Department.objects.filter(
            assignments__position=0, assignments__task__part__plan=plan
        ).distinct()
        # A department that leads nothing and co-operates: whom the ledger asks for contributions.
        co_operating = Department.objects.filter(
            city=plan.city, name=CO_OPERATING, assignments__task__part__plan=plan
        ).distinct()
        for department in [*leads, *co_operating.exclude(pk__in=leads)]:
            name = f"{department.name}负责人"
            accounts.append(
                (
                    f"head-{department.slug}",
                    name,
                    Role.Kind.DEPARTMENT_HEAD,
                    {"department": department},
                )
            )
        hashed = make_password(password)  # one hash for all: they share the demo password
        for username, full_name, kind, binding in accounts:
            user = _demo_user(username, full_name, hashed, admin=kind == Role.Kind.CITY_ADMIN)
            if not user.email:  # reminders, returned reports and notices reach someone
                user.email = demo_email(username)
                user.save(update_fields=["email"])
            Role.objects.update_or_create(
                user=user, defaults={"kind": kind, "district": None, "department": None, **binding}
            )
        created = targets.demo.seed(plan, user=User.objects.get(username="city-admin"))
        self.stdout.write(
            f"Demo ledger rows: {ledger.demo.seed(plan, User.objects.get(username='city-admin'))}"
        )
        for district in [*District.objects.filter(city=plan.city), None]:
            Recipient.objects.get_or_create(
                city=plan.city,
                district=district,
                email=f"{district.slug if district else 'city'}@example.cn",
                defaults={"name": f"{district.name if district else plan.city.name}（演示收件人）"},
            )
        self.stdout.write(f"Demo figures created: {created} (each marked “{targets.demo.NOTE}”)")
        decomposed, adjusted = targets.demo.seed_goals(
            plan, user=User.objects.get(username="city-admin")
        )
        self.stdout.write(
            f"演示 分解目标 on {decomposed or '—'}, 规划调整 on {adjusted or '—'} "
            "(see /progress/ and their target pages). 约束性 and 预警: the 演示 plan 示例市 "
            "(load_demo_plans) marks some targets 约束性; 预警 shows only before the deadline "
            "year, so look at /progress/?year=2023 (as admin-shili)."
        )
        self.stdout.write(f"Demo schools and statistics rows: {schools.demo.seed(plan)} (演示)")
        self.stdout.write(f"Demo county evaluations (演示): {inspections.demo.seed(plan)}")
        self.stdout.write(f"Demo births rows: {projections.demo.seed(plan)} (演示)")
        chased = targets.demo.seed_reminders(plan, timezone.localdate())
        self.stdout.write(f"Demo reminders recorded: {chased} (past ones, marked as demo data)")
        withheld = public.demo.publish(plan, user=User.objects.get(username="city-admin"))
        self.stdout.write(
            f"Public pages: /public/{plan.slug}/ (withheld to show how: {withheld or '—'})"
        )
        self.stdout.write(f"Demo accounts (demo only), password: {password}")
        for username, full_name, _kind, _binding in accounts:
            self.stdout.write(f"  {username:<34} {full_name}")


def _demo_user(username: str, full_name: str, hashed_password: str, *, admin: bool) -> User:
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.is_staff, user.is_superuser = admin, False
    user.password = hashed_password
    user.save()
    return user
