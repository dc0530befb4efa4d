"""A plan's departments: the list, and each department's page with the tasks it leads and
those it co-operates on."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from departments.access import may_see_department_progress
from departments.models import Department
from plans.access import plan_for_request
from plans.models import Plan, Task


def department_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    departments = Department.objects.filter(city=plan.city).annotate(
        led=Count("assignments", filter=_named_in(plan, lead=True)),
        co_operating=Count("assignments", filter=_named_in(plan, lead=False)),
    )
    context = {
        "plan": plan,
        "departments": departments,
        "may_see_progress": may_see_department_progress(request.user),
    }
    return render(request, "departments/department_list.html", context)


def _named_in(plan: Plan, *, lead: bool) -> Q:
    position = Q(assignments__position=0) if lead else Q(assignments__position__gt=0)
    return position & Q(assignments__task__part__plan=plan)


def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_request(request)
    department = get_object_or_404(Department.objects.select_related("city"), pk=pk, city=plan.city)
    tasks = (
        Task.objects.filter(part__plan=plan)
        .select_related("part__plan")
        .with_departments()
        .annotate(target_count=Count("targets"))
    )
    context = {
        "plan": plan,
        "department": department,
        "led_tasks": tasks.led_by(department),
        "co_operated_tasks": tasks.co_operated_by(department),
        "may_see_progress": may_see_department_progress(request.user),
    }
    return render(request, "departments/department_detail.html", context)
