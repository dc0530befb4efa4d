"""The public pages in front of Django (zibo_edu.lib.front): a page kept under its plan's version,
its path and its query, served without the middleware, the resolver or the template.

The version is not read from the database on each request: each process keeps the versions it
has read for a second (`FRESH_SECONDS`), and forgets them at once when it moves one itself
(public.publication). Another process's publish, withhold or approval is seen within that
second; no kept page outlives it longer. Only the public pages of a plan, never its preview;
only the queries the pages answer (the language and the print view), so no visitor can fill the
store with made-up addresses; only a Host the settings allow.
"""

import re
import threading
import time
from types import SimpleNamespace

from django.conf import settings
from django.db import connections
from django.http.request import split_domain_port, validate_host

from public.models import Publication

FRESH_SECONDS = 1.0
PATH = re.compile(r"/public/([-a-zA-Z0-9_]+)/(?!preview/)")
QUERIES = frozenset({"", "lang=en", "print=1", "lang=en&print=1", "print=1&lang=en"})

_versions: dict[str, tuple[int | None, float]] = {}
_lock = threading.Lock()


def forget() -> None:
    """This process moved a plan's version (or is about to): read them afresh."""
    with _lock:
        _versions.clear()


def _read(slug: str) -> int | None:
    version = (
        Publication.objects.filter(plan__slug=slug, published=True)
        .values_list("version", flat=True)
        .first()
    )
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # as Django does at the end of a request
            connection.close_if_unusable_or_obsolete()
    return version


def version(slug: str) -> int | None:
    """The published plan's version, at most FRESH_SECONDS old; None when it is not published."""
    now = time.monotonic()
    known = _versions.get(slug)
    if known is not None and known[1] > now:
        return known[0]
    found = _read(slug)
    with _lock:
        _versions[slug] = (found, now + FRESH_SECONDS)
    return found


def _host_allowed(environ: dict) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def key(environ: dict) -> str | None:
    path = environ.get("PATH_INFO", "")
    found = PATH.match(path)
    query = environ.get("QUERY_STRING", "")
    if found is None or query not in QUERIES or not _host_allowed(environ):
        return None
    current = version(found[1])
    if current is None:
        return None  # not published: Django answers (404)
    return f"{found[1]}:{current}:{query}:{path}"


def refuse(environ: dict) -> bool:
    """Past the address's rate (public.views.pages): Django answers the 429."""
    from public.views.pages import over_rate

    return over_rate(SimpleNamespace(META=environ, headers=_Headers(environ)))


class _Headers:
    """request.headers enough for zibo_edu.lockout.client_ip."""

    def __init__(self, environ: dict):
        self.environ = environ

    def get(self, name: str, default: str = "") -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), default)
