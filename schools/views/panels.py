"""The target page's panel for a target linked to an indicator: its 口径 card and, per district
the user sees and per year, the entered figure beside the value derived from the statistics."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from departments.access import may_enter, scope_districts
from plans.access import may_write_plan
from plans.models import Plan
from schools import indicators, reconciliation
from targets.models import Target


def target_panel(request: HttpRequest, target: Target, plan: Plan) -> str:
    indicator = indicators.get(target.indicator)
    if indicator is None:
        return ""
    districts = scope_districts(list(plan.city.districts.all()), request.user)
    years = list(plan.years)
    rows, city_row = reconciliation.compare(target, indicator, districts, years, request.user)
    open_plan = may_write_plan(request.user, plan)
    rows = [(d, comparisons, open_plan and may_enter(request.user, d)) for d, comparisons in rows]
    context = {"indicator": indicator, "target": target, "years": years, "rows": rows,
               "city_row": city_row, "plan": plan}  # fmt: skip
    return render_to_string("schools/_target_panel.html", context, request=request)
