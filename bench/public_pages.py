"""Anonymous visitors on the public pages (政务公开) against gunicorn on loopback, on PostgreSQL:
req/s, p50 and p99 in two modes, at 200 clients by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/public_pages.py [--clients 200] [--seconds 30] \\
        [--workers 3] [--threads 4] [--mode both|closed|open] [--no-prepare]

- closed loop: `wrk` (Debian's package `wrk`; apt-get install wrk), written in C so the client
  costs little of the cores the server needs; 200 keep-alive connections, each sending its next
  request as soon as the last is answered: the most the server can answer, and how long 200
  clients wait when they never pause.
- open loop: 200 visitors, each reading a page every second (200 requests a second in all, at
  fixed times whatever the answers' speed), from one asyncio process with raw sockets; a
  request's time counts from when it was due, so a slow server is not hidden by a client that
  waits for it. What 200 concurrent readers of a government site do.

Prepares the database named (it must exist; it is emptied: the plan and the demo data, which
publish Zibo's plan), starts gunicorn on 127.0.0.1 with the pages' rate limit off (every client
here is one address, 127.0.0.1) and `DATABASE_CONN_MAX_AGE=60`, asks each page a few times so
that each worker keeps it (zibo_edu.lib.front), then the plan, a target, a district and the
plan's data.json in turn. Prints the figures and the machine's load; asserts nothing.
"""

import argparse
import asyncio
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import _free_port, percentile

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


def in_process(rounds: int = 2000) -> None:
    """CPU per answer in this process, without sockets: a bare WSGI app (the floor), a page kept
    in front of Django (zibo_edu.lib.front), and the same page through Django's whole stack from
    Django's cache (what every request cost before the front)."""
    os.environ["ZIBO_PUBLIC_RATE_PER_MINUTE"] = "0"
    from django.conf import settings

    settings.ZIBO_PUBLIC_RATE_PER_MINUTE = 0
    from zibo_edu.wsgi import application

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": PLAN, "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
               "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
               "SERVER_PROTOCOL": "HTTP/1.1"}  # fmt: skip

    def bare(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    def noop(status, headers, exc_info=None):
        return None

    def per_call(app) -> float:
        for _ in range(20):
            b"".join(app(dict(environ), noop))
        began = time.perf_counter()
        for _ in range(rounds):
            b"".join(app(dict(environ), noop))
        return (time.perf_counter() - began) / rounds * 1e6

    floor = per_call(bare)
    front = per_call(application)
    django = per_call(application.app)
    print(f"in process, {PLAN}: bare WSGI {floor:.0f} µs, kept in front {front:.0f} µs "
          f"({front / floor:.1f}x), Django from its cache {django:.0f} µs ({django / floor:.0f}x;"
          f" {django / front:.0f}x the front)")  # fmt: skip


def start(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "zibo_edu.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", "60", "--log-level", "warning",
               "--backlog", "2048"]  # fmt: skip
    if threads > 1:  # gthread: keep-alive connections, a thread per request being answered
        command += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5"]
    env = {**os.environ, "DEBUG": "false", "ZIBO_PUBLIC_RATE_PER_MINUTE": "0",
           "DATABASE_CONN_MAX_AGE": "60"}  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(150):
        if server.poll() is not None:
            sys.exit("gunicorn did not start")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{PLAN}", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.send_signal(signal.SIGTERM)
    sys.exit("gunicorn did not answer")


WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
response = function(status, headers, body)
  if status ~= 200 or headers["Set-Cookie"] then wrk.thread:set("bad", 1) end
end
"""


def closed_loop(base: str, clients: int, seconds: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("the closed loop needs wrk: apt-get install wrk")
    script = Path(f"/tmp/public_pages_{os.getpid()}.lua")
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in PAGES.values()))
    command = [wrk, "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(script), base]  # fmt: skip
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink(missing_ok=True)

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(found[1]), found[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout) (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"Socket errors: .*?(\d+)", out))
    return {
        "req/s": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": errors,
        "raw": out,
    }


async def _visitor(port: int, start: float, end: float, offset: float, times: list, bad: list):
    """One reader: a page every second, due at start + offset + k seconds, on a keep-alive
    connection (opened again when the server closes it)."""
    reader = writer = None
    paths = list(PAGES.values())
    k = 0
    while (due := start + offset + k) < end:
        path = paths[(k + int(offset * 1000)) % len(paths)]
        k += 1
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head)[1])
            await asyncio.wait_for(reader.readexactly(length), 10)
            times.append(time.perf_counter() - due)
            if not head.startswith(b"HTTP/1.1 200") or b"set-cookie" in head.lower():
                bad.append(path)
            if re.search(rb"(?i)connection:\s*close", head):
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, TypeError):
            bad.append(path)
            times.append(time.perf_counter() - due)
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def open_loop(port: int, clients: int, seconds: int) -> dict:
    times: list[float] = []
    bad: list[str] = []

    async def run() -> float:
        start = time.perf_counter() + 0.5
        end = start + seconds
        offsets = [random.random() for _ in range(clients)]
        await asyncio.gather(*(_visitor(port, start, end, o, times, bad) for o in offsets))
        return time.perf_counter() - start

    elapsed = asyncio.run(run())
    return {
        "req/s": len(times) / elapsed,
        "p50": percentile(times, 0.5) * 1000,
        "p99": percentile(times, 0.99) * 1000,
        "errors": len(bad),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help=">1: gthread workers; 1: sync")
    parser.add_argument("--mode", choices=["both", "closed", "open"], default="both")
    parser.add_argument("--no-prepare", action="store_true", help="the database is ready")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)
    os.environ["DEBUG"] = "false"  # as the server runs: no query log, kept connections
    os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    if not args.no_prepare:
        prepare()
    else:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")
        import django

        django.setup()
    in_process()
    port = _free_port()
    server = start(port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for path in PAGES.values():  # each worker keeps each page (a few requests each)
            for _ in range(args.workers * args.threads * 4):
                urllib.request.urlopen(base + path, timeout=60).read()
        if args.mode in ("both", "closed"):
            results["closed loop (wrk)"] = closed_loop(base, args.clients, args.seconds)
        if args.mode in ("both", "open"):
            results["open loop, 1/s each"] = open_loop(port, args.clients, args.seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    kind = f"gthread x{args.threads}" if args.threads > 1 else "sync"
    print(f"{args.clients} clients, {args.seconds} s, gunicorn {args.workers} workers ({kind}),"
          f" load average before/after: {LOAD_BEFORE} / {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'mode':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name, r in results.items():
        print(f"{name:<22} {r['req/s']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6}")


LOAD_BEFORE = f"{os.getloadavg()[0]:.1f}"

if __name__ == "__main__":
    main()
