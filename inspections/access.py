"""Who sees and records the county 督导 evaluations: the role rules of departments.access.

District staff see their own county's evaluation (another county's is a 404, the city page
sends them to their own); department heads and the city admin read every county of the city;
the province reads every city's. Only the city admin records the evaluation items (and
uploads their evidence): the evaluation is the city's to prepare, not the county's to grade.
"""

from django.http import Http404

from departments import access
from departments.models import District


def may_see_inspections(user) -> bool:
    return access.has_role(user)


def may_see_city_page(user) -> bool:
    """The page of all counties: every role but district staff (who see their county)."""
    return access.has_role(user) and not access.is_district_staff(user)


def may_record_items(user) -> bool:
    return access.is_city_admin(user)


def own_district(user) -> District | None:
    return access.own_district(user)


def visible_districts(user, city) -> list[District]:
    return access.scope_districts(list(city.districts.all()), user)


def get_district(user, slug: str, city_id: int) -> District:
    """The county, if the user may see its evaluation; else 404."""
    district = District.objects.filter(city_id=city_id, slug=slug).first()
    if district is None or not (
        access.has_role(user)
        and access.may_see_city(user, city_id)
        and access.may_see_district_figures(user, district)
    ):
        raise Http404
    return district


def may_download_evidence(user, district: District) -> bool:
    return (
        access.has_role(user)
        and access.may_see_city(user, district.city_id)
        and access.may_see_district_figures(user, district)
    )
