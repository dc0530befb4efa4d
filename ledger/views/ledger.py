"""The task ledger's pages: the ledger, rounds, a task's rounds, contributions, reports, inbox."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledger import access, ledger, notifications
from ledger.models import Delivery, LedgerState, TaskReport
from plans.access import plan_for_request
from plans.models import Part, keep_plan
from zibo_edu.lib import cells
from zibo_edu.lib.params import choice_param, to_int


class ContributionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    measures = forms.CharField(
        label=gettext_lazy("Measures"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    numbers = forms.CharField(
        label=gettext_lazy("Numbers"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("Attach a file"), required=False)


class ReportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Progress report"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Task status"),
        choices=[("", "—"), *TaskReport.Status.choices],
        required=False,
    )
    lag_reason = forms.CharField(
        label=gettext_lazy("Reason for lagging"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    targets = forms.MultipleChoiceField(
        label=gettext_lazy("Linked targets"), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def _round_or_latest(request: HttpRequest, plan):
    rounds = list(plan.rounds.filter(opened_at__isnull=False).order_by("-period_end"))
    wanted = request.GET.get("round")
    chosen = next((r for r in rounds if r.code == wanted), rounds[0] if rounds else None)
    return rounds, chosen


@login_required
def ledger_overview(request: HttpRequest) -> HttpResponse:
    if not access.may_see_ledger(request.user):
        raise Http404
    plan = plan_for_request(request)
    rounds, chosen = _round_or_latest(request, plan)
    tasks = ledger.key_tasks(plan)
    chapter, department, status = (
        request.GET.get(k, "") for k in ("chapter", "department", "status")
    )
    if chapter:
        tasks = tasks.filter(part__code=chapter)
    if department:
        department_id = to_int(department, "department")
        tasks = tasks.filter(assignments__department=department_id).distinct()
    rows = ledger.ledger_rows(plan, chosen, tasks)
    if status == "none":
        rows = [r for r in rows if r.report is None or not r.report.status]
    elif status:
        rows = [r for r in rows if r.report and r.report.status == status]
    export = choice_param(request.GET, "_export", ("csv", "xlsx"))
    if export:
        return _export(rows, chosen, export)
    context = {
        "plan": plan,
        "rounds": rounds,
        "round": chosen,
        "rows": rows,
        "chapters": plan.parts.filter(kind__in=Part.WORKED_KINDS),
        "departments": plan.city.departments.filter(assignments__task__part__plan=plan).distinct(),
        "statuses": TaskReport.Status.choices,
        "filters": {"chapter": chapter, "department": department, "status": status},
        "may_manage": access.may_manage(request.user),
    }
    return render(request, "ledger/ledger.html", context)


def _export(rows, chosen, kind: str) -> HttpResponse:
    """The ledger as shown, to CSV (UTF-8 with a BOM, as Excel opens it) or Excel."""
    table = [
        [
            _("Task"), _("Title"), _("Lead department"), _("Co-operating departments"),
            _("Round"), _("Task status"), _("State"), _("Contributions in"),
            _("Contributions missing"), _("Open notices"),
        ]
    ]  # fmt: skip
    for row in rows:
        report = row.report
        table.append(
            [
                row.task.code, row.task.title, str(row.lead or ""),
                "、".join(d.name for d in row.co_operating), str(chosen or ""),
                report.get_status_display() if report and report.status else "",
                report.get_state_display() if report else "",
                "、".join(d.name for d in row.contributions_in),
                "、".join(d.name for d in row.contributions_missing), row.open_notices,
            ]
        )  # fmt: skip
    if kind == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(cells.workbook_bytes(table), content_type=content_type)
    else:
        response = HttpResponse(cells.csv_text(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger.{kind}"'
    return response


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    if not access.may_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        access.require_open(request.user, plan)
        created = ledger.ensure_default_rounds(plan)
        messages.success(request, _("%(n)s rounds created.") % {"n": created})
        return redirect("ledger_rounds")
    rounds = [(r, ledger.contribution_counts(r) if r.is_open else None) for r in plan.rounds.all()]
    failed = Delivery.objects.filter(state=Delivery.State.FAILED).count()
    context = {"plan": plan, "rounds": rounds, "failed_deliveries": failed}
    return render(request, "ledger/ledger_rounds.html", context)


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    reporting_round = access.get_round_for_user(request, pk, write=True)
    if ledger.open_round(reporting_round, request.user):
        messages.success(
            request,
            _("%(round)s is open; the departments have been told.") % {"round": reporting_round},
        )
    return redirect("ledger_rounds")


@login_required
def task_ledger(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = access.get_task_for_user(request, task_pk)
    context = {
        "task": task,
        "plan": task.part.plan,
        **keep_plan(task.part.plan),
        "history": ledger.task_history(task),
        "may_contribute": access.may_contribute(request.user, task),
        "may_write_report": access.may_write_report(request.user, task),
        "may_see_attachments": access.may_see_attachments(request.user, task),
        "may_manage": access.may_manage(request.user),
    }
    return render(request, "ledger/ledger_task.html", context)


@login_required
def contribution_edit(request: HttpRequest, round_pk: int, task_pk: int) -> HttpResponse:
    task = access.get_task_for_user(request, task_pk, write=True)
    access.require(access.may_contribute(request.user, task))
    reporting_round = access.get_round_for_user(request, round_pk)
    contribution = ledger.contribution_for(
        reporting_round, task, access.department_of(request.user)
    )
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "text": contribution.text,
            "measures": contribution.measures,
            "numbers": contribution.numbers,
            "version": contribution.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            if action == "discard":
                ledger.discard_contribution(contribution)
                messages.success(request, _("The draft and its attachments were discarded."))
                return redirect("ledger_task", task.pk)
            ledger.save_contribution(
                contribution,
                request.user,
                form.cleaned_data,
                version=form.cleaned_data["version"],
                submit=action == "submit",
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("Submitted.") if action == "submit" else _("Saved."))
            return redirect("ledger_contribution", reporting_round.pk, task.pk)
        except ValidationError as error:
            _add_errors(form, error)
        except (ledger.ConflictError, ledger.LockedError) as error:
            form.add_error(None, str(error))
    context = {
        "task": task,
        "round": reporting_round,
        "contribution": contribution,
        "form": form,
        "plan": task.part.plan,
        **keep_plan(task.part.plan),
        "attachments": contribution.attachments.all(),
        "locked": ledger.contribution_lock(contribution),
    }
    return render(
        request, "ledger/ledger_contribution.html", context, status=400 if form.errors else 200
    )


def _add_errors(form, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_attachment_for_user(request, pk, write=True)
    contribution = attachment.contribution
    try:
        ledger.delete_attachment(attachment)
    except ledger.LockedError as error:
        messages.error(request, str(error))
    return redirect("ledger_contribution", contribution.round_id, contribution.task_id)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = access.get_attachment_for_user(request, pk)
    try:
        content = attachment.file.open("rb")
    except FileNotFoundError:  # its file lost from storage (a restore without the media)
        message = _(
            "The file of this attachment is missing from storage. Ask the city admin to "
            "restore it from a backup."
        )
        return render(request, "404.html", {"message": message}, status=404)
    return FileResponse(
        content,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def report_edit(request: HttpRequest, round_pk: int, task_pk: int) -> HttpResponse:
    """The lead writes the task's report from the contributions; the city admin reviews it here."""
    task = access.get_task_for_user(request, task_pk)
    reporting_round = access.get_round_for_user(request, round_pk)
    may_write = access.may_write_report(request.user, task)
    if request.method == "POST" and not may_write:
        access.get_task_for_user(request, task_pk, write=True)  # 403 for a closed plan first
        access.require(False)
    report = (
        ledger.report_for(reporting_round, task)
        if may_write
        else (TaskReport.objects.filter(round=reporting_round, task=task).first())
    )
    targets = list(task.targets.all())
    form = ReportForm(
        request.POST or None,
        initial={
            "text": report.text if report else "",
            "status": report.status if report else "",
            "lag_reason": report.lag_reason if report else "",
            "version": report.version if report else 0,
            "targets": [str(t.pk) for t in report.targets.all()] if report else [],
        },
    )
    form.fields["targets"].choices = [(str(t.pk), f"{t.code} {t.name}") for t in targets]
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            ledger.save_report(
                report,
                request.user,
                form.cleaned_data,
                target_ids=form.cleaned_data["targets"],
                version=form.cleaned_data["version"],
                submit=action == "submit",
            )
            messages.success(request, _("Submitted.") if action == "submit" else _("Saved."))
            return redirect("ledger_report", reporting_round.pk, task.pk)
        except ValidationError as error:
            _add_errors(form, error)
        except (ledger.ConflictError, ledger.LockedError) as error:
            form.add_error(None, str(error))
    written = {
        c.department_id: c
        for c in reporting_round.contributions.filter(task=task)
        .select_related("round")
        .prefetch_related("attachments")
    }
    contributions = [(d, written.get(d.pk)) for d in task.co_operating_departments]
    context = {
        "task": task,
        "round": reporting_round,
        "report": report,
        "form": form,
        "plan": task.part.plan,
        **keep_plan(task.part.plan),
        "contributions": contributions,
        "verdicts": _verdicts(task, targets),
        "may_write": may_write and not (report and report.is_locked) and reporting_round.is_open,
        "may_review": access.may_manage(request.user)
        and report
        and report.state == LedgerState.SUBMITTED,
        "may_see_attachments": access.may_see_attachments(request.user, task),
        "changes": report.changes.select_related("changed_by")[:20] if report else [],
        "unreached": notifications.report_return_unreached(report)
        if access.may_manage(request.user) or may_write
        else None,
    }
    return render(request, "ledger/ledger_report.html", context, status=400 if form.errors else 200)


