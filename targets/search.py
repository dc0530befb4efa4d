"""The header's search: targets, tasks, districts and departments of a plan found by words or
code, and whatever the apps above add (the ledger adds the notices, scoped by who may see them)
through `register`, called from their `AppConfig.ready()`: this app never imports them.

Every word must match (张店 体质 finds 张店区's page and the fitness target); a word matches a
code, a name or title, or the text of the thing (a target's source sentence, a task's text)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from plans.models import Plan, Task
from targets.models import Target

MAX_LENGTH = 100  # characters of a query; a longer one is refused, naming the bound
PER_KIND = 20  # hits shown of each kind


@dataclass(frozen=True)
class Hit:
    kind: str  # what it is, in the reader's language (指标, 任务, 区县, 部门, 督办单)
    code: str
    title: str
    url: str
    detail: str = ""


Provider = Callable[[object, Plan, list[str]], Iterable[Hit]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add what an app above finds: `provider(user, plan, words)` returns its hits, only those
    the user may see."""
    if provider not in _providers:
        _providers.append(provider)


def words_of(query: str) -> list[str]:
    return query.split()


def matching(words: list[str], *fields: str) -> Q:
    """Every word in one of the fields (case-insensitive)."""
    return reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words),
    )


def _targets(user, plan: Plan, words: list[str]) -> Iterable[Hit]:
    found = (
        Target.objects.of_plan(plan)
        .filter(matching(words, "code", "name", "indicator", "source_sentence", "task__code"))
        .select_related("task__part__plan")[:PER_KIND]
    )
    for target in found:
        url = (
            reverse("progress_target", args=[target.pk])
            if user.is_authenticated
            else target.get_absolute_url()
        )
        yield Hit(str(_("Target")), target.code, target.name, url, target.value_text)


def _tasks(user, plan: Plan, words: list[str]) -> Iterable[Hit]:
    found = (
        Task.objects.filter(part__plan=plan)
        .filter(matching(words, "code", "slug", "title", "text"))
        .select_related("part__plan")[:PER_KIND]
    )
    for task in found:
        yield Hit(str(_("Task")), task.code, task.title, task.get_absolute_url())


def _districts(user, plan: Plan, words: list[str]) -> Iterable[Hit]:
    found = District.objects.filter(city=plan.city).filter(
        matching(words, "name", "full_name", "slug")
    )
    for district in found[:PER_KIND]:
        url = reverse("district_detail", args=[district.slug])
        yield Hit(str(_("District")), district.slug, district.name, url)


def _departments(user, plan: Plan, words: list[str]) -> Iterable[Hit]:
    found = Department.objects.filter(city=plan.city).filter(matching(words, "name", "slug"))
    for department in found[:PER_KIND]:
        yield Hit(
            str(_("Department")), department.slug, department.name, department.get_absolute_url()
        )


OWN = (_targets, _tasks, _districts, _departments)


def find(user, plan: Plan, query: str) -> list[Hit]:
    """What the query's words find in the plan, in the order: targets, tasks, districts,
    departments, then what the apps above registered; nothing for an empty query."""
    words = words_of(query)
    if not words:
        return []
    return [hit for provider in (*OWN, *_providers) for hit in provider(user, plan, words)]
