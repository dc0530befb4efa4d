"""Who sees which schools and who imports their statistics: the role rules of
departments.access applied to schools. District staff see their district's schools and import
its statistics; department heads and the city admin see the city's, and the city admin imports
any district's or the whole city's; the province reads every city's."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from departments import access
from departments.models import District


def scope_schools(schools: QuerySet, user) -> QuerySet:
    """The one scoping rule for schools (and, through `lookup`, their statistics)."""
    return _scope(schools, user, "district")


def scope_statistics(statistics: QuerySet, user) -> QuerySet:
    return _scope(statistics, user, "school__district")


def _scope(rows: QuerySet, user, district: str) -> QuerySet:
    if not user.is_authenticated or not access.has_role(user):
        return rows.none()
    own = access.staff_district_id(user)
    if own is not None:
        return rows.filter(**{f"{district}_id": own})
    city = access.city_id_of(user)
    return rows if city is None else rows.filter(**{f"{district}__city_id": city})


def may_see_district_schools(user, district: District) -> bool:
    return (
        access.has_role(user)
        and access.may_see_city(user, district.city_id)
        and access.may_see_district_figures(user, district)
    )


def may_import_statistics(user, district: District | None) -> bool:
    """A district's workbook: its staff or the city admin; the whole city's (district None):
    the city admin."""
    return access.may_enter(user, district)


def get_district_for_user(request: HttpRequest, slug: str, city_id: int) -> District:
    """404 for a district the user may not see the schools of."""
    district = District.objects.filter(city_id=city_id, slug=slug).first()
    if district is None or not may_see_district_schools(request.user, district):
        raise Http404
    return district


def get_school_for_user(request: HttpRequest, code: str):
    from schools.models import School

    school = scope_schools(School.objects.select_related("district"), request.user).filter(
        code=code
    )
    found = school.first()
    if found is None:
        raise Http404
    return found


def may_import(user) -> bool:
    """The statistics import page: district staff (their district) and the city admin."""
    return access.may_upload(user)


def import_district(request: HttpRequest, slug: str) -> District | None:
    """The district a statistics upload is for: district staff their own, whatever they send;
    the city admin any of the city's or, with no slug, the whole city (None). An unknown slug
    is a 404; another district's a 404 too."""
    own = access.own_district(request.user)
    if own is not None:
        if slug and slug != own.slug:
            raise Http404
        return own
    if not slug:
        return None
    city = access.city_id_of(request.user)
    rows = District.objects.filter(slug=slug)
    district = (rows if city is None else rows.filter(city_id=city)).first()
    if district is None or not may_import_statistics(request.user, district):
        raise Http404
    return district


def may_see_schools(user) -> bool:
    """The schools pages: every role (district staff their district's); not anonymous users."""
    return access.has_role(user)
