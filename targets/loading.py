"""Loading a plan from its YAML file: validate everything first, then apply it in one transaction.

The file is the source of truth for a plan's text, departments, districts and targets. Loading is
idempotent: rows are matched by natural keys (plan slug, part code, task number, target code,
department and district names) and only what differs is written, so a second load changes nothing.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils import translation

from departments.models import City, Department, District
from plans.models import Part, Plan, Task, TaskDepartment
from targets import standings, succession
from targets.models import Target
from targets.wording import deadlines_in, numbers_in

CHINESE_ORDINALS = "一二三四五六七八九十"
INDICATOR_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class PlanFileError(Exception):
    """The file cannot be loaded; `problems` says where and why, one line each."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass
class LoadResult:
    plan: Plan
    changes: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(action != "unchanged" for (_model, action) in self.changes)

    def summary(self) -> str:
        """One line for the operator, in English whatever the active language."""
        if not self.changed:
            return f"{self.plan.slug}: nothing changed"
        with translation.override(None):
            parts = sorted(
                f"{action} {count} {model._meta.verbose_name_plural}"
                for (model, action), count in self.changes.items()
                if action != "unchanged"
            )
        return f"{self.plan.slug}: " + ", ".join(parts)


def load_plan_file(path: Path) -> LoadResult:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PlanFileError(path, [f"cannot read the file: {error}"]) from None
    problems = validate(data)
    if problems:
        raise PlanFileError(path, problems)
    try:
        with transaction.atomic():
            result = _apply(data)
            if result.changed:  # definitions changed: stored progress must follow
                standings.refresh_plan(result.plan)
            if result.plan.follows_id:  # the baseline is the predecessor's final figures
                succession.carry_over(result.plan)
            return result
    except models.ProtectedError as error:
        names = ", ".join(sorted({str(obj) for obj in error.protected_objects})[:5])
        raise PlanFileError(
            path, [f"cannot remove rows that other data still refers to: {names}"]
        ) from None


# Validation ------------------------------------------------------------------------------------


def validate(data: Any) -> list[str]:
    """Every problem of the file, each naming where it is; an empty list means loadable."""
    if not isinstance(data, dict):
        return ["the file must hold a mapping with city, districts, departments, plan and parts"]
    missing = [
        key for key in ("city", "districts", "departments", "plan", "parts") if key not in data
    ]
    if missing:
        return [f"missing top-level keys: {', '.join(missing)}"]
    problems: list[str] = []
    problems += _duplicates("district", [d.get("name") for d in data["districts"]])
    problems += _duplicates("district slug", [d.get("slug") for d in data["districts"]])
    problems += _duplicates("department", [d.get("name") for d in data["departments"]])
    problems += _duplicates("department slug", [d.get("slug") for d in data["departments"]])
    for district in data["districts"]:
        if district.get("kind") not in District.Kind.values:
            problems.append(
                f"district {district.get('name')}: unknown kind {district.get('kind')!r}"
            )
    plan = data["plan"]
    years = range(plan.get("baseline_year", 0), plan.get("end_year", 0) + 1)
    try:
        issued_on = datetime.date.fromisoformat(str(plan.get("issued_on")))
    except ValueError:
        return [f"plan: issued_on {plan.get('issued_on')!r} is not a date (YYYY-MM-DD)"]
    departments = {d.get("name") for d in data["departments"]}
    problems += _duplicates("part", [p.get("code") for p in data["parts"]])
    target_codes: list[str] = []
    indicators: list[str] = []
    for part in data["parts"]:
        if part.get("kind") not in Part.Kind.values:
            problems.append(f"part {part.get('code')}: unknown kind {part.get('kind')!r}")
        problems += _duplicates(
            f"task number in {part.get('code')}", [t.get("number") for t in part.get("tasks", [])]
        )
        for task in part.get("tasks", []):
            code = task_code(part["code"], task.get("number", 0))
            problems += _task_problems(code, task, departments)
            for target in task.get("targets", []):
                target_codes.append(target.get("code"))
                indicators.append(target.get("indicator", ""))
                where = f"target {target.get('code')} ({code})"
                if target.get("confirm"):  # a candidate drafted by draft_plan, not yet checked
                    why = f" (taken by {target['why']})" if target.get("why") else ""
                    problems.append(
                        f"{where}: a drafted candidate, still marked confirm: true{why}"
                    )
                problems += [
                    f"{where}: {p}" for p in _target_problems(target, task, years, issued_on)
                ]
    problems += _duplicates("target code", target_codes)
    problems += _duplicates("indicator key", [key for key in indicators if key])
    for key in indicators:
        if key and not INDICATOR_KEY.fullmatch(str(key)):
            problems.append(
                f"indicator key {key!r}: use lower-case letters, digits and hyphens "
                "(kindergarten-public-share)"
            )
    follows = plan.get("follows")
    if follows and not Plan.objects.filter(slug=follows).exists():
        problems.append(f"plan: follows {follows!r}, which is not loaded; load that plan first")
    if follows and follows == plan.get("slug"):
        problems.append("plan: a plan cannot follow itself")
    return problems


