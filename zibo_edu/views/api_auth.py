"""Who calls the JSON API: the session's user, the one HTTP Basic credentials name (people), or
the account of a per-client API token (`Authorization: Bearer <secret>`, machine clients); and
the forgery check a write must pass. A router says `auth=signed_in`, or `signed_in_as(rule)` for
an endpoint only some users may call (the others get the same 401 as anonymous callers).

Tokens are the departments app's (departments.tokens); this module knows no app and asks the
callable settings.API_TOKEN_AUTHENTICATOR names: `(request, secret) -> token | None`, a token
having `user` and `may_write`."""

import base64
import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security.base import AuthBase

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BEARER = "Bearer "


def sends_token(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").startswith(BEARER)


@functools.cache
def _token_authenticator(path: str) -> Callable:
    return import_string(path)


def api_token(request: HttpRequest):
    """The live API token the request's Bearer header carries, or None."""
    if not sends_token(request):
        return None
    secret = request.headers["Authorization"][len(BEARER) :].strip()
    if not secret:
        return None
    return _token_authenticator(settings.API_TOKEN_AUTHENTICATOR)(request, secret)


def api_user(request: HttpRequest):
    """The session's user, or the one named by HTTP Basic credentials; None if neither. Basic
    credentials, when sent, are the only ones looked at (a wrong password is not saved by a
    session); a request carrying an API token is `token_authenticated`'s, not this one's."""
    header = request.headers.get("Authorization", "")
    if header.startswith(BEARER):
        return None
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


def token_authenticated(request: HttpRequest):
    """The API's authentication by token: its account becomes `request.user`. A token is never
    sent by a browser on its own, so no forgery check; a read-only token's write is a 403."""
    token = api_token(request)
    if token is None:
        return None
    request.user = token.user
    request.api_token = token
    if request.method not in SAFE_METHODS and not token.may_write:
        raise HttpError(403, _("this API token is read-only"))
    return token.user


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


class _Caller(AuthBase):
    """An API authentication as a ninja auth, so the OpenAPI schema declares it; an operation
    can require more of the user (`rule(user)`)."""

    openapi_type = "http"

    def __init__(self, rule: Callable[[object], bool] | None = None):
        self.rule = rule
        super().__init__()

    def authenticate(self, request: HttpRequest):
        raise NotImplementedError

    def __call__(self, request: HttpRequest):
        user = self.authenticate(request)
        if user is None or (self.rule is not None and not self.rule(user)):
            return None
        return user


class SessionOrBasic(_Caller):
    """A session, or HTTP Basic (declared as Basic, which people's scripts use)."""

    openapi_scheme = "basic"
    openapi_description = (
        "HTTP Basic credentials of a zibo-edu account. A signed-in browser session works too; "
        "its writes then need the CSRF token (X-CSRFToken)."
    )

    def authenticate(self, request: HttpRequest):
        return authenticated(request)


class BearerToken(_Caller):
    """A per-client API token."""

    openapi_scheme = "bearer"
    openapi_description = (
        "A per-client API token (Authorization: Bearer zibo_…), made by the city admin in the "
        "admin (API tokens) and shown once. It acts as its account; a read-only token's writes "
        "are refused (403)."
    )

    def authenticate(self, request: HttpRequest):
        return token_authenticated(request)


def signed_in_as(rule: Callable[[object], bool] | None = None) -> list[AuthBase]:
    """Any way of calling the API, for users `rule` accepts (all signed-in users without one)."""
    return [BearerToken(rule), SessionOrBasic(rule)]


signed_in = signed_in_as()
