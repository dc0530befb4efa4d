from django.http import HttpRequest

from departments.models import role_of
from plans.models import plan_query


def role(request: HttpRequest) -> dict:
    """For the header: the signed-in user's role, the links their role is offered (the access
    module's rules), and `?plan=<slug>` to keep on links when the request named a plan."""
    from django.utils.functional import SimpleLazyObject

    from targets import access  # targets depends on departments, not the other way round

    query = plan_query(request)
    return {
        "switch_plans": SimpleLazyObject(lambda: access.plans_for(request.user)),
        "role": role_of(request.user),
        "nav": access.nav(request.user),
        "plan_query": query,
        "plan_param": f"&{query[1:]}" if query else "",
    }
