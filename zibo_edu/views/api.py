"""The JSON API, on django-ninja: typed input, an OpenAPI schema at /api/openapi.json, and one
shape for every refusal: 4xx with {"error": "<field> <why>", "errors": {field: why}}.

One router per app, in the app's views package (plans: the plan and its districts; targets:
targets, figures, progress; ledger: tasks, notices, contributions), each added here by its app's
`AppConfig.ready()`: this module knows no app. Who
calls is `zibo_edu.views.api_auth`'s business; shared input types are in `api_input`."""

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from zibo_edu.lib.params import BadParameter
from zibo_edu.lib.strict_json import BodyRefused, loads
from zibo_edu.views.api_auth import sends_token


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest):
        data = loads(request.body)
        if not isinstance(data, dict):
            raise BodyRefused(_("the body must be a JSON object"))
        return data


api = NinjaAPI(
    title="zibo-edu",
    version="1",
    description="淄博市教育事业发展“十四五”规划: the plan, its targets and yearly figures, "
    "progress, and the task ledger. Sign in with a session (writes need the CSRF token), "
    "HTTP Basic credentials (people), or a per-client API token (Authorization: Bearer).",
    urls_namespace="api",
    parser=StrictParser(),
    docs_url=None,  # the interactive page needs inline scripts, which the CSP forbids
)


def _json(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    if sends_token(request):  # RFC 6750: the token is unknown, revoked, or not for this
        response = _json(401, {"error": _("the API token is not valid (unknown or revoked)")})
        response["WWW-Authenticate"] = 'Bearer realm="zibo-edu", error="invalid_token"'
        return response
    response = _json(401, {"error": _("authentication required")})
    response["WWW-Authenticate"] = 'Basic realm="zibo-edu"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _json(404, {"error": str(exc) or _("not found")})


@api.exception_handler(BadParameter)
def _bad_parameter(request, exc):
    return _json(400, {"error": str(exc)})


@api.exception_handler(HttpError)
def _refused(request, exc):
    cause = exc.__cause__
    if isinstance(cause, BodyRefused):
        errors = {cause.field: str(cause).removeprefix(cause.field).strip()} if cause.field else {}
        return _json(400, {"error": str(cause), **({"errors": errors} if errors else {})})
    if exc.status_code == 400 and cause is not None:
        return _json(400, {"error": _("the body must be a JSON object")})
    return _json(exc.status_code, {"error": str(exc)})


MESSAGES = {
    "missing": gettext_lazy("is required"),
    "decimal_parsing": gettext_lazy("must be a number"),
    "decimal_type": gettext_lazy("must be a number"),
    "finite_number": gettext_lazy("must be a finite number"),
    "int_parsing": gettext_lazy("must be a whole number"),
    "int_type": gettext_lazy("must be a whole number"),
    "int_from_float": gettext_lazy("must be a whole number"),
    "bool_type": gettext_lazy("must be true, false or null"),
    "string_type": gettext_lazy("must be a string"),
    "model_attributes_type": gettext_lazy("must be a JSON object"),
    "dict_type": gettext_lazy("must be a JSON object"),
}


def describe(error: dict) -> tuple[str, str]:
    """A field's name and what is wrong with it, in plain words."""
    where = [str(part) for part in error.get("loc", ())]
    # ninja's loc: where the input was, the view's parameter, then the field (then, in a union,
    # the branch that refused it: not a name the caller knows)
    where = where[1:] if where[:1] and where[0] in ("body", "query") else where
    where = where[1:] if where[:1] and where[0] in ("body", "query", "payload") else where
    name = where[0] if where else "body"
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in MESSAGES:
        message = str(MESSAGES[kind])
    elif kind in ("decimal_max_digits", "decimal_whole_digits"):
        message = _("has too many digits (at most 14 before the decimal point)")
    elif kind == "decimal_max_places":
        message = _("allows at most %(n)s decimal places") % {"n": context.get("decimal_places", 2)}
    elif kind == "literal_error":
        message = _("must be %(expected)s") % {"expected": context.get("expected")}
    elif kind == "string_too_long":
        message = _("is too long (at most %(n)s characters)") % {"n": context.get("max_length")}
    elif kind in ("greater_than_equal", "less_than_equal"):
        message = str(error.get("msg", "is out of range")).lower()
    else:
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return name, message


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = {}
    for error in exc.errors:
        name, message = describe(error)
        errors.setdefault(name, message)
    first = next(iter(errors.items()), ("body", _("is not valid")))
    error = _("%(field)s %(why)s") % {"field": first[0], "why": first[1]}
    return _json(400, {"error": error, "errors": errors})
