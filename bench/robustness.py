"""Tried as an attacker and as colleagues working at once would, against gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/robustness.py [--fuzz 2000] [--writers 20] [--runs 3]

Prepares the database named (it must exist; it is emptied: the plan, the demo figures and the
bench's own accounts), starts gunicorn on 127.0.0.1 (DEBUG off, 2 workers, an access log), then:

1. **Fuzz.** `schemathesis run` against the app's own /api/openapi.json (signed in with Basic),
   then `--fuzz` requests of hostile query strings and form fields on every page a district's
   staff and the city admin use (the values the attack report named: ², %00, NaN, 1e999, huge
   numbers, lone surrogates, long strings, wrong exports…). Counted from gunicorn's access log:
   requests and 5xx answers.
2. **Hostile uploads.** Every file of the broken-files corpus (tests/targets/broken_files.py)
   and the large ones of the attack report, uploaded through the form: answer, time, and the
   worker's resident memory above its level before the upload (sampled every 5 ms).
3. **Hostile evidence files.** Files whose content is not what their name says (an executable
   named .pdf, HTML named .png), zip bombs and broken zips named .docx, a 300-character name, an
   oversized file, names with `../`, NUL or line breaks, posted as a co-operating department's
   ledger contribution: answers, and whether anything refused was stored.
4. **API tokens.** `--tokens` API requests with hostile `Authorization` headers (a read-write, a
   read-only, a revoked token; none, empty, huge, NUL, non-ASCII, lower-case `bearer`, Basic
   and Bearer at once…) on every API endpoint, GET and POST with hostile bodies; then
   schemathesis again, authenticated by a read-write Bearer token. Answers by status.
5. **Concurrent writers.** `--writers` signed-in colleagues of one district race to create the
   same new figure through the API (half sending version 0, half no version), then each reads
   and changes it `--changes` times, sending the version read. Per run: acknowledged writes
   (200/201) against the stored value, version and audit rows, and the 409s and 5xx.
Only loopback; bounded in requests and time. Prints the figures; asserts nothing.
"""

import argparse
import base64
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, Session, _free_port, prepare, start_gunicorn

PASSWORD = "load-test-password-2026"  # the one load.Session signs in with
HOSTILE = [
    "²", "%00", "\x00", "NaN", "nan", "Infinity", "-1", "0", "1e999", "1e14",
    "99999999999999999999", "abc", "", " ", "'", '"', "<script>", "\ud800", "../../etc/passwd",
    "x" * 5000, "2025.5",
    "٢٠٢٥", "2025", "１２", "true", "[]", "{}", "xls", "ods", "csv", "xlsx", "-2025", "0x10",
]  # fmt: skip
PARAMS = ["year", "page", "plan", "target", "district", "chapter", "state", "_export", "sort",
          "figure", "change", "as_of", "department", "status", "q", "per_page"]  # fmt: skip
PAGES = [
    "/", "/plans/", "/targets/", "/entry/", "/entry/{district}/2025/", "/review/",
    "/completeness/", "/completeness/2025/", "/progress/", "/progress/heatmap/",
    "/progress/districts/{district}/", "/reports/", "/import/", "/api/figures/",
    "/api/targets/", "/api/progress/", "/api/plan/", "/api/districts/", "/ledger/",
    "/notices/", "/province/", "/evaluation/",
]  # fmt: skip
FORMS = ["/entry/{district}/2025/", "/review/", "/import/"]


