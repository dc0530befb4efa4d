from decimal import Decimal

from django import template

from schools import display

register = template.Library()


@register.filter
def indicator_value(value: Decimal | None, indicator) -> str:
    return display.indicator_value(value, indicator.value_kind)
