"""Who may see and change targets and figures: one access helper per object kind (figure,
target, district's figures), and the scoping of figures and targets to a user.

The role rules are departments.access's and the plan rules plans.access's, asked here, never
restated. The helpers answer 404 for what a user may not see and 403 for what they may see but
not change.
"""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from departments.access import (
    NOT_FOR_ROLE,
    READ_ONLY,
    Denied,
    has_role,
    headed_department,
    is_city_admin,
    is_district_staff,
    may_enter,
    may_see_district_figures,
)
from departments.models import District
from plans.access import require_open
from plans.models import Plan
from targets.models import Figure, Target


def may_review(user, target: Target) -> bool:
    """The head of the target's lead department, and the city admin."""
    if is_city_admin(user):
        return True
    department = headed_department(user)
    return department is not None and any(
        a.department_id == department.pk and a.is_lead for a in target.task.assignments.all()
    )


def may_see_progress_of(user, task) -> bool:
    """Whether a user sees the progress of a task's targets (`scope_targets` for one task): every
    signed-in role; a department head the tasks their department leads or co-operates on."""
    if not user.is_authenticated:
        return False
    department = headed_department(user)
    return department is None or any(
        a.department_id == department.pk for a in task.assignments.all()
    )


def scope_targets(targets: QuerySet[Target], user) -> QuerySet[Target]:
    """Targets whose progress a user sees: a department head those of their department."""
    department = headed_department(user)
    if department is not None:
        return targets.filter(pk__in=Target.objects.involving(department).values("pk"))
    return targets


def reviewable(user) -> QuerySet[Figure]:
    """Figures the user may approve or return: the lead department's targets, or all for the
    city admin; never a carried-over baseline figure, whose state follows its source."""
    scoped = Figure.objects.for_user(user).filter(carried_from__isnull=True)
    if is_city_admin(user):
        return scoped  # already the city's
    department = headed_department(user)
    if department is not None:
        return scoped.filter(target__in=Target.objects.led_by(department).values("pk"))
    return scoped.none()


def get_figure_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Figure:
    """404 for a figure outside the user's scope; 403 for writing one the user only sees."""
    queryset = Figure.objects.for_user(request.user).select_related(
        "target__task__part__plan", "district", "updated_by"
    )
    figure = get_object_or_404(queryset.prefetch_related("target__task__assignments"), pk=pk)
    if write:
        require_open(request.user, figure.target.task.part.plan)
    if write and not (
        may_enter(request.user, figure.district) or may_review(request.user, figure.target)
    ):
        raise Denied(READ_ONLY)
    return figure


def get_target_for_user(request: HttpRequest, pk: int, plan: Plan) -> Target:
    """A target of the plan whose progress the user sees: 404 for another department's."""
    targets = scope_targets(Target.objects.of_plan(plan), request.user)
    return get_object_or_404(targets, pk=pk)


CITY = "city"


def get_district_for_user(
    request: HttpRequest,
    slug: str,
    plan: Plan,
    *,
    write: bool = False,
    among: list[District] | None = None,
) -> District | None:
    """The district named by slug (None for "city", the city-level figures).

    Reading: 404 for another district's figures (district staff). Writing (entry): 404 where the
    user cannot even see the district's figures, 403 where they see them but may not enter.
    `among`: the city's districts, when the caller has them loaded already."""
    if slug == CITY:
        district = None
    elif among is not None:
        district = next((d for d in among if d.slug == slug), None)
        if district is None:
            raise Http404
    else:
        district = get_object_or_404(District, city=plan.city, slug=slug)
    if district is None:
        visible = has_role(request.user) and not is_district_staff(request.user)
    else:
        visible = may_see_district_figures(request.user, district)
    if not visible:
        raise Http404
    if write:
        require_open(request.user, plan)
    if write and not may_enter(request.user, district):
        raise Denied(READ_ONLY)
    return district


def may_set_goals(user) -> bool:
    """Decomposing a target to the districts (分解目标) and adjusting it (规划调整): the city
    admin."""
    return is_city_admin(user)


def get_target_to_set(request: HttpRequest, pk: int, plan: Plan) -> Target:
    """A target of the plan whose districts' values or adjustment the user may set: 404 for a
    target the user does not see, 403 for a role that may not set them or a closed plan."""
    target = get_target_for_user(request, pk, plan)
    if not may_set_goals(request.user):
        raise Denied(NOT_FOR_ROLE)
    require_open(request.user, plan)
    return target
