from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from departments.models import District
from plans.models import Plan, Task
from targets.models import Target


def plan_from_request(request: HttpRequest) -> Plan:
    """Kept for code written before Plan.objects.from_request, which is the one way."""
    return Plan.objects.from_request(request)


def home(request: HttpRequest) -> HttpResponse:
    plan = Plan.objects.default()
    if plan is None:
        return render(request, "plans/no_plan.html", status=200)
    return redirect(plan)


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("city"), slug=slug)
    tasks = Task.objects.with_departments().annotate(target_count=Count("targets"))
    parts = plan.parts.prefetch_related(Prefetch("tasks", queryset=tasks))
    counts = {
        "tasks": Task.objects.filter(part__plan=plan, part__kind="key_tasks").count(),
        "targets": Target.objects.of_plan(plan).count(),
        "departments": plan.city.departments.count(),
        "districts": District.objects.filter(city=plan.city).count(),
    }
    return render(
        request, "plans/plan_detail.html", {"plan": plan, "parts": parts, "counts": counts}
    )


def task_detail(request: HttpRequest, slug: str, task_slug: str) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.with_departments().select_related("part__plan"),
        part__plan__slug=slug,
        slug=task_slug,
    )
    targets = list(task.targets.all())
    context = {
        "task": task,
        "plan": task.part.plan,
        "targets": targets,
        "source_sentences": [target.source_sentence for target in targets],
    }
    return render(request, "plans/task_detail.html", context)
