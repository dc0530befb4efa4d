from django import template

from projections import display

register = template.Library()

register.filter("band_class", display.band_class)
register.filter("band_word", display.band_word)
register.filter("band_symbol", display.band_symbol)
register.filter("use_percent", display.percent)
register.filter("students", display.students)


@register.filter
def at(values: list, index: int):
    return values[index]