def accounts(writers: int):
    """The bench's own accounts: `writers` staff of 文昌湖区 and a city admin."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from departments.models import District, Role

    district = District.objects.get(slug="wenchanghu")
    password = make_password(PASSWORD)
    staff = []
    for n in range(writers):
        user = User.objects.create(username=f"robust-{n:02d}", password=password)
        Role.objects.create(user=user, kind=Role.Kind.DISTRICT_STAFF, district=district)
        staff.append(user.username)
    admin = User.objects.create(username="robust-admin", password=password)
    Role.objects.create(user=admin, kind=Role.Kind.CITY_ADMIN)
    return district, staff, admin.username


class Browser(Session):
    """A signed-in session that can also POST forms and JSON with its CSRF token."""

    def token(self) -> str:
        return next((c.value for c in self._cookies() if c.name == "csrftoken"), "")

    def _cookies(self):
        for handler in self.opener.handlers:
            if isinstance(handler, urllib.request.HTTPCookieProcessor):
                return list(handler.cookiejar)
        return []

    def send(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-CSRFToken", self.token())
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""

    def fetch(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""

    def form(self, path: str, fields: list[tuple[str, str]]) -> int:
        data = urllib.parse.urlencode([*fields, ("csrfmiddlewaretoken", self.token())]).encode()
        return self.send(path, data, "application/x-www-form-urlencoded")[0]


def access_log_counts(log: Path, since: int) -> tuple[int, int, int]:
    """(requests, 5xx) logged after byte `since`, and the log's size now."""
    text = log.read_bytes()
    lines = text[since:].decode(errors="replace").splitlines()
    statuses = [int(m.group(1)) for line in lines if (m := re.search(r'" (\d{3}) ', line))]
    return len(statuses), sum(1 for s in statuses if s >= 500), len(text)


