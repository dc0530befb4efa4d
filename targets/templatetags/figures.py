from django import template
from django.utils.safestring import SafeString, mark_safe

from plans import access
from targets import display
from targets.access import may_see_progress_of
from targets.display import dated, describe, display_value, requirement, short_status, status_css
from targets.models import Figure

register = template.Library()


@register.filter
def progress_visible_to(task, user) -> bool:
    """{% if task|progress_visible_to:user %}: link a task's targets to their progress pages only
    for who may open them (targets.access)."""
    return may_see_progress_of(user, task)


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


@register.filter
def progress_dated(progress, target) -> str:
    """A progress value with its year: "54.6%（2025）"."""
    return dated(target, progress)


@register.filter(name="short_status")
def short_status_filter(status) -> str:
    """A status in a heat-map cell's few letters (the full label goes in its title)."""
    return short_status(status)


@register.filter
def requirement_text(target) -> str:
    return requirement(target)


@register.simple_tag
def status_styles() -> SafeString:
    """The status colours, from the one palette in targets/display.py (pages and PDFs)."""
    return mark_safe(f"<style>\n{status_css()}\n</style>")  # our own constants, no user text


@register.simple_tag(takes_context=True)
def plan_writable(context) -> bool:
    """`{% plan_writable as writable %}`: whether the user may write into the page's plan.

    The one flag every template asks before it offers a write control (save, approve, return,
    remind, issue a notice, generate): a closed plan shows none, rather than buttons that each
    end in a 403. The rule is targets.access.may_write_plan; a page without a plan writes into
    none, so it offers nothing to refuse."""
    plan, request = context.get("plan"), context.get("request")
    if request is None or not hasattr(plan, "is_ended"):
        return True
    return access.may_write_plan(request.user, plan)


@register.filter
def goal_used(progress, target) -> str:
    """ "按分解目标 96%": the value the judgement used (targets.display.goal_used)."""
    return display.goal_used(target, progress)
