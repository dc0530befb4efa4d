"""A JSON body parser that refuses what `json.loads` lets through: NaN and Infinity, numbers
beyond any column (1e999), duplicate keys, deep nesting, NUL bytes and lone surrogates.
Numbers come back as Decimal (exact, never a float), so a column's digits can be checked."""

import json
from decimal import Decimal, InvalidOperation

MAX_DEPTH = 20  # a figure is one flat object; nothing legitimate nests deeper than this
MAX_NUMBER_CHARS = 40


class BodyRefused(ValueError):
    """The body is not JSON this API accepts; the message says why (and `field`, which key)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _no_constants(name: str):
    raise BodyRefused(f"{name} is not a number this API accepts")


def _decimal(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyRefused(f"the number {text[:20]}… is too long")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BodyRefused(f"{text} is not a number") from None
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise BodyRefused(f"the number {text} is out of range")
    return number


def _integer(text: str):
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyRefused(f"the number {text[:20]}… is too long")
    return int(text)


def clean_text(text: str, where: str) -> str:
    if "\x00" in text:
        raise BodyRefused(f"{where} holds a NUL character", where)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused(f"{where} holds a lone surrogate (not valid Unicode)", where) from None
    return text


def _object(pairs: list[tuple[str, object]]) -> dict:
    result = {}
    for key, value in pairs:
        clean_text(key, "a key")
        if key in result:
            raise BodyRefused(f"{key} appears twice", key)
        result[key] = _checked(value, key)
    return result


def _checked(value, where: str):
    if isinstance(value, str):
        return clean_text(value, where)
    if isinstance(value, list):
        for item in value:
            _checked(item, where)
    return value


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, counted without recursing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def loads(raw: bytes | str) -> object:
    """Parse a JSON text strictly; BodyRefused says what is wrong."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BodyRefused("the body is not UTF-8") from None
    if _depth(text) > MAX_DEPTH:
        raise BodyRefused(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_no_constants,
            parse_float=_decimal,
            parse_int=_integer,
        )
    except RecursionError:
        raise BodyRefused(f"the body nests deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise BodyRefused(
            f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    return _checked(data, "the body")
