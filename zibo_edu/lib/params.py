"""Numbers and choices read from a query string or a form: one place that refuses what is not
one, with a 400 naming the parameter and what it accepts (never a ValueError and a 500).

    year = int_param(request.GET, "year")            # None when absent or empty
    page = int_param(request.GET, "page", default=1, minimum=1)
    kind = choice_param(request.GET, "_export", ("csv", "xlsx"))
"""

from collections.abc import Collection

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils.translation import gettext as _

MAX_DIGITS = 9  # every number these pages take (years, pages, row ids) fits


class BadParameter(BadRequest):
    """A parameter that is not what the page accepts; the message is safe to show."""


# Query parameters that an app checks whole with a rule of its own (a malformed `?plan=` is a 404
# by the plan rule), filled by the apps in their AppConfig.ready(); the NUL check of every other
# parameter (zibo_edu.middleware.RefuseNulMiddleware) leaves these to their rule.
_checked_by_their_app: set[str] = set()


def checked_by_its_app(name: str) -> None:
    _checked_by_their_app.add(name)


def is_checked_by_its_app(name: str) -> bool:
    return name in _checked_by_their_app


def _shown(raw: str) -> str:
    return raw[:20].replace("\x00", "\\0")


def int_param(
    source: QueryDict,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    choices: Collection[int] | None = None,
) -> int | None:
    """The parameter as a whole number (ASCII digits only: not ², not ٣), or `default` when it is
    absent or empty. BadParameter when it is something else or out of `minimum`/`choices`."""
    raw = source.get(name)
    if raw is None or raw == "":
        return default
    return to_int(raw, name, minimum=minimum, choices=choices)


def int_list(source: QueryDict, name: str) -> list[int]:
    """Every value of a repeated parameter (ticked boxes) as whole numbers."""
    return [to_int(raw, name) for raw in source.getlist(name) if raw != ""]


def to_int(
    raw: str,
    name: str,
    *,
    minimum: int | None = None,
    choices: Collection[int] | None = None,
) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        raise BadParameter(
            _("%(name)s must be a whole number, not “%(value)s”.")
            % {"name": name, "value": _shown(raw)}
        )
    value = int(raw)
    if minimum is not None and value < minimum:
        raise BadParameter(
            _("%(name)s must be at least %(minimum)d.") % {"name": name, "minimum": minimum}
        )
    if choices is not None and value not in choices:
        raise BadParameter(
            _("%(name)s must be one of %(choices)s.")
            % {"name": name, "choices": "、".join(str(c) for c in sorted(choices))}
        )
    return value


def choice_param(source: QueryDict, name: str, choices: Collection[str]) -> str | None:
    """The parameter if it is one of `choices`, None when absent or empty, else BadParameter."""
    raw = source.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise BadParameter(
            _("%(name)s must be one of %(choices)s, not “%(value)s”.")
            % {"name": name, "choices": "、".join(choices), "value": _shown(raw)}
        )
    return raw
