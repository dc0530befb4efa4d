"""Changing what a target asks: its districts' own values (分解目标, set by a 目标责任书) and a
规划调整 of its value or deadline year after the plan was issued. Each change is all or nothing,
keeps its document, is audited (GoalChange) and rewrites the target's standings in the same
transaction. Which value a judgement then uses is targets.progress.goal_of's rule alone."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext as _

from targets import standings
from targets.models import Decomposition, DistrictGoal, GoalChange, Target, TargetAdjustment
from targets.progress import may_decompose
from zibo_edu.lib import uploads


@dataclass
class Document:
    """The document behind a change: title, 文号, date, and the uploaded file if any."""

    title: str
    number: str
    issued_on: object = None  # datetime.date
    upload: object = None


def _keep(record, document: Document, user) -> None:
    record.title, record.number = document.title, document.number
    record.issued_on, record.created_by = document.issued_on, user
    if document.upload is not None:
        record.content_type = uploads.evidence(document.upload)
        name = uploads.shortened_name(
            document.upload.name or "file", record._meta.get_field("file_name").max_length
        )
        record.file_name = name
        record.file.save(name, document.upload, save=False)


def _saved(record) -> None:
    """Save a record whose file may already be stored: a failed save removes the file."""
    try:
        record.save()
    except Exception:
        if record.file:
            record.file.delete(save=False)
        raise


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def current_goals(target: Target) -> dict[int, Decimal]:
    """The districts' own values in force, by district pk."""
    return dict(target.district_goals.values_list("district_id", "value"))


@transaction.atomic
def decompose(
    target: Target, values: dict, document: Document, user, channel: str
) -> Decomposition | None:
    """Give the districts their own values (district → Decimal; None or absent: judged against
    the city's value). Replaces the values in force; returns the new Decomposition, or None
    when nothing would change (nothing recorded)."""
    if not may_decompose(target):
        raise ValidationError(_("This target cannot be given values per district."))
    wanted = {d.pk: v for d, v in values.items() if v is not None}
    before = current_goals(target)
    if wanted == before:
        return None
    record = Decomposition(target=target)
    _keep(record, document, user)
    _saved(record)
    target.district_goals.all().delete()
    DistrictGoal.objects.bulk_create(
        DistrictGoal(target=target, district_id=pk, value=value, decomposition=record)
        for pk, value in wanted.items()
    )
    names = {d.pk: d.name for d in values}
    GoalChange.objects.create(
        target=target,
        changed_by=user,
        channel=channel,
        action=GoalChange.Action.DECOMPOSE,
        old={names.get(pk, str(pk)): _number(v) for pk, v in before.items()},
        new={names[pk]: _number(v) for pk, v in wanted.items()},
        comment=record.citation,
    )
    standings.refresh([target.pk])
    return record


