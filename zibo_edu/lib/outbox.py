"""One outbox for every side effect: a row first, a task message only as a signal.

Whatever the app does besides changing its own data (an email, a robot post, a report to render
and mail, an evaluation to build, a reminder) is a row written in the same transaction as the
change that causes it. After the commit the row's next step is signalled to the queue
(`signal`); a broker that cannot be reached is logged, never raised into the request: the row
keeps the request and the sweep signals it later.

Every step claims its row with a conditional UPDATE that must change exactly one row (`claim`),
so a retried task, a second worker, a redelivered message or a duplicate signal does nothing.

Rows can be left behind in two ways, and `sweep` (one beat task for every registered model,
`zibo_edu.tasks.sweep_outboxes`) finds both:
- held: a worker claimed the row and died (SIGKILL, out of memory, a lost machine). Past the
  model's lease the row goes back to the state its step starts from, counted in `sweeps`; after
  MAX_SWEEPS such returns it is given up (the model's failed state), so a row that kills its
  worker every time does not loop for ever.
- waiting: its signal never arrived (Redis down when it was sent, or restarted empty, a dead
  worker's prefetched message). A waiting row whose last signal (`queued_at`) is older than the
  lease, doubled for each time the sweep already had to signal it again (backoff), or that was
  never signalled, is signalled again.

Each app registers its row models in its AppConfig.ready() (`register`); this module knows no app.
On the embedded default (no Redis) signals run in-process, in one background thread
(`ZIBO_TASKS_IN_BACKGROUND`), so a request answers at once there too.
"""

import datetime
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

MAX_SWEEPS = 5  # dead-worker returns before a row is given up
MAX_BACKOFF_DOUBLINGS = 6  # a lost signal is repeated at most every 64 leases


class OutboxRow(models.Model):
    """What the sweep needs on every outbox row; the model adds its own `state` field."""

    state_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    queued_at = models.DateTimeField(
        _("queued at"),
        null=True,
        blank=True,
        help_text=_("When its next step was last signalled to the task queue (empty: never)."),
    )
    sweeps = models.PositiveSmallIntegerField(
        _("taken up by the sweep"),
        default=0,
        help_text=_("How often the sweep had to take the row back or signal it again."),
    )

    class Meta:
        abstract = True


def default_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.ZIBO_OUTBOX_LEASE)


@dataclass(frozen=True)
class Outbox:
    """How the sweep treats one row model."""

    model: type[OutboxRow]
    # waiting state → the task (taking the row's pk) that does the row's next step
    steps: dict[str, Any]
    # state while a worker holds the row → the waiting state it goes back to
    held: dict[str, str]
    failed: str  # a row given up
    error_field: str = "error"
    on_release: dict = field(default_factory=dict)  # fields reset when a held row is put back
    ready: Q = field(default_factory=Q)  # which waiting rows are signalled (default: all)
    lease: Callable[[], datetime.timedelta] = default_lease
    # In-process (no broker), how to run a step instead of the task: pk → None.
    in_process: Callable[[int], Any] | None = None


_registry: dict[type, Outbox] = {}


def register(outbox: Outbox) -> None:
    _registry[outbox.model] = outbox


def registered() -> list[Outbox]:
    return list(_registry.values())


def outbox_of(model: type) -> Outbox:
    return _registry[model]


def move(rows, state: str, **fields) -> int:
    """Every state change goes through here, so `state_since` is always right."""
    return rows.update(state=state, state_since=timezone.now(), **fields)


def claim(model: type[OutboxRow], pk: int, source, target: str, **fields):
    """Move the row from `source` (a state or a list of states) to `target` if no one else did:
    the claim (a queryset) this run alone holds, or None. Finishing through the claim changes
    nothing if the sweep took the row back meanwhile (a run slower than the lease): the run that
    claimed it since finishes instead, so nothing is done twice."""
    now = timezone.now()
    sources = [source] if isinstance(source, str) else list(source)
    rows = model.objects.filter(pk=pk, state__in=sources)
    if rows.update(state=target, state_since=now, **fields) != 1:
        return None
    return model.objects.filter(pk=pk, state=target, state_since=now)


# Signalling -------------------------------------------------------------------------------------


def signal(model: type[OutboxRow], task, pks: list[int]) -> bool:
    """Tell the queue to do these rows' next step (`task.delay(pk)`), stamping each row signalled.
    False (logged, nothing raised) when the broker cannot be reached: the sweep signals again
    whatever was not stamped."""
    pks = list(pks)
    if not pks:
        return True
    if task.app.conf.task_always_eager:
        return _in_process(model, task, pks)
    queued = []
    try:
        for pk in pks:
            task.delay(pk)
            queued.append(pk)
    except Exception as error:  # kombu, redis and the result backend raise many kinds
        log.warning(
            "task queue unavailable: %d %s left for the sweep: %r",
            len(pks) - len(queued),
            model._meta.verbose_name_plural,
            error,
        )
        return False
    finally:
        stamp(model, queued)
    return True


