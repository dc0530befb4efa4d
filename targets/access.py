"""Who may see and change what: the role rules, and one access helper per object kind.

Every role check of the app lives here; views, the nav bar, the API and the querysets ask this
module, nothing else compares a role's kind. The helpers answer 404 for what a user may not see
and 403 for what they may see but not change (or, for pages, a page their role has no use for),
with a reason the 403 page words for the case.

Roles: district staff (bound to one district), department heads (bound to one department; the
head of a task's first department leads its targets), the city admin (and superusers).

Cities: every role belongs to one city (district staff and department heads through their district
or department, the city admin names it) and sees only that city's plans, figures, reports and
notices. The provincial role (省教育厅) reads every city and administers none; superusers see
every city too.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from departments.models import City, Department, District, Role, role_of
from plans.models import Plan
from targets.models import Figure, Target

# Reasons a request is refused with 403, read by templates/403.html.
READ_ONLY = "read-only"  # the user may see this, but not change it
NOT_FOR_ROLE = "not-for-role"  # the page is for another role
PLAN_ENDED = "plan-ended"  # the plan is closed: everything in it is read-only


class Denied(PermissionDenied):
    """403 with the reason the page shows."""

    def __init__(self, reason: str = READ_ONLY) -> None:
        super().__init__(reason)


# Role rules -----------------------------------------------------------------------------------


def is_city_admin(user) -> bool:
    role = role_of(user)
    return (user.is_authenticated and user.is_superuser) or bool(role and role.is_city_admin)


def is_province(user) -> bool:
    """The provincial education department: reads every city, writes nothing."""
    role = role_of(user)
    return bool(role and role.kind == Role.Kind.PROVINCE)


def city_id_of(user) -> int | None:
    """The one city a user's data is scoped to; None for every city (the province, superusers)
    and for anonymous users (who read the public plan pages only)."""
    if not user.is_authenticated or user.is_superuser:
        return None
    role = role_of(user)
    return role.city_id_bound if role is not None else None


def city_of(user) -> City | None:
    """The City of `city_id_of`: None for every city and for anonymous users."""
    city_id = city_id_of(user)
    return None if city_id is None else City.objects.filter(pk=city_id).first()


def may_see_plan(user, plan: Plan) -> bool:
    """A city's users see only their city's plans; the province and anonymous readers all."""
    city = city_id_of(user)
    return city is None or plan.city_id == city


def staff_district_id(user) -> int | None:
    """The district a district staff member is bound to; None for every other role."""
    role = role_of(user)
    return role.district_id if role and role.kind == Role.Kind.DISTRICT_STAFF else None


def headed_department(user) -> Department | None:
    """The department a department head is bound to; None for every other role."""
    role = role_of(user)
    return role.department if role and role.kind == Role.Kind.DEPARTMENT_HEAD else None


def is_district_staff(user) -> bool:
    return staff_district_id(user) is not None


def is_department_head(user) -> bool:
    role = role_of(user)
    return bool(role and role.kind == Role.Kind.DEPARTMENT_HEAD)


def has_role(user) -> bool:
    """Any role, the province's included (it reads what the city admin reads)."""
    return role_of(user) is not None or is_city_admin(user)


def may_write_plan(user, plan: Plan, today=None) -> bool:
    """The one rule for an ended plan: nobody writes in it any more (figures, imports, the API,
    review, the ledger, notices), whatever their role; it stays fully readable."""
    return not plan.is_ended(today)


def require_open(user, plan: Plan) -> None:
    """403 "the plan is closed" for any write into an ended plan."""
    if not may_write_plan(user, plan):
        raise Denied(PLAN_ENDED)


def may_enter(user, district: District | None) -> bool:
    """District staff enter their own district's figures; the city admin enters any of the
    city's, and the city-level ones (district None)."""
    if is_city_admin(user):
        return district is None or may_see_city(user, district.city_id)
    own = staff_district_id(user)
    return own is not None and district is not None and own == district.pk


def may_see_city(user, city_id: int) -> bool:
    own = city_id_of(user)
    return own is None or own == city_id


def may_review(user, target: Target) -> bool:
    """The head of the target's lead department, and the city admin."""
    if is_city_admin(user):
        return True
    department = headed_department(user)
    return department is not None and any(
        a.department_id == department.pk and a.is_lead for a in target.task.assignments.all()
    )


def may_reopen(user) -> bool:
    """Reopening an approved figure and restoring an earlier value: the city admin only."""
    return is_city_admin(user)


def may_upload(user) -> bool:
    """Excel/CSV uploads: district staff (their own district) and the city admin."""
    return is_city_admin(user) or is_district_staff(user)


def may_use_review_list(user) -> bool:
    return is_city_admin(user) or is_department_head(user)


def may_generate_reports(user) -> bool:
    return is_city_admin(user)


def may_build_evaluation(user) -> bool:
    """Building an evaluation report (a draft the city issues): every city role that sees the
    evaluation; the province reads every city's evaluation and builds none."""
    return has_role(user) and not is_province(user)


def may_remind(user) -> bool:
    """ "Remind now" on the completeness page: the city admin only."""
    return is_city_admin(user)


def may_see_department_progress(user) -> bool:
    """Department dashboards are for the departments and the city, not for district staff."""
    return user.is_authenticated and not is_district_staff(user)


def may_see_district_figures(user, district: District) -> bool:
    """A district's own figures: its staff, department heads (their targets), the city admin."""
    own = staff_district_id(user)
    return user.is_authenticated and (own is None or own == district.pk)


