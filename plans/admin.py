"""The plan's parts and tasks in the admin. The Plan itself is administered in targets/admin.py,
because its page loads plan files, which make targets too (targets.loading)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from departments.admin_site import CityScopedAdmin, CityScopedInline
from plans.models import Part, Task, TaskDepartment


@admin.register(Part)
class PartAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["code", "title", "kind", "plan", "order"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "title", "text"]


class TaskDepartmentInline(CityScopedInline, admin.TabularInline):
    model = TaskDepartment
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(CityScopedAdmin):
    city = ("part__plan__city",)
    list_display = ["code", "title", "lead", "target_count", "part"]
    list_filter = ["part__plan", "part"]
    search_fields = ["code", "title", "text", "departments__name"]
    inlines = [TaskDepartmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("part")
            .with_departments()
            .annotate(target_total=Count("targets"))
        )

    @admin.display(description=_("lead department"))
    def lead(self, task: Task) -> str:
        return str(task.lead_department or "")

    @admin.display(description=_("targets"), ordering="target_total")
    def target_count(self, task: Task) -> int:
        return task.target_total


@admin.register(TaskDepartment)
class TaskDepartmentAdmin(CityScopedAdmin):
    city = ("task__part__plan__city",)
    list_display = ["task", "department", "position"]
    list_filter = ["department"]
    search_fields = ["task__code", "task__title", "department__name"]
    list_select_related = ["task", "department"]
