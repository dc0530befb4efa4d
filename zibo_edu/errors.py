"""The 400 page: says which parameter was refused and why (BadParameter messages only)."""

from django.http import HttpRequest, HttpResponseBadRequest
from django.template.loader import render_to_string

from zibo_edu.lib.params import BadParameter


def bad_request(request: HttpRequest, exception: Exception | None = None):
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return HttpResponseBadRequest(
        render_to_string("400.html", {"message": message}, request=request)
    )