def administers_every_city(user) -> bool:
    """Superusers: every city in the admin, the installation-wide settings (schedules, groups,
    the sign-in log), and the power to make superusers. That is what a superuser is."""
    return user.is_authenticated and user.is_superuser


def grantable_role_kinds(user) -> list[str]:
    """The roles a user may give in the admin: a city admin every role of a city (staff, heads,
    city admins of their own city), never the province's, which reads every city."""
    kinds = list(Role.Kind.values)
    return kinds if administers_every_city(user) else [k for k in kinds if k != Role.Kind.PROVINCE]


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


def may_compare_cities(user) -> bool:
    """The province page: the provincial role (and superusers)."""
    return is_province(user) or (user.is_authenticated and user.is_superuser)


def nav(user) -> dict[str, bool]:
    """What the header's links offer this user; the same rules as the pages behind them."""
    return {
        "entry": may_upload(user),
        "review": may_use_review_list(user),
        "progress": user.is_authenticated,
        "completeness": has_role(user),
        "reports": has_role(user),
        "evaluation": has_role(user),
        "ledger": has_role(user),
        "admin": is_city_admin(user),
        "province": may_compare_cities(user),
        "department_progress": may_see_department_progress(user),
    }


# Scoping querysets ----------------------------------------------------------------------------


def plans_for(user) -> list[Plan]:
    """The plans a user may switch between, current ones first: their city's."""
    city = city_id_of(user)
    plans = Plan.objects.all() if city is None else Plan.objects.filter(city=city)
    return plans.listing()


def scope_figures(figures: QuerySet[Figure], user) -> QuerySet[Figure]:
    """The one scoping rule for figures. District staff: their district's. Department heads:
    every district's figures of the targets their department leads or co-operates on. The city
    admin: all of the city's; the province: all. Others: none."""
    if is_city_admin(user) or is_province(user):
        city = city_id_of(user)
        return (
            figures.all() if city is None else figures.filter(target__task__part__plan__city=city)
        )
    district_id = staff_district_id(user)
    if district_id is not None:
        return figures.filter(district=district_id)
    department = headed_department(user)
    if department is not None:
        return figures.filter(target__in=Target.objects.involving(department).values("pk"))
    return figures.none()


def scope_targets(targets: QuerySet[Target], user) -> QuerySet[Target]:
    """Targets whose progress a user sees: a department head those of their department."""
    department = headed_department(user)
    if department is not None:
        return targets.filter(pk__in=Target.objects.involving(department).values("pk"))
    return targets


def scope_districts(districts: list[District], user) -> list[District]:
    """Districts whose own figures a user sees: district staff their own, others all."""
    own = staff_district_id(user)
    return [d for d in districts if d.pk == own] if own is not None else list(districts)


def scope_to_city(queryset: QuerySet, user, lookups: tuple[str, ...]) -> QuerySet:
    """The rows of a queryset that belong to the user's city, `lookups` being the paths from the
    model to its city (any of them, e.g. a role's district's, department's or own city): the
    admin's one scoping rule. Superusers and the province: every city's rows; users bound to no
    city otherwise: none."""
    if not user.is_authenticated or not lookups:
        return queryset.none()
    city = city_id_of(user)
    if city is None:
        return queryset if (administers_every_city(user) or is_province(user)) else queryset.none()
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: city})
    return queryset.filter(condition)


# The paths from an account to its city: through its role's district, department or city.
ACCOUNT_CITY = ("role__district__city", "role__department__city", "role__city")


def scope_accounts(users: QuerySet, user) -> QuerySet:
    """Accounts a user administers: the city admin their city's (never a superuser's, whose
    password would open every city); superusers all."""
    if administers_every_city(user):
        return users
    return scope_to_city(users, user, ACCOUNT_CITY).exclude(is_superuser=True)


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


def reports_for(user):
    """The monthly reports a user sees: their city's (district staff their district's only);
    the province and superusers every city's."""
    from reports.models import Report  # reports depends on targets, not the other way round

    reports = Report.objects.select_related("plan", "district")
    if not has_role(user):
        return reports.none()
    city = city_id_of(user)
    if city is not None:
        reports = reports.filter(plan__city=city)
    district_id = staff_district_id(user)
    if district_id is not None:
        return reports.filter(district=district_id)
    return reports


# One access helper per object kind -------------------------------------------------------------


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


def get_plan_for_user(request: HttpRequest, slug: str) -> Plan:
    """A plan named in the path: 404 for an unknown one and for another city's."""
    plan = get_object_or_404(Plan.objects.select_related("city"), slug=slug)
    if not may_see_plan(request.user, plan):
        raise Http404
    return plan


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


def get_department_for_user(request: HttpRequest, pk: int, plan: Plan) -> Department:
    """A department's dashboard: 403 for district staff (their role has no use for it)."""
    department = get_object_or_404(Department, city=plan.city, pk=pk)
    if not may_see_department_progress(request.user):
        raise Denied(NOT_FOR_ROLE)
    return department


def get_report_for_user(request: HttpRequest, pk: int):
    return get_object_or_404(reports_for(request.user), pk=pk)


def require(allowed: bool, reason: str = NOT_FOR_ROLE) -> None:
    """403 with a reason unless allowed: for pages a role has no use for."""
    if not allowed:
        raise Denied(reason)


def own_district(user) -> District | None:
    """District staff's own district (for "my entry page"); None for every other role."""
    district_id = staff_district_id(user)
    return District.objects.get(pk=district_id) if district_id is not None else None
