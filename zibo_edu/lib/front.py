"""Answers kept in front of Django: a WSGI wrapper that serves a stored answer before the
middleware, the URL resolver, the view and the template run.

An app registers a `Front` (in its AppConfig.ready()): `key(environ)` names the answer a request
asks for, or None for a request the front leaves alone; the name must hold whatever makes the
answer change (a version of the data, the language, the path). The first request of a key goes
through Django as usual; its answer is kept (in this process, bounded) when it is a 200 that
sets no cookie and says `Cache-Control: public`, and every later request of the same key gets
the same status, headers and body at once. `refuse(environ)`, when given, may turn a kept answer
down (a rate limit): the request then goes through Django, which answers it.

Only GET. Nothing here knows an app; zibo_edu/wsgi.py wraps the application.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

MOST_ANSWERS = 4096  # past it (or MOST_BYTES) the store starts afresh, old versions' answers too
MOST_BYTES = 64 * 1024 * 1024
LARGEST_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class Front:
    key: Callable[[dict], str | None]
    refuse: Callable[[dict], bool] | None = None


_fronts: list[Front] = []


def register(front: Front) -> None:
    _fronts.append(front)


Answer = tuple[str, list[tuple[str, str]], bytes]


def _keepable(status: str, headers: list[tuple[str, str]], body: bytes) -> bool:
    if not status.startswith("200 ") or len(body) > LARGEST_BODY:
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


class FrontCache:
    def __init__(self, app, most: int = MOST_ANSWERS, most_bytes: int = MOST_BYTES):
        self.app = app
        self.most = most
        self.most_bytes = most_bytes
        self.bytes = 0
        self.answers: dict[str, Answer] = {}
        self.lock = threading.Lock()
        self.hits = 0

    def forget(self) -> None:
        with self.lock:
            self.answers = {}
            self.bytes = 0

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        for front in _fronts:
            key = front.key(environ)
            if key is not None:
                return self._serve(front, key, environ, start_response)
        return self.app(environ, start_response)

    def _serve(self, front: Front, key: str, environ, start_response):
        answer = self.answers.get(key)
        if answer is not None and not (front.refuse and front.refuse(environ)):
            self.hits += 1
            status, headers, body = answer
            start_response(status, list(headers))
            return [body]
        kept: dict = {}

        def keep(status, headers, exc_info=None):
            kept["status"], kept["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if answer is None and _keepable(kept["status"], kept["headers"], body):
            with self.lock:
                if len(self.answers) >= self.most or self.bytes + len(body) > self.most_bytes:
                    self.answers, self.bytes = {}, 0
                self.answers[key] = (kept["status"], list(kept["headers"]), body)
                self.bytes += len(body)
        return [body]
