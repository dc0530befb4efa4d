"""The monthly batch of a province, by real Celery workers: with 1, then 2 worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/monthly_batch.py [cities] [districts] [targets]   (default 16 9 50)

Makes the province of bench/province.py (`cities` made-up cities of `districts` districts, two
plans of `targets` targets each, figures and standings; Zibo's plan is loaded beside them, as in
every bench), a report recipient for every district and for the city report, then for each
worker count: starts `celery -A zibo_edu worker --pool=prefork --concurrency=N` and waits until
it answers a ping, queues the beat's task `send_monthly_reports` for last month as the beat does,
and times the wall clock from the queueing until every report of the month is `sent` in the
database (each report its own render task, WeasyPrint, then its own mail task). Mail goes to
files in a temporary folder (Django's file-based backend, never SMTP). Prints both times, the
reports and mails counted, and the ratio (target: 2 workers at least 1.8x faster than 1).

Needs PostgreSQL and Redis: the database DATABASE_URL names is emptied, and so is the Redis
database REDIS_URL names (give it a number of its own). Asserts nothing. A run takes a few
minutes at the default size; smaller arguments make a quicker one.
"""

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
    sys.exit("monthly_batch.py needs DATABASE_URL (PostgreSQL) and REDIS_URL (a Redis database)")

MAIL = Path(tempfile.mkdtemp(prefix="zibo-batch-mail-"))
# Set before Django reads its settings, and inherited by the workers: mail to files only.
os.environ.pop("EMAIL_HOST", None)
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
os.environ["EMAIL_FILE_PATH"] = str(MAIL)

from _province import build  # noqa: E402
from _setup import ROOT, django_with_plan  # noqa: E402

django_with_plan()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from departments.models import City, District  # noqa: E402
from plans.models import Plan  # noqa: E402
from reports import delivery  # noqa: E402
from reports.models import Recipient, Report  # noqa: E402
from reports.tasks import previous_month, send_monthly_reports  # noqa: E402
from zibo_edu.celery import app  # noqa: E402

CITIES, DISTRICTS, TARGETS = (
    int(a) for a in (sys.argv[1:] + ["16", "9", "50"][len(sys.argv) - 1 :])[:3]
)
HOSTNAME = "bench-monthly-batch@%h"
LONGEST = 3600  # seconds: a run that takes longer is reported as unfinished


def recipients() -> int:
    """One recipient per district of a city with a plan, and one per city for its city report.
    The cities' earlier plans (2016–2020) are closed, as a bureau closes a plan once evaluated:
    the month's reports speak of each city's current plan."""
    Plan.objects.filter(end_year__lt=2021).update(closed_on=datetime.date(2021, 12, 31))
    districts = District.objects.filter(city__plans__isnull=False).select_related("city").distinct()
    rows = [
        Recipient(district=d, city=d.city, name=d.name, email=f"d{d.pk}@bench.invalid")
        for d in districts
    ]
    for city in City.objects.filter(plans__isnull=False).distinct():
        rows.append(
            Recipient(city=city, name=f"{city.name}教育局", email=f"c{city.pk}@bench.invalid")
        )
    Recipient.objects.bulk_create(rows)
    return len(rows)


def expected_reports(month) -> int:
    """A report per district and one for the city, for every plan the month's reports speak of."""
    return sum(
        District.objects.filter(city=plan.city_id).count() + 1
        for plan in delivery.reported_plans(month)
    )


def start_worker(concurrency: int, log: Path) -> subprocess.Popen:
    """A worker of its own process group (stopped by its pid), once it answers a ping."""
    command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "zibo_edu", "worker",
               "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=WARNING",
               "--without-gossip", "--without-mingle", f"--hostname={HOSTNAME}"]  # fmt: skip
    worker = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"the worker stopped at start-up; see {log}")
        if app.control.ping(timeout=1.0):
            return worker
    stop(worker)
    sys.exit(f"the worker did not answer within 2 minutes; see {log}")


def stop(worker: subprocess.Popen) -> None:
    """Warm shutdown (its tasks are done by now), then kill what is left of its group."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def run(concurrency: int, month, expected: int) -> tuple[float, int, int]:
    """Seconds from queueing the batch to its last report sent; reports sent; mails written."""
    Report.objects.all().delete()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no message left from a previous run
    for mail in MAIL.iterdir():
        mail.unlink()
    log = Path(tempfile.mkstemp(prefix=f"zibo-batch-worker{concurrency}-", suffix=".log")[1])
    worker = start_worker(concurrency, log)
    try:
        start = time.perf_counter()
        send_monthly_reports.delay(month.isoformat())
        sent = 0
        while time.perf_counter() - start < LONGEST:
            states = dict(
                Report.objects.filter(month=month).values_list("state").annotate(n=Count("pk"))
            )
            sent = states.get(Report.State.SENT, 0)
            if sent >= expected or states.get(Report.State.FAILED):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        stop(worker)
        connection.close()
    if sent < expected:
        print(f"  {concurrency} worker(s): {sent} of {expected} sent; states {states}; see {log}")
    return elapsed, sent, mails()


def mails() -> int:
    """Messages written: the file-based backend ends each with a line of 79 dashes, and two
    messages may share a file."""
    return sum(f.read_bytes().count(b"\n" + b"-" * 79 + b"\n") for f in MAIL.iterdir())


def main() -> None:
    started = time.perf_counter()
    build(CITIES, DISTRICTS, TARGETS)
    count = recipients()
    month = previous_month(timezone.localdate())
    expected = expected_reports(month)
    print(f"{CITIES} cities × {DISTRICTS} districts × {TARGETS} targets (and Zibo's plan), "
          f"{count} recipients, built in {time.perf_counter() - started:.0f} s; "
          f"batch of {month:%Y-%m}: {expected} reports")  # fmt: skip
    times = {}
    for concurrency in (1, 2):
        elapsed, sent, mails = run(concurrency, month, expected)
        times[concurrency] = elapsed
        print(f"{concurrency} worker process(es): {elapsed:6.1f} s, "
              f"{sent} reports sent, {mails} mails written")  # fmt: skip
    print(f"2 workers against 1: {times[1] / times[2]:.2f}x faster (target at least 1.8x)")


if __name__ == "__main__":
    main()