def _duplicates(what: str, values: list) -> list[str]:
    return [f"{what} {value!r} appears {n} times" for value, n in Counter(values).items() if n > 1]


def _task_problems(code: str, task: dict, departments: set[str]) -> list[str]:
    problems = []
    named = task.get("departments") or []
    if not named:
        problems.append(f"task {code}: names no department (the first one named leads)")
    problems += [
        f"task {code}: unknown department {name!r}" for name in named if name not in departments
    ]
    problems += [f"task {code}: {p}" for p in _duplicates("department", named)]
    if not task.get("text"):
        problems.append(f"task {code}: has no text")
    return problems


def _target_problems(target: dict, task: dict, years: range, issued_on: datetime.date) -> list[str]:
    problems = []
    kind = target.get("kind")
    if kind not in Target.Kind.values:
        return [f"unknown kind {kind!r}, allowed: {', '.join(Target.Kind.values)}"]
    for key, choices in (("scope", Target.Scope), ("reported_by", Target.Reporter)):
        if target.get(key) not in choices.values:
            problems.append(f"{key} must be one of {', '.join(choices.values)}")
    sentence = target.get("source_sentence") or ""
    wording = target.get("value_text") or ""
    if not sentence or sentence not in task.get("text", ""):
        problems.append("its source sentence is not in the task's text")
    if not wording or wording not in sentence:
        problems.append(f"its value wording {wording!r} is not in its source sentence")
    problems += _doubt_problems(target)
    problems += _table_problems(target)
    reading = target.get("doubt_reading") or wording  # a doubtful number: the likely reading
    stated = numbers_in(reading)
    deadline = deadline_year(target, issued_on)
    if deadline not in years:
        problems.append(f"deadline year {deadline} is outside {years[0]}–{years[-1]}")
    problems += _fraction_problems(target)
    if kind == Target.Kind.MILESTONE:
        if "value" in target or "comparator" in target:
            problems.append("a milestone has a deadline year, not a value or comparator")
        if deadline not in deadlines_in(wording, issued_on):
            problems.append(
                f"deadline year {deadline} is not stated in {wording!r} "
                f"(a year, or 三年内 counted from the issue date {issued_on})"
            )
        return problems
    if target.get("comparator") not in Target.Comparator.values:
        problems.append(f"comparator must be one of {', '.join(Target.Comparator.values)}")
    value = _decimal(target.get("value"))
    if value is None:
        problems.append(f"value {target.get('value')!r} is not a number")
    elif value not in stated:
        problems.append(f"value {value} is not stated in {reading!r}")
    per_units = target.get("per_units", 1)
    if per_units != 1 and (kind != Target.Kind.UNIT_RATIO or Decimal(per_units) not in stated):
        problems.append(f"per_units {per_units} must be a unit ratio's and stated in {wording!r}")
    if (kind == Target.Kind.ANNUAL_CHANGE) != bool(target.get("direction")):
        problems.append("annual-change targets, and only they, have a direction")
    if target.get("direction") and target["direction"] not in Target.Direction.values:
        problems.append(f"direction must be one of {', '.join(Target.Direction.values)}")
    if kind in (Target.Kind.RATE, Target.Kind.UNIT_RATIO) and not (
        target.get("numerator_label") and target.get("denominator_label")
    ):
        problems.append("a rate or unit ratio needs numerator_label and denominator_label")
    return problems