def stamp(model: type[OutboxRow], pks: list[int], at=None) -> None:
    if pks:
        model.objects.filter(pk__in=pks).update(queued_at=at or timezone.now())


def _in_process(model, task, pks) -> bool:
    """No broker (the embedded default, the tests): run the step here, or in the background
    thread when ZIBO_TASKS_IN_BACKGROUND (a request must not wait for a render)."""
    outbox = _registry.get(model)
    run = (outbox.in_process if outbox else None) or (lambda pk: task.delay(pk))
    stamp(model, pks)
    if settings.ZIBO_TASKS_IN_BACKGROUND:
        for pk in pks:
            _background().put((run, pk))
        return True
    for pk in pks:
        run(pk)  # in-process, a step's error is the step's own: it propagates as in the tests
    return True


_queue: queue.Queue | None = None
_queue_lock = threading.Lock()


def _background() -> queue.Queue:
    """One daemon thread working through the steps one at a time, as a worker would."""
    global _queue
    with _queue_lock:
        if _queue is None:
            _queue = queue.Queue()
            threading.Thread(target=_work, args=(_queue,), name="outbox", daemon=True).start()
    return _queue


def _work(steps: queue.Queue) -> None:
    while True:
        run, pk = steps.get()
        try:
            run(pk)
        except Exception:  # the row records the failure; the sweep or the admin takes it up
            log.exception("in-process step failed for %s", pk)
        finally:
            close_old_connections()
            steps.task_done()


def drain_background(timeout: float = 60) -> None:
    """Wait until the background thread has done every step asked (tests, the demo)."""
    if _queue is not None:
        done = threading.Event()
        threading.Thread(target=lambda: (_queue.join(), done.set()), daemon=True).start()
        done.wait(timeout)


# The sweep --------------------------------------------------------------------------------------


@dataclass
class Swept:
    released: int = 0  # rows a dead worker held, put back
    given_up: int = 0  # rows a worker died on MAX_SWEEPS times
    due: dict[str, list[int]] = field(default_factory=dict)  # waiting state → rows to signal


def find(outbox: Outbox, now=None) -> Swept:
    """Put back what dead workers held (or give it up) and name the rows to signal (again)."""
    now = now or timezone.now()
    lease = outbox.lease()
    rows = outbox.model.objects
    swept = Swept()
    with transaction.atomic():
        for held, back in outbox.held.items():
            stale = rows.filter(state=held, state_since__lt=now - lease)
            swept.given_up += move(
                stale.filter(sweeps__gte=MAX_SWEEPS),
                outbox.failed,
                **{outbox.error_field: f"a worker died on it {MAX_SWEEPS} times; given up"},
            )
            # queued_at emptied: the dead worker's message is gone, signal it at once
            swept.released += move(
                stale, back, sweeps=F("sweeps") + 1, queued_at=None, **outbox.on_release
            )
    if swept.released or swept.given_up:
        log.warning(
            "sweep: %d %s held by a dead worker put back, %d given up",
            swept.released,
            outbox.model._meta.verbose_name_plural,
            swept.given_up,
        )
    for state in outbox.steps:
        waiting = rows.filter(outbox.ready, state=state).values_list("pk", "queued_at", "sweeps")
        swept.due[state] = [
            pk
            for pk, queued_at, sweeps in waiting
            if queued_at is None
            or queued_at < now - lease * 2 ** min(sweeps, MAX_BACKOFF_DOUBLINGS)
        ]
    return swept


def sweep(outbox: Outbox, now=None) -> Swept:
    """`find`, then signal; a row signalled again (not for the first time) counts a sweep."""
    swept = find(outbox, now)
    for state, pks in swept.due.items():
        again = list(
            outbox.model.objects.filter(pk__in=pks, queued_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        outbox.model.objects.filter(pk__in=again).update(sweeps=F("sweeps") + 1)
        signal(outbox.model, outbox.steps[state], pks)
    return swept


def sweep_all(now=None) -> dict[str, dict]:
    """Every registered model's sweep (the beat task)."""
    report = {}
    for outbox in registered():
        swept = sweep(outbox, now)
        report[outbox.model._meta.label] = {
            "released": swept.released,
            "given_up": swept.given_up,
            "signalled": sum(len(pks) for pks in swept.due.values()),
        }
    return report


def stuck(outbox: Outbox, now=None) -> Q:
    """Rows held past the lease (a dead worker's) or waiting with no signal for that long: what
    the admin's "send again" may take up at once instead of waiting for the sweep."""
    cutoff = (now or timezone.now()) - outbox.lease()
    return Q(state__in=list(outbox.held), state_since__lt=cutoff) | Q(
        Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff), state__in=list(outbox.steps)
    )
