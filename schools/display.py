"""How an indicator's value reads (percent to one decimal, a ratio as 14.2:1): one place, for
the pages, the exports and the API."""

from decimal import Decimal

from targets.display import percent


def indicator_value(value: Decimal | None, value_kind: str) -> str:
    if value is None:
        return "—"
    return percent(value) if value_kind == "percent" else f"{value:.1f}:1"
