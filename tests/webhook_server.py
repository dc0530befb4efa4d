"""A real HTTP server on 127.0.0.1 that records the robot messages it receives (WeCom/DingTalk)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.fail_next = 0  # answer this many requests with HTTP 500

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
                "json": json.loads(raw.decode("utf-8")),
            }
        )
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
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
