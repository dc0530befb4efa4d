"""The city admin's pages for what a target asks: its districts' own values (分解目标), by form
or Excel, and an adjustment (规划调整) of its value or deadline year, each with its document."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from departments.models import District
from plans.access import plan_for_request
from plans.models import plan_query
from targets import access, goal_workbook, goals
from targets.display import goal_value
from targets.models import Decomposition, Target, TargetAdjustment
from targets.progress import may_decompose
from zibo_edu.lib.single_line import validate_single_line

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(forms.Form):
    """The document that sets or approves the change: title, 文号, date, and its file."""

    title = forms.CharField(
        label=gettext_lazy("document title"), max_length=200, validators=[validate_single_line]
    )
    number = forms.CharField(
        label=gettext_lazy("document number"),
        max_length=50,
        validators=[validate_single_line],
        help_text=gettext_lazy("As printed on it, e.g. 淄教发〔2023〕5号"),
    )
    issued_on = forms.DateField(label=gettext_lazy("document date"), required=False, widget=DATE)
    file = forms.FileField(label=gettext_lazy("the document's file (optional)"), required=False)

    def document(self) -> goals.Document:
        data = self.cleaned_data
        return goals.Document(data["title"], data["number"], data.get("issued_on"),
                              data.get("file"))  # fmt: skip


class DecompositionForm(DocumentForm):
    """A value per district, the city's value beside; empty: judged against the city's value."""

    field_order = ["title", "number", "issued_on", "file"]

    def __init__(self, *args, target: Target, districts: list, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.target, self.districts = target, districts
        for district in districts:
            self.fields[f"d-{district.slug}"] = forms.DecimalField(
                label=district.name, required=False, max_digits=12, decimal_places=2,
                min_value=0, initial=current.get(district.pk),
            )  # fmt: skip
        self.current = current

    def district_fields(self):
        return [(d, self[f"d-{d.slug}"]) for d in self.districts]

    def values(self) -> dict:
        return {d: self.cleaned_data.get(f"d-{d.slug}") for d in self.districts}

    def changes_nothing(self) -> bool:
        wanted = {d.pk: v for d, v in self.values().items() if v is not None}
        return wanted == self.current


class AdjustmentForm(DocumentForm):
    value = forms.DecimalField(label=gettext_lazy("adjusted target value"), max_digits=12,
                               decimal_places=2, required=False)  # fmt: skip
    deadline_year = forms.IntegerField(label=gettext_lazy("adjusted deadline year"),
                                       min_value=2000, max_value=2100)  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("reason for the adjustment"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)  # fmt: skip
    field_order = ["value", "deadline_year", "reason", "title", "number", "issued_on", "file"]

    def __init__(self, *args, target: Target, **kwargs):
        kwargs.setdefault("initial", {"value": target.value, "deadline_year": target.deadline_year})
        super().__init__(*args, **kwargs)
        self.target = target
        if target.kind == Target.Kind.MILESTONE:
            del self.fields["value"]
        else:
            self.fields["value"].required = True
        plan = target.task.part.plan
        self.fields["deadline_year"].min_value = plan.start_year
        self.fields["deadline_year"].widget.attrs.update(min=plan.start_year, max=plan.end_year)

    def clean_deadline_year(self):
        year = self.cleaned_data["deadline_year"]
        plan = self.target.task.part.plan
        if not plan.start_year <= year <= plan.end_year:  # judged within the plan's years
            raise ValidationError(
                _("A year of the plan is allowed: %(start)s to %(end)s.")
                % {"start": plan.start_year, "end": plan.end_year}
            )
        return year


def _context(target, plan, **extra) -> dict:
    return {"target": target, "plan": plan, "city_value": goal_value(target, target.value), **extra}


def _decomposition_page(request, target, plan, form, status=200, **extra) -> HttpResponse:
    context = _context(
        target, plan, form=form, decomposable=may_decompose(target),
        history=target.decompositions.select_related("created_by"), **extra,
    )  # fmt: skip
    return render(request, "targets/decomposition.html", context, status=status)


def _setup(request: HttpRequest, pk: int):
    plan = plan_for_request(request)
    target = access.get_target_to_set(request, pk, plan)
    target = Target.objects.select_related("task__part__plan").get(pk=target.pk)
    districts = list(District.objects.filter(city=plan.city))
    return plan, target, districts


@login_required
@require_http_methods(["GET", "POST"])
def decomposition(request: HttpRequest, pk: int) -> HttpResponse:
    plan, target, districts = _setup(request, pk)
    current = goals.current_goals(target)
    kwargs = {"target": target, "districts": districts, "current": current}
    if request.method == "GET" or not may_decompose(target):
        return _decomposition_page(request, target, plan, DecompositionForm(**kwargs))
    form = DecompositionForm(request.POST, request.FILES, **kwargs)
    if form.is_valid() and not form.changes_nothing():
        try:
            goals.decompose(target, form.values(), form.document(), request.user, "form")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The districts' own values are set."))
            return redirect(reverse("progress_target", args=[target.pk]) + plan_query(request))
    elif form.is_bound and not form.errors:
        messages.info(request, _("Nothing changed: the values are those in force."))
        return redirect(reverse("goal_decomposition", args=[target.pk]) + plan_query(request))
    return _decomposition_page(request, target, plan, form, status=400)


@login_required
def decomposition_template(request: HttpRequest, pk: int) -> HttpResponse:
    _plan, target, districts = _setup(request, pk)
    content = goal_workbook.template(target, districts, goals.current_goals(target))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="decomposition-{target.pk}.xlsx"'
    return response


@login_required
@require_POST
def decomposition_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The values of an uploaded template, previewed in the form (nothing saved): the admin
    checks them, adds the document and saves. A file with a problem fills in nothing."""
    plan, target, districts = _setup(request, pk)
    current = goals.current_goals(target)
    kwargs = {"target": target, "districts": districts, "current": current}
    upload = request.FILES.get("workbook")
    if upload is None or not may_decompose(target):
        problems = [goal_workbook.Problem(None, "", _("Choose the filled-in template to upload."))]
        form = DecompositionForm(**kwargs)
        return _decomposition_page(request, target, plan, form, status=400, problems=problems)
    try:
        values = goal_workbook.read(upload.read(goal_workbook.MAX_BYTES + 1), districts)
    except goal_workbook.GoalWorkbookError as error:
        form = DecompositionForm(**kwargs)
        return _decomposition_page(request, target, plan, form, status=400,
                                   problems=error.problems, filename=upload.name)  # fmt: skip
    initial = {f"d-{d.slug}": v for d, v in values.items()}
    form = DecompositionForm(initial=initial, **kwargs)
    changed = [(d, current.get(d.pk), v) for d, v in values.items() if current.get(d.pk) != v]
    return _decomposition_page(request, target, plan, form, preview=True, changed=changed,
                               filename=upload.name)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    plan, target, _districts = _setup(request, pk)
    form = AdjustmentForm(request.POST or None, request.FILES or None, target=target)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = goals.adjust(
                    target, value=data.get("value"), year=data["deadline_year"],
                    reason=data["reason"], document=form.document(), user=request.user,
                    channel="form",
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if made is None:
                    messages.info(request, _("Nothing changed: value and year are those in force."))
                else:
                    messages.success(request, _("The target is adjusted."))
                url = reverse("progress_target", args=[target.pk]) + plan_query(request)
                return redirect(url)
    original = goals.original(target)
    rows = [
        (a, f"{goal_value(target, a.old_value)}（{a.old_year}）",
         f"{goal_value(target, a.new_value)}（{a.new_year}）")
        for a in target.adjustments.select_related("created_by")
    ]  # fmt: skip
    context = _context(
        target, plan, form=form, adjustments=rows,
        original=f"{goal_value(target, original[0])}（{original[1]}）" if original else "",
    )  # fmt: skip

    return render(request, "targets/adjustment.html", context, status=status)


DOCUMENTS = {"decomposition": Decomposition, "adjustment": TargetAdjustment}


@login_required
def goal_document(request: HttpRequest, pk: int, kind: str, doc: int) -> HttpResponse:
    """The file of a 目标责任书 or of an adjustment's approval: for whoever sees the target's
    progress."""
    plan = plan_for_request(request)
    target = access.get_target_for_user(request, pk, plan)
    if kind not in DOCUMENTS:
        raise Http404
    record = get_object_or_404(DOCUMENTS[kind], pk=doc, target=target)
    if not record.file:
        raise Http404
    try:
        content = record.file.open("rb")
    except FileNotFoundError:  # lost from storage (a restore without the media)
        raise Http404 from None
    return FileResponse(
        content, as_attachment=True, filename=record.file_name, content_type=record.content_type
    )
