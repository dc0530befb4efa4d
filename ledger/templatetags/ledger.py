"""Overdue supervision notices, flagged where they matter: `{% overdue_notices %}` shows those the
signed-in user may see (their department's or district's; every one for the city admin), and
`{% overdue_notices department=d %}` or `district=d` narrows it to one unit. On a page of a plan
(`plan` in its context) only that plan's notices are shown."""

from django import template

from ledger import access, notices

register = template.Library()


@register.inclusion_tag("ledger/notice_overdue_block.html", takes_context=True)
def overdue_notices(context, department=None, district=None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.may_see_ledger(user):
        return {"overdue": []}
    among = access.notices_for(user)
    return {
        "overdue": notices.open_overdue_for(
            district=district, department=department, among=among, plan=context.get("plan")
        )
    }