def _verdicts(task, targets) -> list:
    """Each target of the task with its city verdict, from the stored progress method."""
    from targets.models import Standing
    from targets.progress import Status

    year = task.part.plan.reporting_year()
    stored = {
        s.target_id: s
        for s in Standing.objects.filter(
            target__in=targets, district__isnull=True, as_of=year, approved_only=True
        )
    }
    rows = []
    for target in targets:
        standing = stored.get(target.pk)
        status = standing.status if standing else Status.NO_DATA
        label = Status(status).label if status in Status.values else status
        rows.append({"target": target, "status": status, "label": label, "standing": standing})
    return rows


@login_required
@require_POST
def report_review(request: HttpRequest, round_pk: int, task_pk: int) -> HttpResponse:
    task = access.get_task_for_user(request, task_pk, write=True)
    access.require(access.may_manage(request.user))
    reporting_round = access.get_round_for_user(request, round_pk)
    report = get_object_or_404(TaskReport, round=reporting_round, task=task)
    approve = request.POST.get("action") == "approve"
    try:
        ledger.review(report, request.user, approve=approve, reason=request.POST.get("reason", ""))
        messages.success(
            request, _("Approved.") if approve else _("Returned to the lead department.")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ledger.LockedError as error:
        messages.error(request, str(error))
    return redirect("ledger_report", reporting_round.pk, task.pk)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not access.may_have_inbox(request.user):
        raise PermissionDenied
    plan = plan_for_request(request)
    items = ledger.inbox(request.user, plan)
    return render(
        request,
        "ledger/ledger_inbox.html",
        {"plan": plan, "items": items, "overdue": sum(item.overdue for item in items)},
    )
