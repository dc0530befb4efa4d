"""Who may see and change a plan: a city's users see their city's plans (the province and
anonymous readers all), and nobody writes into an ended plan. The role rules are
departments.access's, asked here."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from departments.access import (
    NOT_FOR_ROLE,
    PLAN_ENDED,
    Denied,
    administers_every_city,
    city_id_of,
    is_city_admin,
    may_issue_notices,
    may_see_department_progress,
)
from departments.models import City, Department
from plans.models import PLAN_SLUG, Plan, preferred


def may_see_plan(user, plan: Plan) -> bool:
    """A city's users see only their city's plans; the province and anonymous readers all."""
    city = city_id_of(user)
    return city is None or plan.city_id == city


def may_write_plan(user, plan: Plan, today=None) -> bool:
    """The one rule for an ended plan: nobody writes in it any more (figures, imports, the API,
    review, the ledger, notices), whatever their role; it stays fully readable."""
    return not plan.is_ended(today)


def may_issue_notice_in(user, plan: Plan) -> bool:
    """Offer "发督办单" on a page of this plan: the user issues notices and the plan is open."""
    return may_issue_notices(user) and may_write_plan(user, plan)


def require_open(user, plan: Plan) -> None:
    """403 "the plan is closed" for any write into an ended plan."""
    if not may_write_plan(user, plan):
        raise Denied(PLAN_ENDED)


def may_load_plan_of(user, city_name: str, slug: str) -> bool:
    """Loading a plan file in the admin: a city admin loads their own city's plans only (and
    never a file whose slug names another city's plan); superusers any."""
    if administers_every_city(user):
        return True
    city = city_id_of(user)
    if city is None or not is_city_admin(user):
        return False
    own = City.objects.filter(pk=city, name=city_name).exists()
    return own and not Plan.objects.filter(slug=slug).exclude(city=city).exists()


def plans_for(user) -> list[Plan]:
    """The plans a user may switch between, current ones first: their city's."""
    city = city_id_of(user)
    plans = Plan.objects.all() if city is None else Plan.objects.filter(city=city)
    return plans.listing()


def get_plan_for_user(request: HttpRequest, slug: str) -> Plan:
    """A plan named in the path: 404 for an unknown one and for another city's."""
    plan = get_object_or_404(Plan.objects.select_related("city"), slug=slug)
    if not may_see_plan(request.user, plan):
        raise Http404
    return plan


def get_department_for_user(request: HttpRequest, pk: int, plan: Plan) -> Department:
    """A department's dashboard: 403 for district staff (their role has no use for it)."""
    department = get_object_or_404(Department, city=plan.city, pk=pk)
    if not may_see_department_progress(request.user):
        raise Denied(NOT_FOR_ROLE)
    return department


def plan_for_request(request: HttpRequest) -> Plan:
    """The one way a page, an export or an endpoint picks its plan: ?plan=<slug>, else the
    default plan. 404 for an unknown or malformed slug, or when no plan is loaded."""
    slug = request.GET.get("plan")
    user = getattr(request, "user", None)
    if slug is None or slug == "":
        plan = Plan.objects.default()
        if plan is not None and user is not None and not may_see_plan(user, plan):
            plan = preferred(plans_for(user))  # the user's city's plan
    elif PLAN_SLUG.fullmatch(slug):
        plan = Plan.objects.select_related("city").filter(slug=slug).first()
    else:
        plan = None
    if plan is None or (user is not None and not may_see_plan(user, plan)):
        raise Http404("No such plan has been loaded.")  # another city's: as if none
    return plan
