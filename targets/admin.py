import tempfile
from pathlib import Path

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from departments.access import ACCOUNT_CITY
from departments.admin_site import CityScopedAdmin, CityScopedInline
from plans import access
from plans.models import Plan
from targets import display, figures, reminders, standings
from targets.drafting import Preview, preview_plan_file
from targets.figures import FigureInput
from targets.loading import PlanFileError, load_plan_file
from targets.models import (
    Decomposition,
    DistrictGoal,
    Figure,
    FigureChange,
    FigureImport,
    GoalChange,
    Reminder,
    ReportingPeriod,
    ReturnEmail,
    Target,
    TargetAdjustment,
    describe_values,
)


class TargetAdminForm(forms.ModelForm):
    """A target of an issued plan keeps its value and deadline year here: changing them is a
    规划调整, made on the target's adjustment page with the reason and the approving document."""

    class Meta:
        model = Target
        fields = "__all__"  # noqa: DJ007 (the admin's form of every field)

    def clean(self):
        data = super().clean()
        target = self.instance
        if target.pk is None or target.task_id is None or not target.task.part.plan.issued_on:
            return data
        changed = [name for name in ("value", "deadline_year") if name in self.changed_data]
        if changed:
            url = reverse("goal_adjustment", args=[target.pk])
            raise forms.ValidationError(
                gettext(
                    "The plan is issued: its value and deadline year change only by an "
                    "adjustment, with the reason and the approving document (%(url)s)."
                )
                % {"url": url}
            )
        return data


