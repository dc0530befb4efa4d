from decimal import Decimal

from django import template

from schools import display

register = template.Library()


@register.filter
def indicator_value(value: Decimal | None, indicator) -> str:
    """A value in the indicator's terms; "—" for none (a template's missing value is "")."""
    if not isinstance(value, (Decimal, int)):
        value = None
    return display.indicator_value(value, indicator.value_kind)
