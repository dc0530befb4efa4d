"""Input types every router of the JSON API declares its parameters and bodies with, so the
schema says what is accepted and a value that is not is a 400 naming it (never a 500)."""

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from zibo_edu.lib.strict_json import clean_text


def _text(value):
    if isinstance(value, str):
        return clean_text(value, "the text")
    return value


def blank_is_none(value):
    return None if value == "" else value


def no_bool(value):
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


def text(max_length: int):
    """A string without NUL or lone surrogates, at most `max_length` characters."""
    return Annotated[str, BeforeValidator(_text), Field(max_length=max_length)]


Version = Annotated[int, Field(ge=0, le=2**31 - 1), BeforeValidator(no_bool)]


def _digits(value):
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("must be a whole number")
    return value


# An empty parameter (?year=, as a form sends it) is the same as an absent one; the schema says so.
Blank = Literal[""]

# ?year=: ASCII digits only (not ², ٣, +12 or 1_000, which int() would take)
Year = Annotated[
    Annotated[int, Field(ge=0, le=9999), BeforeValidator(_digits)] | Blank | None,
    BeforeValidator(blank_is_none),
]


def one_of(choices) -> object:
    """A string limited to a TextChoices' values, so the schema lists them as an enum (an
    answer's state or status: a generated client sees what it may get)."""
    return Literal[tuple(choices.values)]


class PlanQuery(Schema):
    plan: str | None = None  # plans.access.plan_for_request: an unknown or malformed slug is a 404


class Refusal(Schema):
    """Every 4xx: what is wrong, and by field where a field is to blame. An endpoint whose
    refusals carry more (a 409's `current`) subclasses it under a name of its own: the schema
    keys its components by class name, so a second `Refusal` would replace this one."""

    error: str
    errors: dict[str, str] | None = None


# The refusals an endpoint may answer, by the kind of endpoint: one map each, named by the endpoints
# (`response={200: PlanOut, **refusals(READ)}`), so the schema lists the same statuses everywhere.
READ = (400, 404)  # a public read
SIGNED_IN_READ = (400, 401, 404, 429)  # a read for the plan's roles (rate-limited)
WRITE = (400, 401, 403, 404, 409, 415, 429)  # a write: refused, conflicting, wrong media type
PUBLIC_READ = (404, 429)  # a read for everyone: unknown, or too many requests from one address


def refusals(statuses: tuple[int, ...], schema: type[Schema] = Refusal) -> dict[int, type[Schema]]:
    """The response map of an endpoint's refusals, each with the refusal's schema."""
    return dict.fromkeys(statuses, schema)
