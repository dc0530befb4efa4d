"""Concurrent signed-in users against gunicorn on loopback: req/s, p50 and p99 per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 3]

Prepares the database named (it must exist; it is emptied: the plan, the demo data, the stored
standings, and the load users: district staff, department heads and city admins, signed in like
anyone through the login form, with django-axes and the CSP on), starts gunicorn on 127.0.0.1,
then each user, in its own thread, requests the city overview, the heat map, an entry page and
the progress API in turn until the time is up. `--url http://127.0.0.1:PORT` uses a server
already running on this machine instead (prepared with `--prepare-only`). Only loopback
addresses are accepted. Bounded: `--seconds` of load and at most `--most` requests. Prints the
figures; asserts nothing.
"""

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password-2026"
YEAR = 2025
PAGES = {
    "overview": f"/progress/?year={YEAR}",
    "heat map": f"/progress/heatmap/?year={YEAR}",
    "entry page": "/entry/{district}/" + str(YEAR) + "/",
    "progress API": f"/api/progress/?year={YEAR}",
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def prepare(users: int) -> list[tuple[str, str]]:
    """The plan, demo figures and standings, and `users` accounts: (username, district slug)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("run it on PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("refresh_standings", verbosity=0)

    from django.contrib.auth.hashers import make_password

    from departments.models import Department, District, Role
    from plans.models import Plan

    plan = Plan.objects.default()
    districts = list(District.objects.filter(city=plan.city).order_by("order", "pk"))
    heads = list(
        Department.objects.filter(assignments__position=0, assignments__task__part__plan=plan)
        .distinct()
        .order_by("pk")
    )
    password = make_password(PASSWORD)
    accounts = []
    for n in range(users):
        username = f"load-{n:03d}"
        user = User.objects.create(username=username, password=password)
        district = districts[n % len(districts)]
        if n % 5 == 4:  # one in five: a department head, one in ten of those the city admin
            if n % 50 == 49:
                Role.objects.create(user=user, kind=Role.Kind.CITY_ADMIN)
            else:
                head = Role.Kind.DEPARTMENT_HEAD
                Role.objects.create(user=user, kind=head, department=heads[n % len(heads)])
        else:
            Role.objects.create(user=user, kind=Role.Kind.DISTRICT_STAFF, district=district)
        enters = n % 5 != 4 or n % 50 == 49
        accounts.append((username, district.slug if enters else ""))
    return accounts


class Session:
    """One signed-in user: a cookie jar, signed in through the login form."""

    def __init__(self, base: str, username: str, district: str):
        self.base, self.district = base, district
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )
        page = self.opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=form)
        request.add_header("Referer", f"{base}/accounts/login/")
        try:
            self.opener.open(request, timeout=30)
            raise RuntimeError(f"{username} was not signed in (no redirect after the login)")
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise RuntimeError(f"{username}: login answered {redirect.code}") from None

    def get(self, path: str) -> int:
        try:
            with self.opener.open(self.base + path.format(district=self.district), timeout=30) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def drive(sessions, seconds: float, most: int) -> tuple[dict, dict, float]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds
    sent = [0]

    def user(session: Session, offset: int) -> None:
        # Department heads have no entry page (they read, they do not enter).
        names = [name for name in PAGES if session.district or name != "entry page"]
        n = offset
        while time.perf_counter() < deadline:
            with lock:
                if sent[0] >= most:
                    return
                sent[0] += 1
            name = names[n % len(names)]
            n += 1
            began = time.perf_counter()
            try:
                status = session.get(PAGES[name])
            except OSError:
                status = 0
            took = time.perf_counter() - began
            with lock:
                times[name].append(took)
                if status != 200:
                    errors[name] += 1

    threads = [threading.Thread(target=user, args=(s, i)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return times, errors, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(times, errors, elapsed: float, users: int, workers) -> None:
    total = sum(len(v) for v in times.values())
    print(f"{users} users, {elapsed:.1f} s, gunicorn workers: {workers}")
    print(f"{'page':<14} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name in PAGES:
        values = times.get(name, [])
        print(
            f"{name:<14} {len(values):>8} {len(values) / elapsed:>7.1f} "
            f"{percentile(values, 0.5) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f} "
            f"{errors.get(name, 0):>6}"
        )
    every = [t for v in times.values() for t in v]
    print(
        f"{'all':<14} {total:>8} {total / elapsed:>7.1f} {percentile(every, 0.5) * 1000:>8.0f} "
        f"{percentile(every, 0.99) * 1000:>8.0f} {sum(errors.values()):>6}"
    )


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "zibo_edu.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DEBUG": "false"},
    )  # fmt: skip
    for _ in range(100):
        if server.poll() is not None:
            sys.exit(f"gunicorn did not start on 127.0.0.1:{port}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
    server.send_signal(signal.SIGTERM)
    sys.exit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--most", type=int, default=100_000, help="requests at most")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--url", help="a running server on loopback (prepared already)")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 600)
    if args.url and urllib.parse.urlsplit(args.url).hostname not in LOOPBACK:
        sys.exit("only a server on this machine (127.0.0.1)")
    if args.url:
        accounts = _existing_accounts(args.users)
    else:
        accounts = prepare(args.users)
    if args.prepare_only:
        return
    port = args.port or _free_port()
    server = None if args.url else start_gunicorn(port, args.workers)
    base = args.url.rstrip("/") if args.url else f"http://127.0.0.1:{port}"
    try:
        sessions = [Session(base, username, slug) for username, slug in accounts]
        times, errors, elapsed = drive(sessions, args.seconds, args.most)
        report(times, errors, elapsed, len(sessions), "running" if args.url else args.workers)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def _free_port() -> int:
    """A port nobody listens on (another server on a fixed port would answer in our stead)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _existing_accounts(users: int) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")
    import django

    django.setup()
    from departments.models import District, Role

    first = District.objects.order_by("order", "pk").first()
    roles = Role.objects.filter(user__username__startswith="load-").select_related("user")
    return [
        (r.user.username, "" if r.department_id else (r.district or first).slug)
        for r in roles.order_by("user__username")[:users]
    ]


if __name__ == "__main__":
    main()
