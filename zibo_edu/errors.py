"""The 400 page: says which parameter was refused and why (BadParameter messages only)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBadRequest
from django.template.loader import render_to_string

from zibo_edu.lib.params import BadParameter


def bad_request(request: HttpRequest, exception: Exception | None = None):
    if not hasattr(request, "user"):
        # Refused before the authentication middleware ran (a Host header not in ALLOWED_HOSTS):
        # the header the page shows is the anonymous one.
        request.user = AnonymousUser()
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return HttpResponseBadRequest(
        render_to_string("400.html", {"message": message}, request=request)
    )
