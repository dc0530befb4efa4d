from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from departments.access import nav
from departments.models import role_of
from plans.access import plans_for
from plans.models import plan_query


def role(request: HttpRequest) -> dict:
    """For the header: the signed-in user's role, the links their role is offered (the access
    module's rules), and `?plan=<slug>` to keep on links when the request named a plan."""
    query = plan_query(request)
    return {
        "switch_plans": SimpleLazyObject(lambda: plans_for(request.user)),
        "role": role_of(request.user),
        "nav": nav(request.user),
        "plan_query": query,
        "plan_param": f"&{query[1:]}" if query else "",
    }
