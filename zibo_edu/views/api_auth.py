"""Who calls the JSON API: the session's user, or the one HTTP Basic credentials name; and the
forgery check a write must pass. A router says `auth=signed_in`, or `SessionOrBasic(rule)` for
an endpoint only some users may call (the others get the same 401 as anonymous callers)."""

import base64
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.middleware.csrf import CsrfViewMiddleware
from ninja.errors import HttpError
from ninja.security.base import AuthBase

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def api_user(request: HttpRequest):
    """The session's user, or the one named by HTTP Basic credentials; None if neither. Basic
    credentials, when sent, are the only ones looked at (a wrong password is not saved by a
    session)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            username, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if "\x00" in username or "\x00" in password:
            return None
        user = authenticate(request, username=username, password=password)
        request.authenticated_by_basic = user is not None
        return user
    if request.user.is_authenticated:
        return request.user
    return None


def authenticated(request: HttpRequest):
    """The API's authentication (session or Basic). The caller becomes `request.user`, so the
    plan choice and the scoping rules see the same user however they signed in; a write also
    passes the forgery check."""
    if request.method == "POST":
        _read_form_once(request)
    user = api_user(request)
    if user is None:
        return None
    request.user = user
    if request.method not in SAFE_METHODS:
        forgery_check(request)
    return user


def _read_form_once(request: HttpRequest) -> None:
    """Parse the request's form now, so a broken one (multipart without its boundary) cannot
    turn a failed log-in into a 400 page before the lockout (axes, which keeps the form of each
    failure) has counted it, nor break the CSRF check (which looks for a token in it). Django
    leaves a form it refused empty; the body, read first, stays readable for the JSON parser."""
    try:
        request.body  # noqa: B018 (kept, so the form is parsed from it, not from the stream)
        request.POST  # noqa: B018
    except (MultiPartParserError, RawPostDataException):
        pass


def forgery_check(request: HttpRequest) -> None:
    """Session requests need the CSRF token. Only a request Basic actually authenticated skips
    it, and then a browser's cached Basic credentials must not be ridden by a foreign page: the
    body must be JSON (a cross-site form cannot send it without a CORS preflight, which this API
    never grants) and an Origin, where sent, must be this site's."""
    if not getattr(request, "authenticated_by_basic", False):
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if rejected is not None:
            raise HttpError(403, "CSRF check failed")
        return
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.get_host()}"
    if origin and origin not in {own, *settings.CSRF_TRUSTED_ORIGINS}:
        raise HttpError(403, "CSRF check failed: foreign Origin")
    if request.content_type != "application/json":
        raise HttpError(415, "the body must be JSON (Content-Type: application/json)")


class SessionOrBasic(AuthBase):
    """`authenticated` as a ninja auth, so the OpenAPI schema declares it (as HTTP Basic, which
    machine clients use) and an operation can require more of the user (`rule(user)`)."""

    openapi_type = "http"
    openapi_scheme = "basic"
    openapi_description = (
        "HTTP Basic credentials of a zibo-edu account. A signed-in browser session works too; "
        "its writes then need the CSRF token (X-CSRFToken)."
    )

    def __init__(self, rule: Callable[[object], bool] | None = None):
        self.rule = rule
        super().__init__()

    def __call__(self, request: HttpRequest):
        user = authenticated(request)
        if user is None or (self.rule is not None and not self.rule(user)):
            return None
        return user


signed_in = SessionOrBasic()
