import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Role, role_of
from reports.models import Report
from reports.tasks import previous_month, request_month
from targets import figures


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
    reports = list(_reports_for(request.user).defer("pdf"))
    working = any(
        r.state in (Report.State.PENDING, Report.State.GENERATING, Report.State.SENDING)
        for r in reports
    )
    context = {
        "reports": reports,
        "working": working,
        "may_generate": figures.may_reopen(request.user),
        "last_month": previous_month(timezone.localdate()),
    }
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def generate_now(request: HttpRequest) -> HttpResponse:
    """The city admin's button: queue the month's reports, as the beat would."""
    if not figures.may_reopen(request.user):
        raise PermissionDenied
    month = request.POST.get("month", "")
    try:
        day = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        messages.error(request, _("Choose a month (YYYY-MM)."))
        return redirect("report_list")
    if request_month(day):
        messages.success(
            request, _("The reports for %(month)s are being generated.") % {"month": month}
        )
    else:
        messages.warning(
            request,
            _(
                "Recorded: the reports for %(month)s will be generated and sent automatically "
                "as soon as the task queue is back; it cannot be reached right now."
            )
            % {"month": month},
        )
    return redirect("report_list")


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_reports_for(request.user), pk=pk)
    if not report.pdf:
        raise Http404
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