def deadline_year(target: dict, issued_on: datetime.date) -> int | None:
    """The target's deadline year: as given, or, for a milestone that leaves it out, the one
    its wording states (三年内 from the issue date) when it states exactly one."""
    if "deadline_year" in target:
        return target["deadline_year"]
    if target.get("kind") == Target.Kind.MILESTONE:
        stated = deadlines_in(target.get("value_text") or "", issued_on)
        if len(stated) == 1:
            return stated.pop()
    return None


def _fraction_problems(target: dict) -> list[str]:
    """Whether the numerator may exceed the denominator is said for every fraction, and only
    for fractions: 130 compliant schools out of 120 is an error, 26 督学 per 119 幼儿园 is not."""
    fraction = bool(target.get("numerator_label") and target.get("denominator_label"))
    may_exceed = target.get("numerator_may_exceed")
    if fraction and not isinstance(may_exceed, bool):
        return [
            "a target entered as numerator and denominator must say numerator_may_exceed: "
            "true (a ratio of two things) or false (the numerator is part of the denominator)"
        ]
    if not fraction and may_exceed is not None:
        return ["numerator_may_exceed is only for targets with numerator and denominator labels"]
    return []


BINDING = ("binding", "expected", "")


def _table_problems(target: dict) -> list[str]:
    """What a 主要指标 table gives a target: its 属性 (binding: 约束性 "binding", 预期性
    "expected", "" not stated) and its baseline (基期) value and year. `why` is the draft's
    reason for proposing it, kept for the reviewer."""
    problems = []
    if target.get("binding", "") not in BINDING:
        problems.append(
            f"binding must be one of binding, expected or empty (约束性/预期性/未标注), "
            f"not {target['binding']!r}"
        )
    if "baseline" in target and _decimal(target["baseline"]) is None:
        problems.append(f"baseline {target['baseline']!r} is not a number")
    year = target.get("baseline_year")
    if year is not None and not (isinstance(year, int) and 1990 < year < 2100):
        problems.append(f"baseline_year {year!r} is not a year")
    if "why" in target and not isinstance(target["why"], str):
        problems.append("why must be a line of text")
    return problems


def _doubt_problems(target: dict) -> list[str]:
    doubt, reading = target.get("doubt"), target.get("doubt_reading")
    if doubt is not None and not (isinstance(doubt, str) and doubt.strip()):
        return ["doubt must say why the number is doubtful"]
    if reading is not None and not doubt:
        return ["doubt_reading needs a doubt saying why the printed number is doubtful"]
    return []


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def task_code(part_code: str, number: int) -> str:
    """二(一) + 4 -> 二(一)4; the implementation items are numbered 三(一)…(三)."""
    if part_code == "三":
        return f"三({CHINESE_ORDINALS[number - 1]})"
    return f"{part_code}{number}"


def task_slug(part_code: str, number: int) -> str:
    """二(一)4 -> 2-1-4, 三(二) -> 3-2: readable in a URL."""
    digits = [
        str(CHINESE_ORDINALS.index(char) + 1) for char in part_code if char in CHINESE_ORDINALS
    ]
    return "-".join([*digits, str(number)])


# Applying --------------------------------------------------------------------------------------


class _Writer:
    """Creates or updates rows by natural key and counts what it did."""

    def __init__(self) -> None:
        self.changes: Counter = Counter()

    def put(self, existing: dict, key: Any, model: type[models.Model], values: dict) -> Any:
        obj = existing.get(key)
        if obj is None:
            obj = model.objects.create(**values)
            existing[key] = obj
            self.changes[(model, "created")] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.changes[(model, "updated")] += 1
        else:
            self.changes[(model, "unchanged")] += 1
        return obj

    def remove_stale(self, existing: dict, kept: set, model: type[models.Model]) -> None:
        stale = [obj.pk for key, obj in existing.items() if key not in kept]
        if stale:
            model.objects.filter(pk__in=stale).delete()
            self.changes[(model, "removed")] += len(stale)


