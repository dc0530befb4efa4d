"""Yearly figures: the entry rules, recording with an audit trail, submission and review.

Every way in (form, Excel, CSV, API, command, admin) goes through `check` and `record`, so the same
rules and the same audit apply whatever the channel. Writes are bulk: one query to read what
exists, one to create, one to update and one to log, whatever the number of rows.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.audit import person
from targets import bulk, progress, reminders, standings, succession
from targets.models import SNAPSHOT_FIELDS, Figure, FigureChange, ReportingPeriod, Target

VALUE_FIELDS = SNAPSHOT_FIELDS

try:  # PostgreSQL's COPY (targets.bulk) reports a unique violation in psycopg's own class
    from psycopg import IntegrityError as _PsycopgIntegrityError

    _DRIVER_INTEGRITY_ERRORS: tuple[type[Exception], ...] = (_PsycopgIntegrityError,)
except ImportError:  # pragma: no cover - the embedded default needs no PostgreSQL driver
    _DRIVER_INTEGRITY_ERRORS = ()


@dataclass
class FigureInput:
    """What someone entered for one figure; None means the field was left empty."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None
    achieved: bool | None = None
    achieved_on: datetime.date | None = None
    note: str = ""
    source: str = ""

    @classmethod
    def of(cls, figure: Figure) -> "FigureInput":
        return cls(**{name: getattr(figure, name) for name in VALUE_FIELDS})

    def values(self) -> dict:
        """The fields as a plain dict (dataclasses.asdict deep-copies, which bulk imports feel)."""
        return {name: getattr(self, name) for name in VALUE_FIELDS}

    def is_empty(self) -> bool:
        measured = (self.numerator, self.denominator, self.value, self.achieved, self.achieved_on)
        return all(v is None for v in measured) and not self.note and not self.source

    def snapshot(self) -> dict:
        """JSON-ready values for the audit trail; empty fields are left out."""
        snapshot = {}
        for name in VALUE_FIELDS:
            value = getattr(self, name)
            if value is not None and value != "":
                snapshot[name] = _json_ready(value)
        return snapshot


def _json_ready(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Key(NamedTuple):
    """Which figure: a target, a district (None for the city) and a year. A tuple: an import
    makes and hashes tens of thousands, at a third of a frozen dataclass's cost."""

    target_id: int
    district_id: int | None
    year: int


@dataclass
class Entry:
    key: Key
    data: FigureInput
    # The version the writer saw: 0 when they saw the figure absent, None when they saw nothing
    # at all. A figure that exists changes only for a writer who sent its current version.
    version: int | None = None


ABSENT = 0  # the version of a figure that does not exist yet


@dataclass
class Outcome:
    created: list[Figure] = field(default_factory=list)
    updated: list[Figure] = field(default_factory=list)
    unchanged: list[Figure] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated)


class FigureConflict(Exception):
    """Someone else saved the figure after the person loaded it; nothing was saved."""

    def __init__(self, figures: list[Figure]):
        self.figures = figures
        super().__init__(", ".join(str(f) for f in figures))


class FigureLocked(Exception):
    """A submitted or approved figure would change: it must be returned or reopened first."""

    def __init__(self, figures: list[Figure]):
        self.figures = figures
        super().__init__(", ".join(str(f) for f in figures))


class FigureUnanswered(Exception):
    """A returned figure sent back to review as it was, without an answer to why it was
    returned; nothing was saved."""

    def __init__(self, figures: list[Figure]):
        self.figures = figures
        super().__init__(", ".join(str(f) for f in figures))


def unanswered_message(figure: Figure) -> str:
    return _(
        "%(code)s was returned (%(reason)s) and is unchanged: change it, or answer the reason "
        "in its “answer” field, before submitting it again."
    ) % {"code": figure.target.code, "reason": figure.return_reason}


class FigureCarried(FigureLocked):
    """A carried-over baseline figure would change: it is the predecessor plan's final figure,
    corrected there (and carried over again), never typed again here."""


def carried_message(figure: Figure) -> str:
    """The one refusal every channel (form, Excel/CSV, API, admin) gives, naming the figure."""
    where = figure.district.name if figure.district_id else _("city")
    return _(
        "%(code)s %(where)s %(year)s: taken from the previous plan's final figure, it cannot be "
        "changed here; correct it in the previous plan."
    ) % {"code": figure.target.code, "where": where, "year": figure.year}


# The rules ---------------------------------------------------------------------------------------


