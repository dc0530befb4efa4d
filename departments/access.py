"""Who may do what, by role: the role rules every app asks.

Roles: district staff (bound to one district), department heads (bound to one department; the
head of a task's first department leads its targets), the city admin (and superusers), and the
provincial role (省教育厅), which reads every city and administers none.

Cities: every role belongs to one city (district staff and department heads through their district
or department, the city admin names it) and sees only that city's plans, figures, reports and
notices; the province and superusers see every city.

A rule that needs only the user (and a department or district) lives here; a rule about another
app's object lives in that app's access module (plans.access, targets.access, ledger.access,
reports.access), which asks these. Nothing else compares a role's kind. The helpers answer 404
for what a user may not see and 403 for what they may see but not change (or, for pages, a page
their role has no use for), with a reason the 403 page words for the case.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from departments.models import City, Department, District, Role, role_of

# Reasons a request is refused with 403, read by templates/403.html.
# Reasons a request is refused with 403, read by templates/403.html.
READ_ONLY = "read-only"  # the user may see this, but not change it


NOT_FOR_ROLE = "not-for-role"  # the page is for another role


PLAN_ENDED = "plan-ended"  # the plan is closed: everything in it is read-only


class Denied(PermissionDenied):
    """403 with the reason the page shows."""

    def __init__(self, reason: str = READ_ONLY) -> None:
        super().__init__(reason)


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


def may_issue_notices(user) -> bool:
    """Issuing a supervision notice (督办单): the city admin (the ledger's notice form and every
    page that offers "发督办单" ask this)."""
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
        "schools": has_role(user),
        "inspections": has_role(user),
        "projections": has_role(user),
        "admin": is_city_admin(user),
        "help": user.is_authenticated,
        "province": may_compare_cities(user),
        "department_progress": may_see_department_progress(user),
    }


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


def require(allowed: bool, reason: str = NOT_FOR_ROLE) -> None:
    """403 with a reason unless allowed: for pages a role has no use for."""
    if not allowed:
        raise Denied(reason)


def own_district(user) -> District | None:
    """District staff's own district (for "my entry page"); None for every other role."""
    district_id = staff_district_id(user)
    return District.objects.get(pk=district_id) if district_id is not None else None


def may_administer(user) -> bool:
    """The Django admin is the city bureau's: active staff with the city-admin role,
    or superusers.
    """
    if not (user.is_active and user.is_staff):
        return False
    role = role_of(user)
    return user.is_superuser or (role is not None and role.is_city_admin)


def staff_accounts() -> QuerySet:
    """Active district staff accounts (every district's): whom a district's mail goes to."""
    return get_user_model().objects.filter(is_active=True, role__kind=Role.Kind.DISTRICT_STAFF)


def head_accounts() -> QuerySet:
    """Active department heads' accounts: whom a department's mail goes to."""
    return get_user_model().objects.filter(is_active=True, role__kind=Role.Kind.DEPARTMENT_HEAD)


def emails_of(unit: Department | District) -> list[str]:
    """The addresses a department's or district's mail goes to: its heads' or its staff's."""
    if isinstance(unit, Department):
        accounts = head_accounts().filter(role__department=unit)
    else:
        accounts = staff_accounts().filter(role__district=unit)
    return sorted(accounts.exclude(email="").values_list("email", flat=True))