def _apply(data: dict) -> LoadResult:
    write = _Writer()
    city_data = data["city"]
    cities = {city.name: city for city in City.objects.filter(name=city_data["name"])}
    city = write.put(cities, city_data["name"], City, dict(city_data))

    districts = {d.name: d for d in District.objects.filter(city=city)}
    for order, district in enumerate(data["districts"], 1):
        write.put(
            districts, district["name"], District, {"city_id": city.pk, "order": order, **district}
        )
    departments = {d.name: d for d in Department.objects.filter(city=city)}
    for order, department in enumerate(data["departments"], 1):
        write.put(
            departments,
            department["name"],
            Department,
            {"city_id": city.pk, "order": order, **department},
        )

    plan_data = dict(data["plan"])
    plan_data["issued_on"] = datetime.date.fromisoformat(str(plan_data["issued_on"]))
    follows = plan_data.pop("follows", None)
    plan_data["follows_id"] = Plan.objects.get(slug=follows).pk if follows else None
    if plan_data.get("closed_on"):
        plan_data["closed_on"] = datetime.date.fromisoformat(str(plan_data["closed_on"]))
    plans = {plan.slug: plan for plan in Plan.objects.filter(slug=plan_data["slug"])}
    plan = write.put(plans, plan_data["slug"], Plan, {"city_id": city.pk, **plan_data})

    parts = {part.code: part for part in Part.objects.filter(plan=plan)}
    tasks = {
        (t.part.code, t.number): t
        for t in Task.objects.filter(part__plan=plan).select_related("part")
    }
    assignments: dict[int, list[int]] = {}
    for assignment in TaskDepartment.objects.filter(task__part__plan=plan).order_by("position"):
        assignments.setdefault(assignment.task_id, []).append(assignment.department_id)
    targets = {t.code: t for t in Target.objects.filter(task__part__plan=plan)}
    kept_tasks, kept_targets = set(), set()

    for order, part_data in enumerate(data["parts"], 1):
        part_values = {key: part_data.get(key, "") for key in ("code", "kind", "title", "text")}
        part = write.put(
            parts, part_data["code"], Part, {"plan_id": plan.pk, "order": order, **part_values}
        )
        for task_data in part_data.get("tasks", []):
            number = task_data["number"]
            task = write.put(
                tasks,
                (part.code, number),
                Task,
                {
                    "part_id": part.pk,
                    "number": number,
                    "code": task_code(part.code, number),
                    "slug": task_slug(part.code, number),
                    "title": task_data["title"],
                    "text": task_data["text"],
                },
            )
            kept_tasks.add((part.code, number))
            _put_departments(
                write, task, [departments[n].pk for n in task_data["departments"]], assignments
            )
            for target_order, target_data in enumerate(task_data.get("targets", []), 1):
                values = _target_values(target_data, plan.issued_on)
                write.put(
                    targets,
                    values["code"],
                    Target,
                    {"task_id": task.pk, "order": target_order, **values},
                )
                kept_targets.add(values["code"])

    write.remove_stale(targets, kept_targets, Target)
    write.remove_stale(tasks, kept_tasks, Task)
    write.remove_stale(parts, {p["code"] for p in data["parts"]}, Part)
    return LoadResult(plan=plan, changes=write.changes)


def _put_departments(
    write: _Writer, task: Task, wanted: list[int], current: dict[int, list[int]]
) -> None:
    if current.get(task.pk) == wanted:
        write.changes[(TaskDepartment, "unchanged")] += len(wanted)
        return
    TaskDepartment.objects.filter(task=task).delete()
    TaskDepartment.objects.bulk_create(
        TaskDepartment(task=task, department_id=pk, position=position)
        for position, pk in enumerate(wanted)
    )
    write.changes[(TaskDepartment, "updated" if task.pk in current else "created")] += len(wanted)


def _target_values(target: dict, issued_on: datetime.date) -> dict:
    return {
        "code": target["code"],
        "indicator": target.get("indicator", ""),
        "name": target["name"],
        "kind": target["kind"],
        "unit": target.get("unit", ""),
        "comparator": target.get("comparator", ""),
        "value": _decimal(target.get("value")),
        "per_units": target.get("per_units", 1),
        "direction": target.get("direction", ""),
        "every_year": target.get("every_year", False),
        "deadline_year": deadline_year(target, issued_on),
        "scope": target["scope"],
        "reported_by": target["reported_by"],
        "measure_unit": target.get("measure_unit", ""),
        "per_head": target.get("per_head", False),
        "numerator_may_exceed": target.get("numerator_may_exceed", False),
        "doubt": target.get("doubt", "").strip(),
        "doubt_reading": target.get("doubt_reading", ""),
        "numerator_label": target.get("numerator_label", ""),
        "denominator_label": target.get("denominator_label", ""),
        "value_text": target["value_text"],
        "source_sentence": target["source_sentence"],
    }