def check(
    target: Target,
    data: FigureInput,
    previous: Figure | None = None,
    note_threshold: Decimal | None = None,
) -> dict[str, str]:
    """Every problem with an entry, by field name; an empty dict means it may be saved."""
    errors: dict[str, str] = {}
    entry = target.entry
    allowed = _ENTERED[entry]
    for name in ("numerator", "denominator", "value", "achieved", "achieved_on"):
        if name not in allowed and getattr(data, name) is not None:
            errors[name] = _("This target is entered as %(entry)s; leave this empty.") % {
                "entry": target.Entry(entry).label
            }
    if entry == Target.Entry.FRACTION:
        errors.update(_check_fraction(target, data))
    elif entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT) and data.value is not None:
        if data.value < 0:
            errors["value"] = _("Must not be negative.")
        elif entry == Target.Entry.WHOLE and data.value != data.value.to_integral_value():
            errors["value"] = _("Must be a whole number.")
    elif entry == Target.Entry.MILESTONE and data.achieved_on and data.achieved is not True:
        errors["achieved"] = _("A date of completion needs “done” to be yes.")
    if not errors and note_threshold is not None and not data.note:
        change = _relative_change(target, previous, data)
        if change is not None and abs(change) > note_threshold:
            errors["note"] = _(
                "Changed %(change)s%% from last year (more than %(threshold)s%%): "
                "please explain in the note."
            ) % {"change": f"{change:+.1f}", "threshold": f"{note_threshold:g}"}
    return errors


# The fields each kind of entry fills; the others stay empty.
_ENTERED = {
    Target.Entry.FRACTION: {"numerator", "denominator"},
    Target.Entry.WHOLE: {"value"},
    Target.Entry.AMOUNT: {"value"},
    Target.Entry.YES_NO: {"achieved"},
    Target.Entry.MILESTONE: {"achieved", "achieved_on"},
}


def _check_fraction(target: Target, data: FigureInput) -> dict[str, str]:
    errors = {}
    numerator, denominator = data.numerator, data.denominator
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        errors[missing] = _("Enter both the numerator and the denominator.")
        return errors
    if numerator is None:
        return errors
    if numerator < 0:
        errors["numerator"] = _("Must not be negative.")
    if denominator <= 0:
        errors["denominator"] = _("Must be greater than zero.")
    elif not target.numerator_may_exceed and numerator > denominator:
        errors["numerator"] = _(
            "The numerator (%(numerator)s) cannot exceed the denominator (%(denominator)s): "
            "%(numerator_label)s are part of %(denominator_label)s."
        ) % {
            "numerator": _plain(numerator),
            "denominator": _plain(denominator),
            "numerator_label": target.numerator_label,
            "denominator_label": target.denominator_label,
        }
    return errors


def check_stored(key: "Key", data: FigureInput) -> dict[str, str]:
    """`check` with what it needs looked up: last year's figure and the year's note threshold.
    For channels that save one figure at a time (the admin)."""
    target = Target.objects.select_related("task__part__plan").get(pk=key.target_id)
    previous = existing([Key(key.target_id, key.district_id, key.year - 1)])
    period = ReportingPeriod.objects.filter(plan=target.task.part.plan, year=key.year).first()
    return check(
        target,
        data,
        next(iter(previous.values()), None),
        period.change_note_threshold if period else None,
    )


def conflict_message(figure: Figure, shown: str) -> str:
    """Who changed a figure while someone else was editing it, when, and to what (`shown`),
    naming the person by role and district or department, not by a bare username."""
    change = figure.changes.select_related(
        "changed_by__role__district", "changed_by__role__department"
    ).first()
    who = person(change.changed_by) if change else _("someone")
    when = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M") if change else ""
    return _(
        "%(code)s was changed by %(who)s at %(when)s while you were editing; it now reads "
        "%(value)s. Your entry was not saved: check it and save again."
    ) % {"code": figure.target.code, "who": who, "when": when, "value": shown}


def _comparable(target: Target, data: FigureInput) -> Decimal | None:
    if target.entry == Target.Entry.FRACTION:
        return target.measure(data.numerator, data.denominator)
    if target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
        return data.value
    return None


def _relative_change(target: Target, previous: Figure | None, data: FigureInput) -> Decimal | None:
    """Percent change from last year's figure, where both exist and last year's is not zero."""
    if previous is None:
        return None
    before, after = _comparable(target, FigureInput.of(previous)), _comparable(target, data)
    if before is None or after is None or before == 0:
        return None
    return (after - before) * 100 / before


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Writing ---------------------------------------------------------------------------------------


