"""A plan's districts: the list, and each district's page with the targets it reports on."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from departments.access import may_see_district_figures
from departments.models import District
from plans.access import plan_for_request
from targets.models import Target


def district_list(request: HttpRequest) -> HttpResponse:
    plan = plan_for_request(request)
    districts = [  # public: no count of staff accounts
        (district, may_see_district_figures(request.user, district))
        for district in District.objects.filter(city=plan.city)
    ]
    return render(request, "departments/district_list.html", {"plan": plan, "districts": districts})


def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for_request(request)
    district = get_object_or_404(District, city=plan.city, slug=slug)
    targets = Target.objects.of_plan(plan).filter(reported_by=Target.Reporter.DISTRICTS)
    context = {
        "plan": plan,
        "district": district,
        "targets": targets.for_listing(),
        "may_see_progress": may_see_district_figures(request.user, district),
    }
    return render(request, "departments/district_detail.html", context)
