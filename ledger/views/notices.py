"""Supervision notices (督办单): the list, issuing, a notice with its replies, its PDF."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from departments.models import District
from ledger import access, ledger, notices, notifications
from ledger.models import Notice
from plans.access import plan_for_request
from plans.models import keep_plan
from zibo_edu.lib.params import int_param
from zibo_edu.lib.single_line import validate_single_line


class NoticeForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=None, required=False
    )
    district = forms.ModelChoiceField(label=gettext_lazy("District"), queryset=None, required=False)
    task = forms.ModelChoiceField(label=gettext_lazy("Task"), queryset=None, required=False)
    target = forms.ModelChoiceField(label=gettext_lazy("Target"), queryset=None, required=False)
    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=200, validators=[validate_single_line]
    )
    facts = forms.CharField(label=gettext_lazy("Facts"), widget=forms.Textarea(attrs={"rows": 6}))
    requirements = forms.CharField(
        label=gettext_lazy("What is required"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reply_deadline = forms.DateField(
        label=gettext_lazy("Reply deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, plan, *args, **kwargs):
        from targets.models import Target

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = plan.city.departments.all()
        self.fields["district"].queryset = District.objects.filter(city=plan.city)
        self.fields["task"].queryset = ledger.key_tasks(plan)
        self.fields["target"].queryset = Target.objects.of_plan(plan)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    if not access.may_see_ledger(request.user):
        raise PermissionDenied
    found = list(access.notices_for(request.user).filter(plan=plan))
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if state == "overdue":
        found = [n for n in found if n.is_overdue(today)]
    elif state in Notice.State.values:
        found = [n for n in found if n.state == state]
    may_manage = access.may_manage(request.user)
    suggested = notices.suggestions(plan) if access.may_issue_notices(request.user) else []
    context = {
        "plan": plan,
        "notices": found,
        "today": today,
        "states": Notice.State.choices,
        "state": state,
        "may_manage": may_manage,
        "suggested": suggested[: notices.SUGGESTIONS_SHOWN],
        "suggested_count": len(suggested),
        "suggested_warned": sum(1 for s in suggested if s.warned),
    }
    return render(request, "ledger/notice_list.html", context)


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """Issue a notice; ?task=<pk> or ?target=<pk>&district=<pk> fills the facts in."""
    if not access.may_issue_notices(request.user):
        raise PermissionDenied
    plan = plan_for_request(request)
    access.require_open(request.user, plan)
    form = NoticeForm(plan, request.POST or None, initial=_prefill(plan, request.GET))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notices.issue(
                plan,
                request.user,
                subject=data["subject"],
                facts=data["facts"],
                requirements=data["requirements"],
                reply_deadline=data["reply_deadline"],
                department=data["department"],
                district=data["district"],
                task=data["task"],
                target=data["target"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
            if notifications.waiting(notice):
                messages.warning(
                    request,
                    _(
                        "Its notifications are recorded and will go out automatically as soon "
                        "as the task queue is back; it cannot be reached right now."
                    ),
                )
            if unreached := notifications.notice_unreached(notice):
                messages.warning(request, unreached)
            return redirect(notice)
    return render(
        request,
        "ledger/notice_form.html",
        {"plan": plan, "form": form},
        status=400 if form.errors else 200,
    )


def _prefill(plan, query) -> dict:
    from targets.models import Target

    initial = {
        "reply_deadline": timezone.localdate()
        + datetime.timedelta(days=notices.DEFAULT_REPLY_DAYS),
        "requirements": "请认真分析原因，制定整改措施，明确完成时限，并按期书面回复。",
    }
    task = ledger.key_tasks(plan).filter(pk=int_param(query, "task", default=0)).first()
    target = (
        Target.objects.of_plan(plan)
        .select_related("task__part__plan")
        .filter(pk=int_param(query, "target", default=0))
        .first()
    )
    district = District.objects.filter(
        city=plan.city, pk=int_param(query, "district", default=0)
    ).first()
    if target and district:
        initial["subject"], initial["facts"] = notices.facts_for_target(target, district)
        initial.update(target=target, district=district, task=target.task)
    elif task:
        initial["subject"], initial["facts"] = notices.facts_for_task(task)
        initial.update(task=task, department=task.lead_department)
    return initial


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request, pk)
    if request.method == "POST":
        notice = access.get_notice_for_user(request, pk, write=True)
        access.require(access.may_reply(request.user, notice))
        try:
            notices.reply(notice, request.user, request.POST.get("text", ""))
            messages.success(request, _("Reply sent."))
            return redirect(notice)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ledger.LockedError as error:
            messages.error(request, str(error))
    context = {
        "notice": notice,
        "plan": notice.plan,
        **keep_plan(notice.plan),
        "replies": notice.replies.select_related("replied_by"),
        "may_reply": access.may_reply(request.user, notice)
        and notice.state in ("issued", "sent_back"),
        "may_review": access.may_manage(request.user) and notice.is_open,
        "overdue": notice.is_overdue(),
        "unreached": notifications.notice_unreached(notice)
        if access.may_manage(request.user)
        else None,
    }
    return render(request, "ledger/notice_detail.html", context)


@login_required
@require_POST
def notice_review(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request, pk, write=True)
    access.require(access.may_manage(request.user))
    close = request.POST.get("action") == "close"
    try:
        notices.review(notice, request.user, close=close, reason=request.POST.get("reason", ""))
        messages.success(request, _("Notice closed.") if close else _("Reply sent back."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ledger.LockedError as error:
        messages.error(request, str(error))
    return redirect(notice)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_user(request, pk)
    response = HttpResponse(notices.render_notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="notice-{notice.year}-{notice.sequence}.pdf"'
    )
    return response
