"""The 使用说明 page's "what to do now", computed from the data for the reader's role: a
district's figures still owed for the year being reported and its deadline, the figures waiting
for a reviewer, the districts the city admin still waits for. The apps above add their own items
(the ledger: notices to answer, contributions and reports owed) through `register`, called from
their `AppConfig.ready()`: this app never imports them."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.access import is_city_admin, may_use_review_list, own_district
from departments.models import District
from plans.models import Plan
from targets import completeness
from targets.access import reviewable
from targets.models import Figure, ReportingPeriod


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    deadline: datetime.date | None = None
    overdue: bool = False


Provider = Callable[[object, Plan], Iterable[Todo]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add what an app above asks of the user: `provider(user, plan)` returns its items."""
    if provider not in _providers:
        _providers.append(provider)


def _deadline_words(state: completeness.Deadline) -> str:
    if state.overdue:
        return ngettext(
            "the deadline was %(date)s, %(days)d day ago",
            "the deadline was %(date)s, %(days)d days ago",
            state.days,
        ) % {"date": state.deadline.isoformat(), "days": state.days}
    if state.passed:
        return _("the deadline was %(date)s") % {"date": state.deadline.isoformat()}
    return ngettext(
        "deadline %(date)s, %(days)d day left",
        "deadline %(date)s, %(days)d days left",
        state.days,
    ) % {"date": state.deadline.isoformat(), "days": state.days}


def _own_figures(user, plan: Plan, year: int, period, now) -> list[Todo]:
    """District staff: the figures of the year their district still owes, and by when."""
    district = own_district(user)
    if district is None or district.city_id != plan.city_id:
        return []
    (tally,) = completeness.tallies(completeness.applicable(plan), [district], year, period, now)
    url = reverse("figure_entry", args=[district.slug, year])
    if not tally.owes:
        return [Todo(_("%(year)d: every figure of %(district)s is submitted.")
                     % {"year": year, "district": district.name}, url)]  # fmt: skip
    state = completeness.deadline_state(period, now, tally.owes)
    text = ngettext(
        "%(year)d: %(district)s still owes %(n)d figure (%(missing)d not entered, %(draft)d "
        "drafts, %(returned)d returned)",
        "%(year)d: %(district)s still owes %(n)d figures (%(missing)d not entered, %(draft)d "
        "drafts, %(returned)d returned)",
        tally.owes,
    ) % {
        "year": year,
        "district": district.name,
        "n": tally.owes,
        "missing": tally.missing,
        "draft": tally.draft,
        "returned": tally.returned,
    }
    if state is not None:
        text = _("%(owed)s; %(deadline)s") % {"owed": text, "deadline": _deadline_words(state)}
    return [Todo(text, url, state.deadline if state else None, bool(state and state.overdue))]


def _to_review(user, plan: Plan) -> list[Todo]:
    """Heads of a lead department and the city admin: figures waiting for their review."""
    if not may_use_review_list(user):
        return []
    waiting = (
        reviewable(user).filter(target__task__part__plan=plan, state=Figure.State.SUBMITTED).count()
    )
    if not waiting:
        return []
    text = ngettext(
        "%(n)d submitted figure waits for your review",
        "%(n)d submitted figures wait for your review",
        waiting,
    ) % {"n": waiting}
    return [Todo(text, reverse("review_list"))]


def _districts_owing(user, plan: Plan, year: int, period, now) -> list[Todo]:
    """The city admin: the districts that still owe figures of the year."""
    if not is_city_admin(user):
        return []
    districts = District.objects.filter(city=plan.city)
    owing = [
        t for t in completeness.tallies(completeness.applicable(plan), districts, year, period, now)
        if t.owes
    ]  # fmt: skip
    if not owing:
        return []
    state = completeness.deadline_state(period, now)
    text = ngettext(
        "%(year)d: %(n)d district still owes figures (%(names)s)",
        "%(year)d: %(n)d districts still owe figures (%(names)s)",
        len(owing),
    ) % {"year": year, "n": len(owing), "names": "、".join(t.district.name for t in owing)}
    if state is not None:
        text = _("%(owed)s; %(deadline)s") % {"owed": text, "deadline": _deadline_words(state)}
    return [Todo(text, reverse("completeness", args=[year]), state.deadline if state else None,
                 bool(state and state.passed))]  # fmt: skip


def todo(user, plan: Plan, now: datetime.datetime | None = None) -> list[Todo]:
    """What the user has to do now in the plan, their own figures first."""
    now = now or timezone.now()
    year = plan.reporting_year(timezone.localtime(now).date())
    period = ReportingPeriod.objects.filter(plan=plan, year=year).first()
    items = [
        *_own_figures(user, plan, year, period, now),
        *_to_review(user, plan),
        *_districts_owing(user, plan, year, period, now),
    ]
    for provider in _providers:
        items.extend(provider(user, plan))
    return items
