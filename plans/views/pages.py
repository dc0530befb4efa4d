from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from departments.models import District
from plans import access
from plans.access import plan_for_request
from plans.models import Task, keep_plan


def home(request: HttpRequest) -> HttpResponse:
    """The plan when there is one (or one is named); the list of plans when there are several."""
    if request.GET.get("plan"):
        return redirect(plan_for_request(request))
    plans = access.plans_for(request.user)
    if not plans:
        return render(request, "plans/no_plan.html", status=200)
    if len(plans) == 1:
        return redirect(plans[0])
    today = timezone.localdate()
    rows = [
        {
            "plan": p,
            "current": p.is_current(today),
            "final_reporting": p.is_reporting_final(today),
            "ended": p.is_ended(today),
        }
        for p in plans
    ]
    return render(request, "plans/plan_list.html", {"rows": rows})


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.get_plan_for_user(request, slug)
    tasks = Task.objects.with_departments().annotate(target_count=Count("targets"))
    parts = plan.parts.prefetch_related(Prefetch("tasks", queryset=tasks))
    counts = {
        "tasks": Task.objects.filter(part__plan=plan, part__kind="key_tasks").count(),
        "targets": Task.objects.filter(part__plan=plan).aggregate(n=Count("targets"))["n"],
        "departments": plan.city.departments.count(),
        "districts": District.objects.filter(city=plan.city).count(),
    }
    context = {"plan": plan, "parts": parts, "counts": counts, **keep_plan(plan)}
    return render(request, "plans/plan_detail.html", context)


def task_detail(request: HttpRequest, slug: str, task_slug: str) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.with_departments().select_related("part__plan"),
        part__plan__slug=slug,
        slug=task_slug,
    )
    if not access.may_see_plan(request.user, task.part.plan):
        raise Http404
    targets = list(task.targets.all())
    context = {
        "task": task,
        "plan": task.part.plan,
        "targets": targets,
        "source_sentences": [target.source_sentence for target in targets],
        **keep_plan(task.part.plan),
    }
    return render(request, "plans/task_detail.html", context)
