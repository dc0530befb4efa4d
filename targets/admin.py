from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets import standings
from targets.figures import FigureInput
from targets.models import Figure, FigureChange, FigureImport, Reminder, ReportingPeriod, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "requirement", "deadline_year", "scope", "reported_by"]
    list_filter = ["kind", "comparator", "scope", "reported_by", "deadline_year", "task__part"]
    search_fields = ["code", "name", "source_sentence", "numerator_label", "denominator_label"]
    list_select_related = ["task__part__plan"]
    autocomplete_fields = ["task"]

    @admin.display(description=_("requirement"))
    def requirement(self, target: Target) -> str:
        return target.requirement

    def save_model(self, request, obj: Target, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        standings.refresh({obj.pk})  # its value, deadline or kind judge every figure anew


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["plan", "year", "deadline", "remind_days_before", "change_note_threshold"]
    list_editable = ["deadline", "remind_days_before", "change_note_threshold"]
    list_filter = ["plan"]


class FigureChangeInline(admin.TabularInline):
    model = FigureChange
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "changed_at",
        "changed_by",
        "channel",
        "action",
        "old",
        "new",
        "comment",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """Corrections by the city bureau; each save is logged like any other channel's."""

    list_display = [
        "target",
        "district",
        "year",
        "numerator",
        "denominator",
        "value",
        "achieved",
        "state",
    ]
    list_filter = ["state", "year", "district", "target__kind"]
    search_fields = ["target__code", "target__name", "district__name", "note"]
    list_select_related = ["target", "district"]
    readonly_fields = ["version", "updated_at", "updated_by", "submitted_at"]
    autocomplete_fields = ["target"]
    inlines = [FigureChangeInline]

    def save_model(self, request, obj: Figure, form, change: bool) -> None:
        stored = Figure.objects.get(pk=obj.pk) if change else None
        before = FigureInput.of(stored).snapshot() if stored else {}
        obj.updated_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        obj.changes.create(
            changed_by=request.user,
            channel=FigureChange.Channel.ADMIN,
            action="update" if change else "create",
            old=before,
            new=FigureInput.of(obj).snapshot(),
        )
        standings.refresh_figures([obj, stored] if stored else [obj])  # it may have moved

    def delete_model(self, request, obj: Figure) -> None:
        super().delete_model(request, obj)
        standings.refresh_figures([obj])

    def delete_queryset(self, request, queryset) -> None:
        figures = list(queryset.only("target_id", "district_id"))
        super().delete_queryset(request, queryset)
        standings.refresh_figures(figures)


@admin.register(FigureChange)
class FigureChangeAdmin(admin.ModelAdmin):
    list_display = ["figure", "changed_at", "changed_by", "channel", "action"]
    list_filter = ["channel", "action"]
    search_fields = ["figure__target__code", "changed_by__username", "comment"]
    list_select_related = ["figure__target", "figure__district", "changed_by"]

    # The audit trail is append-only for everyone, superusers included: rows are written by the
    # channels themselves, never added, changed or deleted here (PostgreSQL refuses it too).
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["district", "period", "sent_on", "missing", "recipients"]
    list_filter = ["period", "district"]


@admin.register(FigureImport)
class FigureImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "created_at", "applied_at", "summary"]
    list_filter = ["applied_at"]
    search_fields = ["filename", "uploaded_by__username", "sha256"]
    exclude = ["content"]
    readonly_fields = ["uploaded_by", "filename", "sha256", "fingerprint", "applied_at", "summary"]
