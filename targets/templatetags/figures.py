from django import template

from targets.entry import display_value
from targets.models import Figure

register = template.Library()


@register.filter
def figure_value(figure: Figure | None) -> str:
    return display_value(figure)