def fuzz_schema(base: str, user: str, examples: int) -> str:
    credentials = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
    command = [str(ROOT / ".venv/bin/schemathesis"), "run", f"{base}/api/openapi.json",
               "--header", f"Authorization: Basic {credentials}", "--checks", "not_a_server_error",
               "--max-examples", str(examples), "--suppress-health-check", "all",
               "--request-timeout", "60"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    tail = [line for line in done.stdout.splitlines() if line.strip()][-3:]
    return " / ".join(line.strip() for line in tail)


def fuzz_pages(browsers: list[Browser], count: int, district: str, seed: int = 7) -> Counter:
    rng = random.Random(seed)
    seen: Counter = Counter()
    for n in range(count):
        browser = browsers[n % len(browsers)]
        params = {rng.choice(PARAMS): rng.choice(HOSTILE) for _ in range(rng.randint(1, 3))}
        if n % 4 == 3:  # a form posted with hostile fields
            path = rng.choice(FORMS).format(district=district)
            fields = [(k, v) for k, v in params.items()]
            fields += [(rng.choice(["action", "ids", "value", "numerator", "note", "file"]),
                        rng.choice(HOSTILE)) for _ in range(3)]  # fmt: skip
            status = browser.form(path, [(k, v.encode("utf-8", "surrogatepass").decode("utf-8",
                                  "replace")) for k, v in fields])  # fmt: skip
        else:
            path = rng.choice(PAGES).format(district=district)
            query = "&".join(
                f"{k}={urllib.parse.quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
                for k, v in params.items()
            )
            status, _body = browser.fetch(f"{path}?{query}")
        seen[status // 100 * 100 if status else 0] += 1
    return seen


def free_cell(district_id: int):
    """A target the district reports, as a whole-number value, with no 2025 figure yet."""
    from targets.models import Figure, Target

    taken = Figure.objects.filter(district_id=district_id, year=2025).values("target")
    for target in Target.objects.exclude(pk__in=taken).order_by("pk"):
        if target.kind in ("count", "district_minimum") and target.reported_by == "districts":
            return target
    raise SystemExit("no free figure left for the writers")


def race(base: str, staff: list[str], district, changes: int, run: int) -> dict:
    from targets.models import Figure, FigureChange

    target = free_cell(district.pk)
    writers = [Browser(base, name, district.slug) for name in staff]
    barrier = threading.Barrier(len(writers))
    acks, refused, errors, lock = [], Counter(), Counter(), threading.Lock()

    def post(browser: Browser, value: int, version: int | None) -> None:
        figure = {"target": target.code, "district": district.slug, "year": 2025}
        sent = {**figure, "value": value, "note": f"run {run}"}
        body = json.dumps(sent if version is None else {**sent, "version": version})
        status, answer = browser.send("/api/figures/", body.encode(), "application/json")
        with lock:
            if status in (200, 201):
                data = json.loads(answer)
                acks.append((data["version"], data["value"], status))
            elif status >= 500 or status == 0:
                errors[status] += 1
            else:
                refused[status] += 1

    def writer(n: int, browser: Browser) -> None:
        barrier.wait()
        post(browser, 100 + n, 0 if n % 2 else None)  # all create one new figure at once
        for k in range(changes):
            status, answer = browser.fetch(
                f"/api/figures/?district={district.slug}&year=2025&target="
                + urllib.parse.quote(target.code)
            )
            found = json.loads(answer)["figures"] if status == 200 else []
            post(browser, 1000 * (n + 1) + k, found[0]["version"] if found else 0)

    threads = [threading.Thread(target=writer, args=(n, b)) for n, b in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    stored = list(Figure.objects.filter(target=target, district=district, year=2025))
    last = max(acks) if acks else None
    audit = FigureChange.objects.filter(figure__in=stored).count()
    return {
        "target": target.code,
        "acknowledged": len(acks),
        "created (201)": sum(1 for a in acks if a[2] == 201),
        "refused": dict(refused),
        "5xx or dropped": dict(errors),
        "rows stored": len(stored),
        "stored = last acknowledged": bool(
            stored and last and stored[0].version == last[0] and stored[0].value == last[1]
        ),
        "audit rows": audit,
        "audit rows = acknowledged writes": audit == len(acks),
    }


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample(pids: list[int], peak: dict, done: threading.Event) -> None:
    while not done.is_set():
        for pid in pids:
            peak[pid] = max(peak[pid], rss_kb(pid))
        time.sleep(0.005)


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()  # fmt: skip
    return (
        head + content + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def uploads(browser: Browser, master: int) -> list[tuple]:
    from tests.targets import broken_files

    good = [
        ["文昌湖区", 2025, *broken_files.GOOD_ROW[2:]]
    ]  # a figure the bench's district still owes
    files = [
        ("10 MB CSV, 1.3 M bad rows", "bad.csv", broken_files.many_short_bad_rows_csv()),
        ("xlsx, 300 MB of whitespace", "bomb.xlsx", broken_files.whitespace_bomb(300)),
        ("xlsx, 100,000 bad rows", "rows.xlsx", broken_files.many_rows_xlsx(100_000)),
        ("xlsx, entity bomb", "entities.xlsx", broken_files.entity_bomb()),
        ("xlsx, corrupted zip member", "crc.xlsx",
         broken_files.corrupt_member(broken_files.xlsx())),
        ("xlsx, ./worksheets/ relation", "dot.xlsx", broken_files.dot_relative_sheet()),
        ("CSV in UTF-16 (Unicode text)", "utf16.txt", broken_files.utf16_unicode_text(good)),
        ("CSV, CR-only line ends", "cr.csv",
         broken_files.csv_text(good).replace("\n", "\r").encode()),
        ("CSV, a 200,000-character field", "long.csv",
         broken_files.csv_text([["张店区", 2024, "x" * 200_000]]).encode()),
        ("bytes 0x80…", "bytes.csv", bytes(range(128, 256)) * 100),
    ]  # fmt: skip
    results = []
    for label, name, content in files:
        body, content_type = multipart(name, content)
        pids = worker_pids(master)
        before = {pid: rss_kb(pid) for pid in pids}
        peak = dict(before)
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(pids, peak, done))
        sampler.start()
        started = time.perf_counter()
        status, answer = browser.send("/import/", body, content_type)
        took = time.perf_counter() - started
        done.set()
        sampler.join()
        grown = max((peak[p] - before[p] for p in pids), default=0)
        results.append((label, len(content), status, took, grown / 1024, len(answer)))
    return results


def ledger_account(password_hash: str):
    """A head of 市体育局, which co-operates on 二(一)4, and an open round: (username, url)."""
    from django.contrib.auth.models import User

    from departments.models import Department, Role
    from ledger import ledger
    from plans.models import Plan, Task

    plan = Plan.objects.default()
    admin = User.objects.get(username="robust-admin")
    ledger.ensure_default_rounds(plan)
    final = plan.rounds.get(code="2025H2")
    ledger.open_round(final, admin)
    task = Task.objects.get(part__plan=plan, code="二(一)4")
    head = User.objects.create(username="robust-sports", password=password_hash)
    department = Department.objects.get(city=plan.city, name="市体育局")
    Role.objects.create(user=head, kind=Role.Kind.DEPARTMENT_HEAD, department=department)
    url = f"/ledger/rounds/{final.pk}/tasks/{task.pk}/contribution/"
    return head.username, url, ledger.contribution_for(final, task, department)


def _zip(members: list[tuple[str, bytes]], compression: int = 8) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def _bomb(inflated: int) -> bytes:
    """A docx whose document inflates to `inflated` zero bytes, written in chunks."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def evidence_files() -> list[tuple[str, str, bytes, bool]]:
    """(label, file name, content, should be kept)."""
    mz = b"MZ\x90\x00" + bytes(range(256)) * 40
    docx = _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")])
    many = _zip([("[Content_Types].xml", b"<Types/>")] + [(f"m/{n}", b"") for n in range(60_000)])
    return [
        ("PDF (kept)", "总结.pdf", b"%PDF-1.4\n" + b"x" * 1000, True),
        ("docx (kept)", "总结.docx", docx, True),
        ("300-character name (kept)", "很长" * 148 + ".pdf", b"%PDF-1.7", True),
        ("executable named .pdf", "report.pdf", mz, False),
        ("HTML named .png", "evidence.png", b"<html><script>alert(1)</script>", False),
        ("SVG named .jpg", "a.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", False),
        ("docx zip bomb (1 GB inflated)", "bomb.docx",
         _bomb(2**30),
         True),
        ("docx, 60,000 members", "many.docx", many, True),
        ("docx, truncated zip", "cut.docx", docx[: len(docx) // 2], False),
        ("docx without [Content_Types].xml", "plain.docx", _zip([("a.exe", mz)]), False),
        ("19 MB text, bad UTF-8 at the end", "big.txt", b"a" * (19 * 2**20) + b"\xff", False),
        ("25 MB PDF (over the limit)", "big.pdf", b"%PDF" + b"x" * (25 * 2**20), False),
        ("name ../../etc/passwd.pdf", "../../etc/passwd.pdf", b"%PDF-1.4", True),
        ("name with NUL", "a\x00.pdf", b"%PDF-1.4", True),
        ("name without extension", "README", b"hello", False),
        ("name .pdf only", ".pdf", b"%PDF-1.4", True),
        ("empty file .pdf", "empty.pdf", b"", False),
    ]  # fmt: skip


def evidence(browser: Browser, url: str, contribution) -> list[tuple]:
    """Post each file as the contribution's attachment; (label, status, stored as it should)."""
    from ledger.models import Attachment, Contribution

    results = []
    for label, name, content, keep in evidence_files():
        before = Attachment.objects.count()
        version = Contribution.objects.get(pk=contribution.pk).version
        boundary = uuid.uuid4().hex
        fields = (("text", f"赛事 {label}"), ("version", version), ("action", "save"),
                  ("csrfmiddlewaretoken", browser.token()))  # fmt: skip
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields]  # fmt: skip
        safe_name = name.replace('"', "%22").encode("utf-8", "surrogateescape")
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
                + safe_name + b'"\r\nContent-Type: application/octet-stream\r\n\r\n')  # fmt: skip
        body = b"".join(parts) + head + content + f"\r\n--{boundary}--\r\n".encode()
        started = time.perf_counter()
        status, _answer = browser.send(url, body, f"multipart/form-data; boundary={boundary}")
        took = time.perf_counter() - started
        stored = Attachment.objects.count() - before
        results.append((label, len(content), status, took, stored == (1 if keep else 0)))
    return results


def token_accounts(staff: list[str]) -> dict[str, str]:
    """Tokens of the bench's staff: a read-write, a read-only and a revoked one."""
    from django.contrib.auth.models import User

    from departments import tokens
    from departments.models import ApiToken

    made = {}
    for label, name, may_write in (("rw", staff[0], True), ("ro", staff[1], False),
                                   ("revoked", staff[2], True)):  # fmt: skip
        user = User.objects.get(username=name)
        made[label] = tokens.issue(ApiToken(user=user, name=f"bench {label}", may_write=may_write))
    tokens.revoke(ApiToken.objects.filter(name="bench revoked"))
    return made


API_PATHS = ["/api/figures/", "/api/progress/", "/api/tasks/", "/api/notices/",
             "/api/contributions/", "/api/plan/", "/api/targets/", "/api/districts/"]  # fmt: skip


def hostile_headers(made: dict[str, str], basic: str) -> list[str | None]:
    rw = made["rw"]
    return [
        f"Bearer {rw}", f"Bearer {made['ro']}", f"Bearer {made['revoked']}", None, "Bearer",
        "Bearer ", "Bearer  ", f"bearer {rw}", f"Bearer {rw} {rw}", f"Bearer {rw[:-1]}",
        "Bearer " + "zibo_" + "A" * 5000, "Bearer \x00", f"Bearer {rw}\x00",
        "Bearer zibo_\xe4\xb8\xad\xe6\x96\x87", "Bearer \udcff", f"Basic {basic}",
        f"Basic {basic}, Bearer {rw}", f"Bearer {rw}, Basic {basic}", "Basic", "Basic !!!",
        "Token " + rw, "Bearer zibo_" + "x" * 43, "Bearer ../../etc/passwd", "Bearer %00",
    ]  # fmt: skip


def fuzz_tokens(base: str, made: dict[str, str], basic: str, count: int, seed: int = 11):
    import http.client

    rng = random.Random(seed)
    headers = hostile_headers(made, basic)
    port = int(base.rsplit(":", 1)[1])
    seen: Counter = Counter()
    bodies = [b"", b"{}", b"[]", b"null", b'{"target": "x"}', b"\xff\xfe", b"{" * 50,
              json.dumps({"target": "二(一)6-3", "district": "wenchanghu", "year": 2025,
                          "value": 5}).encode(),
              json.dumps({"target": "二(一)6-3", "district": "zhangdian", "year": 2025,
                          "value": "1e999"}).encode()]  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for n in range(count):
        header = rng.choice(headers)
        path = rng.choice(API_PATHS)
        query = urllib.parse.quote(rng.choice(HOSTILE).encode("utf-8", "surrogatepass"), safe="")
        path = f"{path}?{rng.choice(PARAMS)}={query}"
        method = "POST" if n % 3 == 0 else "GET"
        try:
            connection.putrequest(method, path)
            if header is not None:
                connection.putheader("Authorization", header.encode("utf-8", "surrogateescape"))
            body = rng.choice(bodies) if method == "POST" else b""
            connection.putheader("Content-Type", rng.choice(["application/json", "text/plain"]))
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status = 0
        seen[status] += 1
    connection.close()
    return seen


def fuzz_schema_bearer(base: str, secret: str, examples: int) -> str:
    command = [str(ROOT / ".venv/bin/schemathesis"), "run", f"{base}/api/openapi.json",
               "--header", f"Authorization: Bearer {secret}", "--checks", "not_a_server_error",
               "--max-examples", str(examples), "--suppress-health-check", "all",
               "--request-timeout", "60"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    tail = [line for line in done.stdout.splitlines() if line.strip()][-3:]
    return " / ".join(line.strip() for line in tail)


def status_counts(log: Path) -> Counter:
    text = log.read_bytes().decode(errors="replace")
    return Counter(
        m.group(1) for line in text.splitlines() if (m := re.search(r'" (\d{3}) ', line))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fuzz", type=int, default=2000, help="hostile page requests")
    parser.add_argument("--examples", type=int, default=50, help="schemathesis, per operation")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--changes", type=int, default=3, help="changes per writer and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=2000, help="API requests, hostile tokens")
    args = parser.parse_args()
    prepare(0)
    from tests.targets import broken_files  # noqa: F401  (needs Django set up)

    district, staff, admin = accounts(args.writers)
    from django.contrib.auth.models import User

    head, contribution_url, contribution = ledger_account(User.objects.get(username=admin).password)
    made = token_accounts(staff)
    basic = base64.b64encode(f"{staff[0]}:{PASSWORD}".encode()).decode()
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="zibo-robust-")) / "access.log"
    os.environ["GUNICORN_CMD_ARGS"] = f"--access-logfile {log} --workers 2"
    server = start_gunicorn(port, 2)
    base = f"http://127.0.0.1:{port}"
    try:
        size = access_log_counts(log, 0)[2]
        print("1. fuzz")
        print("   schemathesis:", fuzz_schema(base, staff[0], args.examples))
        requests, errors, size_after = access_log_counts(log, size)
        print(f"   schemathesis requests: {requests}, 5xx: {errors}")
        browsers = [Browser(base, staff[0], district.slug), Browser(base, admin, district.slug)]
        seen = fuzz_pages(browsers, args.fuzz, district.slug)
        requests, errors, size = access_log_counts(log, size_after)
        print(f"   pages and forms: {requests} requests, 5xx: {errors}; answers {dict(seen)}")
        print("2. hostile uploads (as the city admin)")
        print(f"   {'file':<34} {'bytes':>10} {'answer':>6} {'s':>6} {'+MB RSS':>8} {'page KB':>8}")
        for label, length, status, took, grown, page in uploads(browsers[1], server.pid):
            print(f"   {label:<34} {length:>10} {status:>6} {took:>6.2f} {grown:>8.1f} "
                  f"{page / 1024:>8.1f}")  # fmt: skip
        print("3. hostile evidence files (as the head of 市体育局)")
        print(f"   {'file':<34} {'bytes':>10} {'answer':>6} {'s':>6} {'stored as it should':>8}")
        sports_browser = Browser(base, head, "")
        for label, length, status, took, right in evidence(sports_browser, contribution_url,
                                                           contribution):  # fmt: skip
            print(f"   {label:<34} {length:>10} {status:>6} {took:>6.2f} {right!s:>8}")
        print(f"4. API tokens: {args.tokens} requests with hostile Authorization headers")
        seen = fuzz_tokens(base, made, basic, args.tokens)
        requests, errors, size = access_log_counts(log, size)
        print(f"   {requests} requests, 5xx: {errors}; answers {dict(sorted(seen.items()))}")
        print("   schemathesis (Bearer):", fuzz_schema_bearer(base, made["rw"], args.examples))
        requests, errors, size = access_log_counts(log, size)
        print(f"   schemathesis (Bearer) requests: {requests}, 5xx: {errors}")
        print(f"5. concurrent writers ({args.writers}, {args.changes} changes each)")
        for run in range(args.runs):
            print(f"   run {run + 1}:", race(base, staff, district, args.changes, run))
        requests, errors, _size = access_log_counts(log, 0)
        print(f"all: {requests} requests logged, 5xx: {errors}")
        print("   by status:", dict(sorted(status_counts(log).items())))
        print("   access log:", log)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
