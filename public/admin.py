"""Publishing in the admin (city admin): publish or unpublish a plan with its preview beside it,
withhold a target with a reason or release it; every step through public.publication, audited."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.admin_site import CityScopedAdmin
from public import publication
from public.models import Publication, PublicationChange, Withholding


@admin.register(Publication)
class PublicationAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["plan", "published", "published_at", "preview"]
    readonly_fields = ["published", "published_at", "preview"]
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "plan"] if obj else self.readonly_fields

    @admin.display(description=gettext_lazy("what the public sees"))
    def preview(self, row: Publication) -> str:
        if not row.pk:
            return "—"
        url = reverse("public_preview", args=[row.plan.slug])
        return format_html('<a href="{}">{}</a>', url, _("Preview"))

    @admin.action(description=gettext_lazy("Publish the selected plans"))
    def publish(self, request, queryset) -> None:
        done = sum(publication.publish(row.plan, user=request.user) for row in queryset)
        self.message_user(request, _("%(n)d plans published.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Unpublish the selected plans"))
    def unpublish(self, request, queryset) -> None:
        done = sum(publication.unpublish(row.plan, user=request.user) for row in queryset)
        self.message_user(request, _("%(n)d plans unpublished.") % {"n": done}, messages.SUCCESS)


@admin.register(Withholding)
class WithholdingAdmin(CityScopedAdmin):
    city = ("target__task__part__plan__city",)
    list_display = ["target", "reason", "withheld_at"]
    autocomplete_fields = ["target"]
    fields = ["target", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return ["target"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        publication.withhold(obj.target, user=request.user, reason=obj.reason)

    def delete_model(self, request, obj) -> None:
        publication.release(obj.target, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for row in queryset.select_related("target__task__part__plan"):
            publication.release(row.target, user=request.user)


@admin.register(PublicationChange)
class PublicationChangeAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["changed_at", "plan", "action", "target", "who", "comment"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
