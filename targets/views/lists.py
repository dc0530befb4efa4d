from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from plans.access import plan_for_request
from targets.models import Target
from targets.views.filters import TargetFilter
from targets.views.tables import TargetTable


def target_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    targets = TargetFilter(
        request.GET, queryset=Target.objects.of_plan(plan).for_listing(), plan=plan
    )
    table = TargetTable(targets.qs)
    RequestConfig(request, paginate=False).configure(table)
    context = {"plan": plan, "filter": targets, "table": table}
    return render(request, "targets/target_list.html", context)
