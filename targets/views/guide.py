from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from departments.access import (
    is_city_admin,
    is_department_head,
    is_district_staff,
    is_province,
    may_upload,
    may_use_review_list,
    own_district,
)
from plans.access import plan_for_request
from targets import guide


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    """使用说明: what the reader's role has to do now (from the data), and how the work goes."""
    plan = plan_for_request(request)
    user = request.user
    context = {
        "plan": plan,
        "todo": guide.todo(user, plan),
        "reporting_year": plan.reporting_year(),
        "own_district": own_district(user),
        "is_staff_role": is_district_staff(user),
        "is_head": is_department_head(user),
        "is_admin": is_city_admin(user),
        "is_province": is_province(user),
        "may_upload": may_upload(user),
        "may_review": may_use_review_list(user),
    }
    return render(request, "targets/help.html", context)
