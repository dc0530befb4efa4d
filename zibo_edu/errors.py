"""The error pages Django's handlers render: the 400 page says which parameter was refused and
why (BadParameter messages only); a 500 caused by an unreachable database is a 503 that says to
try again (JSON on the API), any other 500 the static 500 page (JSON on the API)."""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from zibo_edu.lib.params import BadParameter

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def bad_request(request: HttpRequest, exception: Exception | None = None):
    if not hasattr(request, "user"):
        # Refused before the authentication middleware ran (a Host header not in ALLOWED_HOSTS):
        # the header the page shows is the anonymous one.
        request.user = AnonymousUser()
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return HttpResponseBadRequest(
        render_to_string("400.html", {"message": message}, request=request)
    )


def database_unreachable(error: BaseException | None) -> bool:
    """The error is a lost or refused database connection (server down, wrong port, network),
    not a query the database refused: Django wraps the driver's error, and the connection it
    tried is then absent or closed."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    return any(
        connection.connection is None or getattr(connection.connection, "closed", False)
        for connection in connections.all(initialized_only=True)
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A change is saved in one transaction, so a lost connection leaves nothing
    half-saved: the user is told to try again shortly. The page reads no database."""
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if database_unreachable(error):
        message = _(
            "The database cannot be reached just now. Nothing was half-saved; please try again "
            "in a minute."
        )
        if api:
            response = JsonResponse(
                {"error": message}, status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if api:
        return JsonResponse({"error": "internal server error"}, status=500)
    return django_server_error(request)
