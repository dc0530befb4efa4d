"""An upload: read and checked (all or nothing), previewed, and confirmed unless a figure it
touches changed in between."""

import hashlib
import time
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import District
from plans.models import Plan
from targets import figures
from targets.models import Figure, FigureChange, ReportingPeriod, Target
from targets.workbook.checks import Checked, check_rows
from targets.workbook.layout import COLUMN_OF_FIELD, column_name
from targets.workbook.problems import (
    Limits,
    Problem,
    Problems,
    Stop,
    WorkbookError,
    too_large,
    upload_limits,
)
from targets.workbook.reading import rows_of
from zibo_edu.lib import collector


@dataclass
class Row:
    number: int
    entry: figures.Entry
    target: Target
    district: District | None
    current: Figure | None = None

    @property
    def action(self) -> str:
        if self.current is None:
            return "create"
        return "unchanged" if figures.FigureInput.of(self.current) == self.entry.data else "update"


@dataclass
class Upload:
    """A read, checked upload: its rows and what each would do."""

    rows: list[Row] = field(default_factory=list)
    channel: str = "excel"

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts


def read(
    content: bytes, filename: str, *, plan: Plan, user, limits: Limits | None = None
) -> Upload:
    """Read and check a workbook or CSV: every row valid and permitted, or WorkbookError.

    The file is streamed row by row; rows, cells, unpacked size, problems kept and time are all
    bounded by `limits`, so one upload costs bounded memory and time whatever it holds.
    """
    with collector.paused():
        return _read(content, filename, plan=plan, user=user, limits=limits or upload_limits())


def _read(content: bytes, filename: str, *, plan: Plan, user, limits: Limits) -> Upload:
    is_csv = filename.lower().endswith((".csv", ".txt"))
    problems = Problems(limits.problems)
    deadline = time.monotonic() + limits.seconds
    if len(content) > limits.upload_bytes:
        raise WorkbookError([too_large(len(content), limits)], status=413)
    try:
        with rows_of(content, is_csv, limits) as (sheet_name, raw_rows):
            checked = check_rows(sheet_name, raw_rows, plan, user, problems, limits, deadline)
    except Stop as stop:
        raise problems.error(status=stop.status, first=stop.problem) from None
    rows = _against_stored(checked, plan, sheet_name, problems)
    if problems.total:
        raise problems.error()
    if not rows:
        raise WorkbookError([Problem(sheet_name, None, None, _("the file holds no figures"))])
    return Upload(rows, channel="csv" if is_csv else "excel")


def _against_stored(
    checked: list[Checked], plan: Plan, sheet_name: str, problems: Problems
) -> list[Row]:
    """Each row with the stored figure it would change; its problems against what is stored
    (the figure's own rules, a figure that may no longer change) added to `problems`."""
    stored = figures.existing_for(
        {row.key.district_id for row in checked},
        {row.key.year for row in checked} | {row.key.year - 1 for row in checked},
    )
    thresholds = dict(
        ReportingPeriod.objects.filter(plan=plan).values_list("year", "change_note_threshold")
    )
    rows = []
    for number, key, target, district, data in checked:
        current = stored.get(key)
        if current is not None:
            current.target = target  # shown in the preview: no query per row
        previous = stored.get(figures.Key(key.target_id, key.district_id, key.year - 1))
        errors = figures.check(target, data, previous, thresholds.get(key.year))
        if refusal := _locked(current, data):
            errors["state"] = refusal
        for name, message in errors.items():
            column = column_name(COLUMN_OF_FIELD[name]) if name in COLUMN_OF_FIELD else None
            problems.add(Problem(sheet_name, number, column, message))
        version = current.version if current else figures.ABSENT
        rows.append(Row(number, figures.Entry(key, data, version), target, district, current))
    return rows


def _locked(current: Figure | None, data: figures.FigureInput) -> str | None:
    """Why the stored figure cannot take these values, when it may no longer change."""
    if current is None or current.is_editable or figures.FigureInput.of(current) == data:
        return None
    if current.is_carried:
        return figures.carried_message(current)
    return _("this figure is %(state)s and cannot change") % {"state": current.get_state_display()}


def fingerprint(upload: Upload) -> str:
    """A digest of the stored figures the upload touches, to notice changes before confirming."""
    state = sorted(
        (target, district or 0, year, version) for target, district, year, version in seen(upload)
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def seen(upload: Upload) -> list[list]:
    """Each figure the upload touches, in the file's order, and its version as the preview
    showed it (0: absent): [target, district (None: the city), year, version]."""
    return [
        [
            row.entry.key.target_id,
            row.entry.key.district_id,
            row.entry.key.year,
            row.current.version if row.current else figures.ABSENT,
        ]
        for row in upload.rows
    ]


def changed_since(previewed: list[list], *, most: int = 10) -> list[str]:
    """The figures among `previewed` (from `seen`) that are no longer as the preview showed
    them, each named by target, district and year with who changed it last, through what and
    when; the first `most`, then how many more."""
    versions = {figures.Key(t, d, y): version for t, d, y, version in previewed}
    if not versions:
        return []
    stored = figures.existing_for({k.district_id for k in versions}, {k.year for k in versions})
    changed = [
        key
        for key, version in versions.items()
        if (stored[key].version if key in stored else figures.ABSENT) != version
    ]
    lines = _changes(changed[:most], stored)
    if len(changed) > most:
        lines.append(_("… and %(more)s more") % {"more": f"{len(changed) - most:,}"})
    return lines


def _changes(keys: list[figures.Key], stored: dict[figures.Key, Figure]) -> list[str]:
    """A line for each figure: its target, district and year, and its last change."""
    codes = dict(
        Target.objects.filter(pk__in={k.target_id for k in keys}).values_list("pk", "code")
    )
    names = dict(
        District.objects.filter(pk__in={k.district_id for k in keys}).values_list("pk", "name")
    )
    last: dict[int, FigureChange] = {}
    for change in (
        FigureChange.objects.filter(figure__in=[stored[k].pk for k in keys if k in stored])
        .select_related("changed_by__role__district", "changed_by__role__department")
        .order_by("figure_id", "-changed_at", "-pk")
    ):
        last.setdefault(change.figure_id, change)
    lines = []
    for key in keys:
        name = names.get(key.district_id) if key.district_id else _("city")
        figure = f"{codes.get(key.target_id, key.target_id)} · {name} · {key.year}"
        lines.append(_change(figure, stored.get(key), last))
    return lines


def _change(figure: str, current: Figure | None, last: dict[int, FigureChange]) -> str:
    if current is None:
        return _("%(figure)s: deleted") % {"figure": figure}
    change = last.get(current.pk)
    if change is None:
        return _("%(figure)s: changed") % {"figure": figure}
    return _("%(figure)s: %(action)s by %(who)s through %(channel)s at %(when)s") % {
        "figure": figure,
        "action": change.get_action_display(),
        "who": change.who,
        "channel": change.get_channel_display(),
        "when": timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M"),
    }


def save(upload: Upload, *, user, filename: str = "") -> figures.Outcome:
    """Record a checked upload; a figure changed since it was read makes the whole save fail."""
    current = {row.entry.key: row.current for row in upload.rows if row.current is not None}
    with collector.paused():
        return figures.record(
            [row.entry for row in upload.rows],
            user=user,
            channel=upload.channel,
            current=current,
            comment=filename,
        )