def existing(keys: Iterable[Key]) -> dict[Key, Figure]:
    """The figures that exist for these keys, in one query."""
    keys = list(keys)
    if not keys:
        return {}
    condition = Q()
    for target_id, district_id, year in {(k.target_id, k.district_id, k.year) for k in keys}:
        condition |= Q(target_id=target_id, district_id=district_id, year=year)
    figures = Figure.objects.filter(
        target_id__in={k.target_id for k in keys}, year__in={k.year for k in keys}
    ).filter(condition)
    return {Key(f.target_id, f.district_id, f.year): f for f in figures}


def existing_for(district_ids: set[int | None], years: set[int]) -> dict[Key, Figure]:
    """All figures of these districts (None: the city) and years: the bulk form of `existing`."""
    where = Q(district_id__in=[d for d in district_ids if d is not None])
    if None in district_ids:
        where |= Q(district__isnull=True)
    figures = Figure.objects.filter(where, year__in=years)
    return {Key(f.target_id, f.district_id, f.year): f for f in figures}


@transaction.atomic
def record(
    entries: list[Entry],
    *,
    user,
    channel: str,
    current: dict[Key, Figure] | None = None,
    comment: str = "",
    action: str = FigureChange.Action.UPDATE,
) -> Outcome:
    """Save entries all or nothing, refusing stale versions and figures under review or approved.

    Entries equal to what is stored change nothing (uploading a file twice writes nothing).
    `action` names the audit row of an update (a restore is logged as such).
    """
    if current is None:
        current = existing(entry.key for entry in entries)
    outcome = Outcome()

    stale, locked, carried, changes, counted = [], [], [], [], []
    now = timezone.now()
    new = _NewFigures(user, now)
    for entry in entries:
        figure = current.get(entry.key)
        if figure is None:
            if entry.data.is_empty():
                continue
            figure = new(entry)
            outcome.created.append(figure)
            changes.append(("create", figure, {}, entry.data.snapshot()))
            continue
        before = FigureInput.of(figure)
        if before == entry.data:
            outcome.unchanged.append(figure)
            continue
        if figure.is_carried:  # before the version: no version makes it writable
            carried.append(figure)
            continue
        if entry.version != figure.version:  # unseen (None), seen absent (0) or seen older
            stale.append(figure)
            continue
        if not figure.is_editable:
            locked.append(figure)
            continue
        was = figure.state
        for name, value in entry.data.values().items():
            setattr(figure, name, value)
        figure.version += 1
        figure.updated_by = user
        figure.updated_at = now
        if figure.state == Figure.State.RETURNED:
            figure.state = Figure.State.DRAFT
        if was in progress.COUNTED or figure.state in progress.COUNTED:
            counted.append(figure)
        outcome.updated.append(figure)
        changes.append((action, figure, before.snapshot(), entry.data.snapshot()))
    if carried:
        raise FigureCarried(carried)
    if stale:
        raise FigureConflict(stale)
    if locked:
        raise FigureLocked(locked)
    if outcome.updated:
        _refuse_concurrent_saves(outcome.updated)
    _write(new, outcome.updated, changes, user=user, channel=channel, at=now, comment=comment)
    # A corrected final figure (reopened, then changed) moves its carried copies with it.
    copies = succession.follow(outcome.updated) if outcome.updated else []
    # The standings rest on the counted figures only: a save of drafts, which is what a new
    # figure and a change of a draft or returned figure are, leaves every standing as it was.
    standings.refresh_figures(
        [f for f in outcome.created if f.state in progress.COUNTED] + counted + copies
    )
    return outcome


class _NewFigures:
    """Unsaved figures made from entries. An import makes thousands: from their fields in order,
    as Django makes the figures it reads, since its keyword path costs more per figure than the
    COPY that writes it."""

    ATTNAMES = [f.attname for f in Figure._meta.concrete_fields]

    def __init__(self, user, now):
        self.user = user
        self.figures: list[Figure] = []
        self.rows: list[list] = []  # each figure's fields in order, as COPY writes them
        self.defaults = {
            f.attname: f.get_default() for f in Figure._meta.concrete_fields if not f.primary_key
        }
        self.defaults.update(
            id=None, updated_by_id=user.pk if user is not None else None, updated_at=now
        )

    def __call__(self, entry: Entry) -> Figure:
        fields = {
            **self.defaults,
            "target_id": entry.key.target_id,
            "district_id": entry.key.district_id,
            "year": entry.key.year,
            **entry.data.values(),
        }
        row = [fields[name] for name in self.ATTNAMES]
        figure = Figure(*row)
        if self.user is not None:
            Figure.updated_by.field.set_cached_value(figure, self.user)
        self.figures.append(figure)
        self.rows.append(row)
        return figure


