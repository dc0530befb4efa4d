from django import template

from targets.models import Figure
from targets.progress import describe
from targets.views.entry import display_value

register = template.Library()


@register.filter
def figure_value(figure: Figure | None) -> str:
    return display_value(figure)


@register.filter
def preview_value(row) -> str:
    """What a row of an upload would store, shown like a stored figure."""
    preview = Figure(target=row.target, **row.entry.data.__dict__)
    return display_value(preview)


@register.filter
def progress_text(progress, target) -> str:
    return describe(target, progress)