@admin.register(Target)
class TargetAdmin(CityScopedAdmin):
    form = TargetAdminForm
    city = ("task__part__plan__city",)
    list_display = [
        "code", "name", "kind", "requirement", "deadline_year", "binding", "scope", "reported_by",
    ]  # fmt: skip
    list_filter = [
        "binding", "kind", "comparator", "scope", "reported_by", "deadline_year", "task__part",
    ]  # fmt: skip
    actions = ["mark_binding", "mark_expected", "mark_unmarked"]
    search_fields = ["code", "name", "source_sentence", "numerator_label", "denominator_label"]
    list_select_related = ["task__part__plan"]
    autocomplete_fields = ["task"]

    @admin.display(description=_("requirement"))
    def requirement(self, target: Target) -> str:
        return display.requirement(target)

    def save_model(self, request, obj: Target, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.has_changed():  # its value, deadline or kind judge every figure anew
            standings.refresh({obj.pk})

    # 属性 in bulk: the admin's history (LogEntry) of each target changed says from what to what,
    # as a change in the form does ("Changed binding or expected.").

    def _mark(self, request, queryset, binding: str) -> None:
        label = Target.Binding(binding).label
        changed = [target for target in queryset if target.binding != binding]
        for target in changed:
            before = target.get_binding_display()
            target.binding = binding
            target.save(update_fields=["binding"])
            self.log_change(
                request,
                target,
                gettext("Binding or expected: %(before)s → %(after)s (in bulk).")
                % {"before": before, "after": label},
            )
        self.message_user(
            request,
            gettext("%(n)s targets marked %(label)s; %(same)s were so already.")
            % {"n": len(changed), "label": label, "same": len(queryset) - len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as binding (约束性)"))
    def mark_binding(self, request, queryset) -> None:
        self._mark(request, queryset, Target.Binding.BINDING)

    @admin.action(description=_("Mark as expected (预期性)"))
    def mark_expected(self, request, queryset) -> None:
        self._mark(request, queryset, Target.Binding.EXPECTED)

    @admin.action(description=_("Mark as not marked (未标注)"))
    def mark_unmarked(self, request, queryset) -> None:
        self._mark(request, queryset, Target.Binding.UNMARKED)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(CityScopedAdmin):
    city = ("plan__city",)
    list_display = ["plan", "year", "deadline", "remind_days_before", "change_note_threshold"]
    list_editable = ["deadline", "remind_days_before", "change_note_threshold"]
    list_filter = ["plan"]


class FigureChangeInline(CityScopedInline, admin.TabularInline):
    """The figure's history as the figure page shows it: people, actions and fields by name."""

    model = FigureChange
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "changed_at",
        "who",
        "channel",
        "action",
        "before",
        "after",
        "comment",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("changed by"))
    def who(self, change: FigureChange) -> str:
        return change.who

    @admin.display(description=_("before"))
    def before(self, change: FigureChange) -> str:
        return "；".join(f"{label}：{value}" for label, value in change.before)

    @admin.display(description=_("after"))
    def after(self, change: FigureChange) -> str:
        return "；".join(f"{label}：{value}" for label, value in change.after)


class FigureAdminForm(forms.ModelForm):
    """The admin's figure form: the same rules, version check and lock as every other channel.

    `loaded_version` carries the version the admin opened; a save over a newer one is refused
    with who changed it, like the entry page. The state is read-only here: submitting, approving,
    returning and reopening go through the figure page, so each is logged as such.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Figure
        fields = ["target", "district", "year", *figures.VALUE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target") if not self.instance.pk else self.instance.target
        if target is None or self.errors:
            return cleaned
        district = cleaned.get("district") if not self.instance.pk else self.instance.district
        year = cleaned.get("year") if not self.instance.pk else self.instance.year
        key = figures.Key(target.pk, district.pk if district else None, year)
        data = figures.FigureInput(
            **{name: cleaned.get(name) for name in figures.VALUE_FIELDS},
        )
        data.note, data.source = data.note or "", data.source or ""
        stored = figures.existing([key]).get(key)
        if stored is not None and stored.pk != self.instance.pk:
            raise forms.ValidationError(
                _("This figure exists already: change it instead of adding another.")
            )
        if stored is not None and stored.is_carried and FigureInput.of(stored) != data:
            raise forms.ValidationError(figures.carried_message(stored))
        if stored is not None and FigureInput.of(stored) != data:
            loaded = cleaned.get("loaded_version")
            if loaded != stored.version:  # not sent: not seen
                shown = "；".join(
                    f"{label}：{value}"
                    for label, value in describe_values(
                        stored.target, FigureInput.of(stored).snapshot()
                    )
                )
                raise forms.ValidationError(figures.conflict_message(stored, shown or "—"))
            if not stored.is_editable:
                raise forms.ValidationError(
                    _(
                        "Under review or approved: return or reopen it on the figure's page "
                        "before changing it."
                    )
                )
        for name, message in figures.check_stored(key, data).items():
            self.add_error(name if name in self.fields else None, message)
        loaded = cleaned.get("loaded_version")
        self.entry = figures.Entry(
            key, data, figures.ABSENT if self.instance.pk is None and loaded is None else loaded
        )
        return cleaned


@admin.register(Figure)
class FigureAdmin(CityScopedAdmin):
    """Corrections by the city bureau, through figures.check and figures.record like any other
    channel (version check, the lock on figures under review, the audit row "admin")."""

    city = ("target__task__part__plan__city",)
    form = FigureAdminForm
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
    readonly_fields = [
        "state",
        "return_reason",
        "version",
        "updated_at",
        "updated_by",
        "submitted_at",
    ]
    autocomplete_fields = ["target"]
    inlines = [FigureChangeInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if obj.is_carried:  # the predecessor's final figure: corrected there, never here
            return ["target", "district", "year", *figures.VALUE_FIELDS, "carried_from",
                    *self.readonly_fields]  # fmt: skip
        return ["target", "district", "year", *self.readonly_fields]  # a figure does not move

    def save_model(self, request, obj: Figure, form, change: bool) -> None:
        try:
            outcome = figures.record(
                [form.entry], user=request.user, channel=FigureChange.Channel.ADMIN
            )
        except (figures.FigureConflict, figures.FigureLocked):
            # Someone saved between the form's check and this write: the form's own check
            # caught every earlier case; refuse rather than overwrite.
            raise PermissionDenied(_("The figure changed while you were editing it.")) from None
        saved = (outcome.created or outcome.updated or outcome.unchanged or [None])[0]
        if saved is not None:
            obj.pk = saved.pk
            obj.refresh_from_db()

    def delete_model(self, request, obj: Figure) -> None:
        super().delete_model(request, obj)
        standings.refresh_figures([obj])

    def delete_queryset(self, request, queryset) -> None:
        figures_ = list(queryset.only("target_id", "district_id"))
        super().delete_queryset(request, queryset)
        standings.refresh_figures(figures_)


@admin.register(FigureChange)
class FigureChangeAdmin(CityScopedAdmin):
    city = ("figure__target__task__part__plan__city",)
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


class ReadOnlyAdmin(CityScopedAdmin):
    """Shown, never added, changed or deleted here: the rows are written by a service that audits
    them and rewrites the standings (targets.goals), through its pages."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GoalDocumentAdmin(ReadOnlyAdmin):
    """分解目标 and 规划调整 documents: the file is handed out by the site's own download page
    (who may see the target's progress), not by a media URL."""

    city = ("target__task__part__plan__city",)
    list_select_related = ["target", "created_by"]
    search_fields = ["target__code", "target__name", "title", "number"]
    document_kind = ""

    @admin.display(description=_("file"))
    def document(self, obj) -> str:
        if not obj.file_name:
            return "—"
        url = reverse("goal_document", args=[obj.target_id, self.document_kind, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)

    @admin.display(description=_("Progress"))
    def target_page(self, obj) -> str:
        url = reverse("progress_target", args=[obj.target_id])
        return format_html('<a href="{}#goals">{}</a>', url, obj.target.code)


class DistrictGoalInline(CityScopedInline, admin.TabularInline):
    model = DistrictGoal
    fields = readonly_fields = ["district", "value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Decomposition)
class DecompositionAdmin(GoalDocumentAdmin):
    document_kind = "decomposition"
    list_display = ["target", "title", "number", "issued_on", "created_at", "created_by"]
    fields = readonly_fields = ["target_page", "title", "number", "issued_on", "document",
                                "created_at", "created_by"]  # fmt: skip
    inlines = [DistrictGoalInline]


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(GoalDocumentAdmin):
    document_kind = "adjustment"
    list_display = ["target", "old_value", "new_value", "old_year", "new_year", "number",
                    "created_at"]  # fmt: skip
    fields = readonly_fields = ["target_page", "old_value", "new_value", "old_year", "new_year",
                                "reason", "title", "number", "issued_on", "document",
                                "created_at", "created_by"]  # fmt: skip


@admin.register(GoalChange)
class GoalChangeAdmin(ReadOnlyAdmin):
    city = ("target__task__part__plan__city",)
    list_display = ["target", "changed_at", "changed_by", "channel", "action"]
    list_filter = ["channel", "action"]
    search_fields = ["target__code", "changed_by__username", "comment"]
    list_select_related = ["target", "changed_by"]


class OutgoingMailAdmin(CityScopedAdmin):
    """An email row of the outbox: read-only; a failed one, or one stuck past its lease, can be
    sent again."""

    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset) -> None:
        pks = queryset.values_list("pk", flat=True)
        count = sum(reminders.resend(self.model, pk) for pk in pks)
        self.message_user(request, _("%(n)s queued again.") % {"n": count}, messages.SUCCESS)


@admin.register(Reminder)
class ReminderAdmin(OutgoingMailAdmin):
    city = ("period__plan__city",)
    list_display = [
        "district", "period", "sent_on", "kind", "missing", "recipients", "state", "is_demo"
    ]  # fmt: skip
    list_filter = ["state", "period", "district", "kind", "is_demo"]


@admin.register(ReturnEmail)
class ReturnEmailAdmin(OutgoingMailAdmin):
    city = ("district__city",)
    list_display = ["subject", "district", "created_at", "recipients", "state", "sent_at"]
    list_filter = ["state", "district"]
    search_fields = ["subject", "last_error"]


@admin.register(FigureImport)
class FigureImportAdmin(CityScopedAdmin):
    # an upload is its uploader's city's
    city = tuple(f"uploaded_by__{path}" for path in ACCOUNT_CITY)
    list_display = ["filename", "uploaded_by", "created_at", "applied_at", "summary"]
    list_filter = ["applied_at"]
    search_fields = ["filename", "uploaded_by__username", "sha256"]
    exclude = ["content"]
    readonly_fields = ["uploaded_by", "filename", "sha256", "fingerprint", "applied_at", "summary"]


# The plan, with its plan-file upload (load_plan's preview and load, all or nothing). -----------

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