UPDATED_FIELDS = [*VALUE_FIELDS, "version", "state", "updated_by", "updated_at"]


def _write(created: "_NewFigures", updated: list[Figure], changes, *, user, channel, at, comment):
    """The statements that write a save: new figures (COPY on PostgreSQL, with their ids taken
    first for the audit rows), changed figures (one UPDATE from arrays), the audit rows (COPY)."""
    _create(created)
    if connection.vendor == "postgresql" and len(updated) > 1:
        _update_from_arrays(updated)
    elif updated:
        Figure.objects.bulk_update(updated, UPDATED_FIELDS)
    log_changes(changes, user=user, channel=channel, at=at, comment=comment)


def _update_from_arrays(figures: list[Figure]) -> None:
    """bulk_update writes CASE WHEN pk = … for each row and field, which PostgreSQL reads row by
    row; one UPDATE … FROM unnest(arrays) joins on the primary key instead."""
    fields = [Figure._meta.get_field(name) for name in UPDATED_FIELDS]
    table = connection.ops.quote_name(Figure._meta.db_table)
    columns = [connection.ops.quote_name(f.column) for f in fields]
    types = [f.db_type(connection) for f in fields]
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest(%s::bigint[], {arrays}) "
        f"AS v(id, {', '.join(columns)}) WHERE {table}.id = v.id"
    )
    values = [[f.pk for f in figures]]
    values += [[getattr(figure, f.attname) for figure in figures] for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _create(new: "_NewFigures") -> None:
    """Insert new figures; one that another writer created since they were read makes the whole
    save a `FigureConflict` (the unique constraints decide, inside a savepoint), never a 500."""
    created = new.figures
    if not created:
        return
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                ids = bulk.reserve_ids(Figure, len(created))
                for figure, row, pk in zip(created, new.rows, ids, strict=True):
                    figure.id = row[0] = pk
                bulk.insert_rows(Figure, new.ATTNAMES, new.rows)
                alias = connection.alias  # a lookup through a proxy: not once per figure
                for figure in created:
                    figure._state.adding = False
                    figure._state.db = alias
            else:
                bulk.insert(Figure, created, with_ids=True)
    except (IntegrityError, *_DRIVER_INTEGRITY_ERRORS):  # COPY raises the driver's own
        taken = existing(Key(f.target_id, f.district_id, f.year) for f in created)
        if not taken:
            raise
        raise FigureConflict(
            list(
                Figure.objects.select_related("target").filter(
                    pk__in=[f.pk for f in taken.values()]
                )
            )
        ) from None


def _refuse_concurrent_saves(figures: list[Figure]) -> None:
    """Between reading and writing, another save may have bumped a version: lock and compare."""
    stored = dict(
        Figure.objects.select_for_update()
        .filter(pk__in=[f.pk for f in figures])
        .values_list("pk", "version")
    )
    stale = [f for f in figures if stored.get(f.pk) != f.version - 1]
    if stale:
        raise FigureConflict(
            list(Figure.objects.select_related("target").filter(pk__in=[f.pk for f in stale]))
        )


def _refuse_unseen(figures: list[Figure]) -> None:
    """Lock the figures and refuse (FigureConflict) if one changed since it was read."""
    if not figures:
        return
    stored = dict(
        Figure.objects.select_for_update()
        .filter(pk__in=[f.pk for f in figures])
        .values_list("pk", "version")
    )
    stale = [f.pk for f in figures if stored.get(f.pk) != f.version]
    if stale:
        raise FigureConflict(list(Figure.objects.select_related("target").filter(pk__in=stale)))


def log_changes(
    changes, *, user, channel: str, at, comment: str = "", comments: dict[int, str] | None = None
) -> None:
    """The audit rows for (action, figure, old, new) tuples, in one query; `comments` by figure
    pk, where a figure has its own."""
    user_id = user.pk if user is not None else None
    comments = comments or {}
    bulk.insert_rows(
        FigureChange,
        AUDIT_COLUMNS,
        [
            (figure.pk, at, user_id, channel, action, old, new, comments.get(figure.pk, comment))
            for action, figure, old, new in changes
        ],
    )


AUDIT_COLUMNS = ("figure_id", "changed_at", "changed_by_id", "channel", "action", "old", "new",
                 "comment")  # fmt: skip


def _transition(
    figures: list[Figure],
    *,
    user,
    action: str,
    state: str,
    comment: str = "",
    comments: dict[int, str] | None = None,
    channel: str = FigureChange.Channel.REVIEW,
) -> None:
    now = timezone.now()
    changes = []
    for figure in figures:
        old = {"state": figure.state}
        figure.state = state
        figure.version += 1
        figure.updated_by = user
        figure.updated_at = now
        if state == Figure.State.SUBMITTED:
            figure.submitted_at = now
        figure.return_reason = comment if state == Figure.State.RETURNED else ""
        changes.append((action, figure, old, {"state": state}))
    Figure.objects.bulk_update(
        figures, ["state", "version", "updated_by", "updated_at", "submitted_at", "return_reason"]
    )
    log_changes(changes, user=user, channel=channel, at=now, comment=comment, comments=comments)
    # The successor's carried baseline follows in the same transaction (made if it was not).
    standings.refresh_figures([*figures, *succession.follow(figures)])


@transaction.atomic
def submit(
    figures: list[Figure],
    *,
    user,
    channel: str = FigureChange.Channel.FORM,
    answers: dict[int, str] | None = None,
) -> list[Figure]:
    """Send filled drafts and returned figures to review; returns those it submitted.

    A figure still returned is one nobody changed since (a change makes it a draft): it goes
    back only with an answer to the reason it was returned (`answers`, by figure pk), which its
    audit row keeps; without one, `FigureUnanswered` and nothing is submitted.
    """
    answers = {pk: answer.strip() for pk, answer in (answers or {}).items() if answer.strip()}
    ready = [
        f for f in figures if f.state in (Figure.State.DRAFT, Figure.State.RETURNED) and f.is_filled
    ]
    unanswered = [f for f in ready if f.state == Figure.State.RETURNED and f.pk not in answers]
    if unanswered:
        raise FigureUnanswered(unanswered)
    _refuse_unseen(ready)
    _transition(
        ready,
        user=user,
        action="submit",
        state=Figure.State.SUBMITTED,
        channel=channel,
        comments={f.pk: answers[f.pk] for f in ready if f.pk in answers},
    )
    return ready


@transaction.atomic
def approve(figures: list[Figure], *, user) -> list[Figure]:
    ready = [f for f in figures if f.state == Figure.State.SUBMITTED and not f.is_carried]
    _transition(ready, user=user, action="approve", state=Figure.State.APPROVED)
    return ready


@transaction.atomic
def send_back(figures: list[Figure], *, user, reason: str) -> list[Figure]:
    """Return submitted figures to the district with a reason (required)."""
    if not reason.strip():
        raise ValueError(_("Say why the figures are returned."))
    ready = [f for f in figures if f.state == Figure.State.SUBMITTED and not f.is_carried]
    _transition(ready, user=user, action="return", state=Figure.State.RETURNED, comment=reason)
    if ready:  # the district's staff learn why, by an email sent once the return commits
        reminders.queue_returned(ready, reason=reason)
    return ready


@transaction.atomic
def reopen(figure: Figure, *, user, reason: str) -> None:
    """Unlock an approved figure (city admin only), logged with the reason."""
    if figure.state != Figure.State.APPROVED or figure.is_carried:
        return
    _transition([figure], user=user, action="reopen", state=Figure.State.DRAFT, comment=reason)


class FigureRefused(ValueError):
    """The values to put back break a rule as it stands now; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


@transaction.atomic
def restore(figure: Figure, change: FigureChange, *, user) -> Outcome:
    """Put back the figure as it stood after `change` (city admin only), its note and source
    included, as a new change. The values go through today's rules like any other entry."""
    if figure.is_carried:
        raise FigureRefused({"figure": carried_message(figure)})
    if not change.restorable:
        raise FigureRefused({"change": _("This change left no values to restore.")})
    # A snapshot leaves out empty fields: what it does not hold was empty, the note too.
    data = FigureInput(
        **{name: _parse_snapshot(name, change.new.get(name)) for name in VALUE_FIELDS}
    )
    errors = check(figure.target, data)
    if errors:
        raise FigureRefused(errors)
    if not figure.is_editable:
        _transition(
            [figure],
            user=user,
            action="reopen",
            state=Figure.State.DRAFT,
            comment=_("restore an earlier value"),
        )
    key = Key(figure.target_id, figure.district_id, figure.year)
    when = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M")
    return record(
        [Entry(key, data, figure.version)],
        user=user,
        channel=FigureChange.Channel.FORM,
        action=FigureChange.Action.RESTORE,
        comment=_("restored the value of %(when)s") % {"when": when},
    )


def _parse_snapshot(name: str, value):
    if value is None:
        return "" if name in ("note", "source") else None
    if name in ("numerator", "denominator", "value"):
        return Decimal(value)
    if name == "achieved_on":
        return datetime.date.fromisoformat(value)
    return value
