from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from departments.access import is_city_admin
from departments.admin_site import CityScopedAdmin
from reports import delivery, publishing
from reports.models import EvaluationReport, Recipient, Report
from reports.tasks import send_report, signal


@admin.register(Recipient)
class RecipientAdmin(CityScopedAdmin):
    city = ("city",)
    list_display = ["name", "email", "city", "district", "active"]
    list_filter = ["active", "city", "district"]
    search_fields = ["name", "email"]


@admin.register(Report)
class ReportAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["month", "plan", "district", "state", "attempts", "sent_to", "sent_at", "error"]
    list_filter = ["state", "month", "plan", "district"]
    list_select_related = ["plan", "district"]
    readonly_fields = [
        "plan",
        "district",
        "month",
        "state",
        "attempts",
        "sent_to",
        "generated_at",
        "sent_at",
        "error",
    ]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected reports again"))
    def send_again(self, request, queryset) -> None:
        again = [report.pk for report in queryset if delivery.resend(report.pk)]
        # With Redis down nothing is lost: the rows are `generated` and the sweep sends them.
        transaction.on_commit(lambda: signal(send_report, again))
        messages.success(request, _("%(n)d reports queued to be sent.") % {"n": len(again)})


@admin.register(EvaluationReport)
class EvaluationReportAdmin(CityScopedAdmin):
    city = ("plan__city",)
    """The archive of built evaluations, read-only: they are asked for on the evaluation page."""

    list_display = ["plan", "year", "district", "format", "state", "requested_by", "finished_at",
                    "published_at"]  # fmt: skip
    list_filter = ["state", "format", "year", "district"]
    readonly_fields = ["plan", "year", "district", "format", "state", "error", "requested_by",
                       "created_at", "finished_at", "published_at"]  # fmt: skip
    actions = ["publish", "withdraw"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_city_admin(request.user):  # publishing is the city admin's
            actions.pop("publish", None)
            actions.pop("withdraw", None)
        return actions

    @admin.action(description=_("Publish on the plan's public page"))
    def publish(self, request, queryset) -> None:
        done = 0
        for report in queryset.select_related("plan", "district"):
            try:
                done += publishing.publish(report, user=request.user)
            except ValueError as refused:
                messages.error(
                    request,
                    _("%(report)s was not published: %(why)s.")
                    % {"report": report, "why": refused},
                )
        if done:
            messages.success(request, _("%(n)d evaluations published.") % {"n": done})

    @admin.action(description=_("Withdraw from the plan's public page"))
    def withdraw(self, request, queryset) -> None:
        done = sum(publishing.withdraw(r, user=request.user) for r in queryset)
        messages.success(request, _("%(n)d evaluations withdrawn.") % {"n": done})
