from urllib.parse import urlencode

from django.http import HttpRequest

from departments.models import role_of
from plans.models import PLAN_SLUG


def role(request: HttpRequest) -> dict:
    """For the header: the signed-in user's role, the links their role is offered (the access
    module's rules), and `?plan=<slug>` to keep on links when the request named a plan."""
    from targets import access  # targets depends on departments, not the other way round

    slug = request.GET.get("plan", "")
    named = bool(slug) and PLAN_SLUG.fullmatch(slug) is not None
    return {
        "role": role_of(request.user),
        "nav": access.nav(request.user),
        "plan_query": f"?{urlencode({'plan': slug})}" if named else "",
        "plan_param": f"&{urlencode({'plan': slug})}" if named else "",
    }
