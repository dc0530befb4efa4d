import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import may_generate_reports, require
from plans.access import plan_for_request
from plans.models import plan_query
from reports import access, delivery
from reports.models import Report
from reports.tasks import previous_month, request_month


@login_required
@require_safe  # a page to read: a POST is 405, never treated as a GET
def report_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    reports = list(access.reports_for(request.user).filter(plan=plan).defer("pdf"))
    busy = (Report.State.PENDING, Report.State.GENERATING, Report.State.SENDING)
    working = any(r.state in busy for r in reports)
    context = {
        "reports": reports,
        "working": working,
        "progress": _progress(reports, busy),
        "plan": plan,
        "may_generate": may_generate_reports(request.user),
        "last_month": previous_month(timezone.localdate()),
    }
    return render(request, "reports/report_list.html", context)


def _progress(reports: list[Report], busy) -> list[dict]:
    """Months still being worked on (newest first): how many of their reports are generated and
    how many sent, of how many."""
    months: dict[datetime.date, dict] = {}
    for report in reports:
        month = months.setdefault(
            report.month, {"month": report.month, "total": 0, "generated": 0, "sent": 0, "busy": 0}
        )
        month["total"] += 1
        month["generated"] += report.generated_at is not None
        month["sent"] += report.state == Report.State.SENT
        month["busy"] += report.state in busy
    return sorted((m for m in months.values() if m["busy"]), key=lambda m: m["month"], reverse=True)


@login_required
@require_POST
def generate_now(request: HttpRequest) -> HttpResponse:
    """The city admin's button: queue the month's reports of the plan shown (its city's), as
    the beat would."""
    require(may_generate_reports(request.user))
    plan = plan_for_request(request)  # 404 for another city's
    month = request.POST.get("month", "")
    try:
        day = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        messages.error(request, _("Choose a month (YYYY-MM)."))
        return redirect(reverse("report_list") + plan_query(request))
    if day >= timezone.localdate().replace(day=1):
        messages.error(
            request,
            _(
                "%(month)s is not over yet: a month's reports can be generated once it has "
                "ended (the latest is %(last)s)."
            )
            % {"month": month, "last": f"{previous_month(timezone.localdate()):%Y-%m}"},
        )
        return redirect(reverse("report_list") + plan_query(request))
    reported = delivery.reported_plans(day, plan.city_id)
    if plan not in reported:  # closed, or not begun by then
        messages.error(
            request,
            _(
                "The monthly reports of %(city)s speak of %(plan)s: generate them on that "
                "plan's report page."
            )
            % {"city": plan.city.name, "plan": "、".join(p.title for p in reported) or "—"},
        )
        return redirect(reverse("report_list") + plan_query(request))
    if delivery.month_sent(plan, day):
        messages.info(
            request,
            _(
                "The reports for %(month)s were all sent already; to send one again, use "
                "“send again” in the admin."
            )
            % {"month": month},
        )
    elif request_month(day, plan=plan):
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
    return redirect(reverse("report_list") + plan_query(request))


@login_required
@require_safe  # a page to read: a POST is 405, never treated as a GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request, pk)
    if not report.pdf:
        raise Http404
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
