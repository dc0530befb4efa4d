"""Anonymous visitors on the public pages (政务公开) against gunicorn on loopback: req/s, p50 and
p99 per page, at 200 concurrent clients by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/public_pages.py [--clients 200] [--seconds 30] [--workers 3]

Prepares the database named (it must exist; it is emptied: the plan and the demo data, which
publish Zibo's plan), starts gunicorn on 127.0.0.1 with the pages' rate limit off (every client
here is one address, 127.0.0.1), then each client, in its own thread and without cookies, asks
for the plan, a target, a district and the plan's data.json in turn until the time is up. The
first request of each page in each worker makes it; the rest come from the cache. Prints the
figures; asserts nothing.
"""

import argparse
import os
import signal
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import _free_port, percentile, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
PLAN = "/public/zibo-2021-2025/"
PAGES = {
    "plan": PLAN,
    "target": f"{PLAN}targets/student-fitness-good-rate/",
    "district": f"{PLAN}districts/zhangdian/",
    "data.json": f"{PLAN}data.json",
}


def prepare() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("run it on PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)


def drive(base: str, clients: int, seconds: float) -> tuple[dict, dict, float]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds
    names = list(PAGES)

    def client(offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline:
            name = names[n % len(names)]
            n += 1
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(base + PAGES[name], timeout=30) as response:
                    response.read()
                    ok = response.status == 200 and "Set-Cookie" not in response.headers
            except OSError:
                ok = False
            took = time.perf_counter() - began
            with lock:
                times[name].append(took)
                if not ok:
                    errors[name] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return times, errors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()
    prepare()
    os.environ["ZIBO_PUBLIC_RATE_PER_MINUTE"] = "0"  # one address for every client
    port = _free_port()
    server = start_gunicorn(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        for path in PAGES.values():  # warm: each worker's cache (a few requests each)
            for _ in range(args.workers * 2):
                urllib.request.urlopen(base + path, timeout=60).read()
        times, errors, elapsed = drive(base, args.clients, min(args.seconds, 600))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    every = [t for v in times.values() for t in v]
    print(f"{args.clients} anonymous clients, {elapsed:.1f} s, gunicorn workers: {args.workers}")
    print(f"{'page':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name, values in [*((n, times.get(n, [])) for n in PAGES), ("all", every)]:
        failed = sum(errors.values()) if name == "all" else errors.get(name, 0)
        print(
            f"{name:<10} {len(values):>8} {len(values) / elapsed:>7.1f} "
            f"{percentile(values, 0.5) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f} "
            f"{failed:>6}"
        )


if __name__ == "__main__":
    main()
