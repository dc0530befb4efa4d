"""The access rules a template asks about a plan (plans.access's, never restated here)."""

from django import template

from plans.access import may_issue_notice_in

register = template.Library()


@register.simple_tag(takes_context=True)
def may_issue_notice(context, plan) -> bool:
    """Offer "发督办单" on a page of this plan (plans.access.may_issue_notice_in)."""
    return may_issue_notice_in(context["request"].user, plan)
