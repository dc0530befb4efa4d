"""Who sees which monthly reports and evaluations. The role rules are departments.access's."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from departments.access import (
    city_id_of,
    has_role,
    headed_department,
    own_district,
    staff_district_id,
)
from departments.models import Department, District
from reports.models import EvaluationReport, Report


def reports_for(user):
    """The monthly reports a user sees: their city's (district staff their district's only);
    the province and superusers every city's."""
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


def get_report_for_user(request: HttpRequest, pk: int):
    return get_object_or_404(reports_for(request.user), pk=pk)


# Evaluations --------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What one user may see of an evaluation and ask to be built."""

    district: District | None  # set for district staff: their district's part only
    department: Department | None  # set for department heads: their targets marked

    @property
    def may_choose_district(self) -> bool:
        return self.district is None


def evaluation_access(user) -> Access | None:
    """The role rule for evaluations, from departments.access's rules: the city
    admin sees everything; a department head the whole evaluation, their department's targets
    marked; district staff their own district's part only; anyone else nothing (None)."""
    if not has_role(user):
        return None
    district_id = staff_district_id(user)
    if district_id is not None:
        return Access(own_district(user), None)
    return Access(None, headed_department(user))


def evaluations_for(user):
    """The archived evaluation reports a user may see and download: those of the user's city
    (every city's for the province and superusers), and district staff only their district's."""
    access = evaluation_access(user)
    reports = EvaluationReport.objects.select_related("plan", "district", "requested_by")
    if access is None:
        return reports.none()
    city = city_id_of(user)
    if city is not None:
        reports = reports.filter(plan__city=city)
    if access.district is not None:
        return reports.filter(district=access.district)
    return reports
