"""The ledger in the admin: rounds, reports, contributions, notices, robots, and notifications
(failed ones first, with their last error, and an action to send them again)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from departments.admin_site import CityScopedAdmin, CityScopedInline
from ledger import notifications
from ledger.models import (
    Attachment,
    Contribution,
    Delivery,
    LedgerChange,
    Notice,
    NoticeReply,
    ReportingRound,
    TaskReport,
    WebhookEndpoint,
)


@admin.register(ReportingRound)
class ReportingRoundAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["title", "plan", "period_end", "deadline", "is_final", "opened_at"]
    list_filter = ["plan", "is_final"]
    readonly_fields = ["opened_at"]


class AttachmentInline(CityScopedInline, admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["name", "size", "content_type", "uploaded_at", "uploaded_by"]


@admin.register(Contribution)
class ContributionAdmin(CityScopedAdmin):
    city = ("round__plan__city",)
    list_display = ["task", "department", "round", "state", "submitted_at", "is_demo"]
    list_filter = ["round", "state", "department", "is_demo"]
    list_select_related = ["task", "department", "round"]
    search_fields = ["task__code", "text"]
    readonly_fields = ["version", "updated_by", "submitted_at"]
    inlines = [AttachmentInline]


@admin.register(TaskReport)
class TaskReportAdmin(CityScopedAdmin):
    city = ("round__plan__city",)
    list_display = ["task", "round", "status", "state", "submitted_at", "approved_at", "is_demo"]
    list_filter = ["round", "state", "status", "is_demo"]
    list_select_related = ["task", "round"]
    search_fields = ["task__code", "text"]
    readonly_fields = ["version", "updated_by", "submitted_at", "approved_at"]


@admin.register(LedgerChange)
class LedgerChangeAdmin(CityScopedAdmin):
    city = ("contribution__round__plan__city", "report__round__plan__city")
    list_display = ["changed_at", "changed_by", "channel", "action", "contribution", "report"]
    list_filter = ["channel", "action"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoticeReplyInline(CityScopedInline, admin.StackedInline):
    model = NoticeReply
    extra = 0


@admin.register(Notice)
class NoticeAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["__str__", "subject", "department", "district", "reply_deadline", "state"]
    list_filter = ["state", "year", "is_demo"]
    search_fields = ["subject", "facts"]
    inlines = [NoticeReplyInline]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(CityScopedAdmin):
    city = ("department__city", "district__city")
    list_display = ["__str__", "kind", "url", "active"]
    list_filter = ["kind", "active"]
    # A URL typed without its scheme is an https one: robots are reached over https only.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/ledger/webhookendpoint/change_form.html"

    def get_urls(self):
        send_test = self.admin_site.admin_view(self.send_test)
        test_url = path("<path:object_id>/test/", send_test, name="ledger_webhookendpoint_test")
        return [test_url, *super().get_urls()]

    def send_test(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """发送测试消息 (a POST from the change page): the answer is shown as a message there."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        robot = self.get_object(request, unquote(object_id))  # 404 for another city's robot
        if not self.has_change_permission(request, robot):
            raise PermissionDenied
        delivered, answer = notifications.send_test(robot)
        self.message_user(request, answer, messages.SUCCESS if delivered else messages.ERROR)
        return redirect(reverse("admin:ledger_webhookendpoint_change", args=[robot.pk]))


@admin.register(Delivery)
class DeliveryAdmin(CityScopedAdmin):
    # A robot's notifications are its department's or district's city's; an email's names no
    # unit in its row, so it is the superuser's.
    city = ("endpoint__department__city", "endpoint__district__city")
    list_display = ["created_at", "event", "endpoint", "title", "state", "attempts", "last_error"]
    list_filter = ["state", "event"]
    search_fields = ["title", "last_error"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    def get_ordering(self, request):
        return ["state", "-created_at"]  # failed before pending before sent (alphabetical)

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset) -> None:
        count = sum(notifications.resend(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)s queued again.") % {"n": count}, messages.SUCCESS)
