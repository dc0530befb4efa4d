"""A real HTTP server on 127.0.0.1 that records the robot messages it receives (WeCom/DingTalk)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.connections = 0  # every connection accepted, an HTTP request or not (a TLS hello)
        self.fail_next = 0  # answer this many requests with HTTP 500
        self.redirect_to: str | None = None  # answer every request with a 307 there
        self.answer: bytes | None = None  # answer 200 with this instead of the robot's JSON

    def verify_request(self, request, client_address) -> bool:
        self.connections += 1
        return True

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def bodies(self, path: str | None = None) -> list[dict]:
        return [r["json"] for r in self.received if path is None or r["path"] == path]


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        parsed = urllib.parse.urlparse(self.path)
        self.server.received.append(
            {
                "path": parsed.path,
                "query": dict(urllib.parse.parse_qsl(parsed.query)),
                "content_type": self.headers.get("Content-Type"),
                "host": self.headers.get("Host"),
                "json": json.loads(raw.decode("utf-8")),
            }
        )
        if self.server.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.server.redirect_to)
            self.end_headers()
            return
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        body = self.server.answer or json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start() -> Recorder:
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
