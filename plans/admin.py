import tempfile
from pathlib import Path

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans.drafting import Preview, preview_plan_file
from plans.loading import PlanFileError, load_plan_file
from plans.models import Part, Plan, Task, TaskDepartment
from targets import access
from zibo_edu.lib.admin import CityScopedAdmin, CityScopedInline

MAX_DRAFT_BYTES = 5 * 1024 * 1024  # the Zibo plan is 90 KB


class DraftUploadForm(forms.Form):
    draft = forms.FileField(
        label=_("Plan file (YAML)"),
        help_text=_("A file in load_plan's format, e.g. one made by draft_plan and checked."),
    )

    def clean_draft(self) -> str:
        upload = self.cleaned_data["draft"]
        if upload.size > MAX_DRAFT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB is accepted.")
                % {"size": round(upload.size / 2**20, 1), "max": MAX_DRAFT_BYTES // 2**20}
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class DraftConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=MAX_DRAFT_BYTES)


def _with_file(text: str, action):
    """load_plan reads files: hand it the uploaded text as one."""
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.yaml"
        draft.write_text(text, encoding="utf-8")
        return action(draft)


def _other_city(request: HttpRequest, text: str) -> str:
    """A city admin loads their own city's plans only: the problem to show, or ""."""
    try:
        data = yaml.safe_load(text)
        city, slug = str(data["city"]["name"]), str(data["plan"]["slug"])
    except Exception:  # malformed: load_plan's validation names the problem
        return ""
    if access.may_load_plan_of(request.user, city, slug):
        return ""
    return gettext("This file is a plan of %(city)s (%(slug)s); you administer another city.") % {
        "city": city,
        "slug": slug,
    }


@admin.register(Plan)
class PlanAdmin(CityScopedAdmin):
    city = ("city",)
    list_display = ["title", "city", "document_number", "issued_on", "start_year", "end_year"]
    list_filter = ["city"]
    search_fields = ["title", "document_number", "slug"]
    change_list_template = "admin/plans/plan/change_list.html"

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_draft)
        return [path("draft/", upload, name="plans_plan_draft"), *super().get_urls()]

    def upload_draft(self, request: HttpRequest) -> HttpResponse:
        """Upload a plan file, see what load_plan would change, then load it (all or nothing)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        preview, text = None, ""
        upload = DraftUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and "load" in request.POST:
            confirm = DraftConfirmForm(request.POST)
            text = confirm.data.get("text", "") if confirm.is_valid() else ""
            try:
                if problem := _other_city(request, text):
                    raise PlanFileError(Path("draft.yaml"), [problem])
                result = _with_file(text, load_plan_file)
            except PlanFileError as error:
                preview = Preview(problems=error.problems)
            else:
                messages.success(request, gettext("Loaded: %s") % result.summary())
                return redirect("admin:plans_plan_changelist")
            upload = DraftUploadForm()
        elif request.method == "POST" and upload.is_valid():
            text = upload.cleaned_data["draft"]
            problem = _other_city(request, text)
            preview = (
                Preview(problems=[problem]) if problem else _with_file(text, preview_plan_file)
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload a plan file"),
            "form": upload,
            "preview": preview,
            "confirm": DraftConfirmForm(initial={"text": text}) if preview else None,
        }
        status = 422 if (preview and preview.problems) or upload.errors else 200
        return TemplateResponse(
            request, "admin/plans/plan/upload_draft.html", context, status=status
        )


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
