"""Who sees the school-age population projection and who enters births: the role rules of
departments.access applied here. Every role sees the pages (district staff their district
only); district staff enter their district's births, the city admin any of the city's; the
province and department heads read."""

from django.http import Http404, HttpRequest

from departments import access
from departments.models import District


def may_see(user) -> bool:
    return access.has_role(user)


def districts_for(user, districts: list[District]) -> list[District]:
    """The districts whose projection a user sees: district staff their own, others all."""
    return access.scope_districts(districts, user)


def get_district_for_user(request: HttpRequest, slug: str, city_id: int) -> District:
    """404 for a district the user may not see (another city's, another district's staff)."""
    district = District.objects.filter(city_id=city_id, slug=slug).first()
    if district is None or not access.may_see_district_figures(request.user, district):
        raise Http404
    return district


def may_enter_births(user, district: District) -> bool:
    return access.may_enter(user, district)


def enterable_districts(user, districts: list[District]) -> list[District]:
    """The districts whose births a user may enter or import (none for heads and the province)."""
    return [d for d in districts if access.may_enter(user, d)]
