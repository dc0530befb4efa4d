"""Who sees what of the public pages: everyone sees a published plan (its targets not withheld);
the city admin previews their city's plans, published or not, exactly as the public would."""

from django.http import Http404, HttpRequest

from departments.access import is_city_admin
from plans.access import may_see_plan
from plans.models import Plan
from public.models import Publication


def may_publish(user) -> bool:
    return is_city_admin(user)


def get_public_plan(slug: str) -> tuple[Plan, int]:
    """A published plan and its version (for the cache key); 404 for any other slug."""
    row = (
        Publication.objects.filter(plan__slug=slug, published=True)
        .select_related("plan__city")
        .only("version", "plan")
        .first()
    )
    if row is None:
        raise Http404
    return row.plan, row.version


def get_plan_for_preview(request: HttpRequest, slug: str) -> Plan:
    """A plan of the city admin's city, published or not; 404 for anyone else."""
    plan = Plan.objects.select_related("city").filter(slug=slug).first()
    if plan is None or not may_publish(request.user) or not may_see_plan(request.user, plan):
        raise Http404
    return plan
