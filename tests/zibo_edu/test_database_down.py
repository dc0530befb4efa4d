"""The database down: a 503 that says so and to try again (Chinese, English by choice; JSON on
the API), with Retry-After; never Django's 500 page. A real server (gunicorn) is started with a
database at a closed port, so the connection is really refused."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

CLOSED = "postgres://postgres@127.0.0.1:1/zibo_nowhere"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module", params=[CLOSED, "sqlite:////nonexistent-dir/db.sqlite3"])
def server(request, tmp_path_factory):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": request.param,
        "DEBUG": "0",
        "ZIBO_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [gunicorn, "zibo_edu.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _get(url: str, data: bytes | None = None, **headers) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_a_page_is_a_chinese_503_with_retry_after(server):
    status, headers, body = _get(f"{server}/")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "数据库暂时无法连接" in body and "Traceback" not in body
    assert "Server Error (500)" not in body


def test_the_page_is_english_for_who_chose_english(server):
    status, _headers, body = _get(f"{server}/", Cookie="django_language=en")
    assert status == 503 and "The database cannot be reached" in body


def test_the_api_answers_json_503(server):
    status, headers, body = _get(
        f"{server}/api/figures/", Authorization="Basic YTpi", **{"Accept-Language": "zh-CN"}
    )  # the API answers in the client's language
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "30"
    assert "数据库暂时无法连接" in json.loads(body)["error"]
    _status, _headers, body = _get(f"{server}/api/figures/", Authorization="Basic YTpi")
    assert "The database cannot be reached" in json.loads(body)["error"]


def test_a_write_on_the_api_is_a_json_503_too(server):
    status, _headers, body = _get(
        f"{server}/api/figures/", data=b"{}", Authorization="Basic YTpi",
        **{"Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 503 and "error" in json.loads(body)


def test_healthz_still_says_which_check_failed(server):
    status, _headers, body = _get(f"{server}/healthz")
    assert status == 503 and '"database": "error: OperationalError"' in body