@transaction.atomic
def adjust(
    target: Target,
    *,
    value: Decimal | None,
    year: int,
    reason: str,
    document: Document,
    user,
    channel: str,
) -> TargetAdjustment | None:
    """A 规划调整: the target asks `value` by `year` from now on. Needs a reason and the approving
    document; returns None when neither value nor year changes (nothing recorded)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if target.kind == Target.Kind.MILESTONE:
        value = None
    elif value is None:
        raise ValidationError({"value": _("Give the adjusted target value.")})
    if value == target.value and year == target.deadline_year:
        return None
    record = TargetAdjustment(
        target=target,
        old_value=target.value,
        new_value=value,
        old_year=target.deadline_year,
        new_year=year,
        reason=reason.strip(),
    )
    _keep(record, document, user)
    _saved(record)
    old = {"value": _number(target.value), "deadline_year": target.deadline_year}
    Target.objects.filter(pk=target.pk).update(value=value, deadline_year=year)
    target.value, target.deadline_year = value, year
    target.__dict__.pop("_adjusted", None)
    GoalChange.objects.create(
        target=target,
        changed_by=user,
        channel=channel,
        action=GoalChange.Action.ADJUST,
        old=old,
        new={"value": _number(value), "deadline_year": year},
        comment=f"{record.reason}（{record.citation}）",
    )
    standings.refresh([target.pk])
    return record


def original(target: Target) -> tuple[Decimal | None, int] | None:
    """The plan's own value and year of an adjusted target (the first adjustment's before), or
    None for a target never adjusted."""
    first = target.adjustments.order_by("created_at", "pk").first()
    return None if first is None else (first.old_value, first.old_year)


def adjusted_texts(targets) -> dict[int, tuple[str, str]]:
    """By target pk, for the adjusted ones: (the plan's original, the adjusted) as "55%（2025）":
    one query, for lists of targets (the evaluation, the public pages)."""
    from targets.display import goal_value

    by_pk = {t.pk: t for t in targets}
    first: dict[int, TargetAdjustment] = {}
    for adjustment in TargetAdjustment.objects.filter(target__in=list(by_pk)).order_by(
        "created_at", "pk"
    ):
        first.setdefault(adjustment.target_id, adjustment)
    return {
        pk: (
            f"{goal_value(by_pk[pk], a.old_value)}（{a.old_year}）",
            f"{goal_value(by_pk[pk], by_pk[pk].value)}（{by_pk[pk].deadline_year}）",
        )
        for pk, a in first.items()
    }


def district_values_texts(targets, districts) -> dict[int, str]:
    """By target pk, for the decomposed ones: "张店区 60%、淄川区 50%" (one query)."""
    from targets.display import goal_value

    by_pk = {t.pk: t for t in targets}
    order = {d.pk: (n, d.name) for n, d in enumerate(districts)}
    found: dict[int, list] = {}
    for goal in DistrictGoal.objects.filter(target__in=list(by_pk)):
        if goal.district_id in order:
            found.setdefault(goal.target_id, []).append(goal)
    return {
        pk: "、".join(
            f"{order[g.district_id][1]} {goal_value(by_pk[pk], g.value)}"
            for g in sorted(goals_, key=lambda g: order[g.district_id])
        )
        for pk, goals_ in found.items()
    }


def goal_marks(targets, districts, adjusted=None, decomposed=None) -> dict[int, str]:
    """By target pk, the short mark lists of targets put beside a target value (the overview,
    department tables, heat map), as the target page says it: "调整后" with the plan's original
    (visible, for phones, and in the title), "分解目标" with the districts' values in the title.
    HTML, every text escaped. `adjusted` / `decomposed`: the pks already known to be (from stored
    judgements' basis), so that only those are looked up; None: look at every target (a query
    each for adjustments and districts' values)."""
    targets = list(targets)
    marks: dict[int, list[str]] = {}
    original_word, adjusted_word = _("plan's original"), _("adjusted")
    if adjusted is not None:
        adjusted_targets = [t for t in targets if t.pk in adjusted]
    else:
        adjusted_targets = targets
    if decomposed is not None:
        decomposed_targets = [t for t in targets if t.pk in decomposed]
    else:
        decomposed_targets = [t for t in targets if may_decompose(t)]
    for pk, (was, now) in (adjusted_texts(adjusted_targets) if adjusted_targets else {}).items():
        marks.setdefault(pk, []).append(
            format_html(
                '<span class="goal-mark" title="{o} {was} → {a} {now}">{a}</span>'
                ' <span class="goal-original">{o} {was}</span>',
                o=original_word,
                a=adjusted_word,
                was=was,
                now=now,
            )
        )
    values_texts = {}
    if decomposed_targets:
        values_texts = district_values_texts(decomposed_targets, districts)
    for pk, values in values_texts.items():
        marks.setdefault(pk, []).append(
            format_html(
                '<span class="goal-mark" title="{}：{}">{}</span>',
                _("Values per district"),
                values,
                _("Values per district"),
            )
        )
    return {pk: " ".join(parts) for pk, parts in marks.items()}
