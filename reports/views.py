from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from departments.models import Role, role_of
from reports.models import Report


def _reports_for(user):
    """District staff see their district's reports; department heads and the city admin all."""
    role = role_of(user)
    reports = Report.objects.select_related("district")
    if role is None and not user.is_superuser:
        return reports.none()
    if role and role.kind == Role.Kind.DISTRICT_STAFF:
        return reports.filter(district=role.district_id)
    return reports


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = _reports_for(request.user).defer("pdf")
    return render(request, "reports/report_list.html", {"reports": reports})


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_reports_for(request.user), pk=pk)
    if not report.pdf:
        raise Http404
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
