"""Group robots: 企业微信 (WeCom) and 钉钉 (DingTalk) webhooks, a real HTTPS POST of JSON.

WeCom:    {"msgtype": "markdown", "markdown": {"content": ...}}
DingTalk: {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}; with a signing secret
          (加签) the URL carries `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret,
          f"{timestamp}\\n{secret}")), URL-encoded.
Both answer HTTP 200 with {"errcode": 0, ...} on success; anything else is an error to retry.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 10


class WebhookError(Exception):
    pass


def payload(kind: str, title: str, text: str) -> dict:
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}
    raise ValueError(f"unknown webhook kind {kind!r}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    query = urllib.parse.urlencode(
        {"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)}
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


def post(kind: str, url: str, title: str, text: str, secret: str = "") -> dict:
    """Send one message; raises WebhookError on a network error, a non-200 or errcode != 0."""
    if kind == "dingtalk":
        url = signed_url(url, secret)
    body = json.dumps(payload(kind, title, text), ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = response.read().decode("utf-8", "replace")
    except OSError as error:  # URLError, HTTPError, timeouts
        raise WebhookError(f"{type(error).__name__}: {error}") from error
    try:
        result = json.loads(answer or "{}")
    except ValueError:
        raise WebhookError(f"not JSON: {answer[:200]}") from None
    if result.get("errcode", 0) != 0:
        raise WebhookError(f"errcode {result.get('errcode')}: {result.get('errmsg', '')}")
    return result
