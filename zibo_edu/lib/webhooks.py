"""Group robots: 企业微信 (WeCom) and 钉钉 (DingTalk) webhooks, a real HTTPS POST of JSON.

WeCom:    {"msgtype": "markdown", "markdown": {"content": ...}}
DingTalk: {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}; with a signing secret
          (加签) the URL carries `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret,
          f"{timestamp}\\n{secret}")), URL-encoded.
Both answer HTTP 200 with {"errcode": 0, ...} on success; anything else is an error to retry.

A robot URL is typed by a city admin, so the worker must not become a way into this network
(SSRF): the URL must be HTTPS on a host of settings.ROBOT_HOSTS (checked when saved, and again
when sent); when sent, every address the host resolves to must be public, the connection goes to
the very address checked (a second lookup could answer 127.0.0.1), redirects are not followed,
and the error kept says what failed in fixed words, never what the far end answered.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5
ANSWER_MAX_BYTES = 64 * 1024  # a robot answers {"errcode": 0, "errmsg": "ok"}


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


def robot_url_problem(url: str) -> str | None:
    """Why this robot URL may not be used, or None: HTTPS, no user or password, and a host on
    settings.ROBOT_HOSTS (plain HTTP too when settings.ROBOT_ALLOW_PRIVATE)."""
    try:
        parts = urllib.parse.urlsplit(url or "")
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:
        return _("This is not a valid URL.")
    schemes = ("https", "http") if settings.ROBOT_ALLOW_PRIVATE else ("https",)
    if parts.scheme not in schemes:
        return _("A robot's webhook URL must start with https://.")
    if parts.username is not None or parts.password is not None:
        return _("A robot's webhook URL cannot hold a user name or password.")
    if not host or host not in settings.ROBOT_HOSTS:
        return _("A robot's webhook URL must be on one of these hosts: %(hosts)s.") % {
            "hosts": "、".join(settings.ROBOT_HOSTS)
        }
    return None


def validate_robot_url(url: str) -> None:
    """The validator of a robot's URL field (WebhookEndpoint.url)."""
    problem = robot_url_problem(url)
    if problem:
        raise ValidationError(problem, code="robot_url")


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not a public unicast address: loopback, private, link-local, multicast, reserved,
    unspecified, shared (100.64/10) or documentation, also when hidden in an IPv6 address
    (IPv4-mapped, 6to4, Teredo)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        embedded += list(address.teredo or ())
        if any(inner is not None and _refused(inner) for inner in embedded):
            return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _checked_address(host: str, port: int) -> str:
    """The one address of `host` to connect to: every address it resolves to must be public
    (unless settings.ROBOT_ALLOW_PRIVATE), so no name can lead inside."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookError("the robot's host name does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses:
        raise WebhookError("the robot's host name does not resolve")
    if not settings.ROBOT_ALLOW_PRIVATE and any(_refused(a) for a in addresses):
        raise WebhookError("refused: the robot's host resolves to a non-public address")
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address that was checked; the certificate and SNI are those of the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(kind: str, url: str, title: str, text: str, secret: str = "") -> dict:
    """Send one message; raises WebhookError on a refused URL, a network error, an answer other
    than 200 (redirects are not followed) or errcode != 0. The error says what went wrong in
    fixed words and never repeats what the far end answered, beyond its status and errcode."""
    problem = robot_url_problem(url)
    if problem:
        raise WebhookError(f"refused: {problem}")
    if kind == "dingtalk":
        url = signed_url(url, secret)
    parts = urllib.parse.urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = _checked_address(parts.hostname, port)
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(payload(kind, title, text), ensure_ascii=False).encode()
    try:
        connection.request(
            "POST", path, body=body, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        response = connection.getresponse()
        status = response.status
        answer = response.read(ANSWER_MAX_BYTES + 1) if status == 200 else b""
    except ssl.SSLError as error:
        raise WebhookError(f"TLS error ({type(error).__name__})") from error
    except TimeoutError as error:
        raise WebhookError("no answer in time") from error
    except OSError as error:  # refused, reset, unreachable
        raise WebhookError(f"connection failed ({type(error).__name__})") from error
    except http.client.HTTPException as error:
        raise WebhookError(f"not an HTTP answer ({type(error).__name__})") from error
    finally:
        connection.close()
    if status != 200:
        raise WebhookError(f"HTTP {status}")
    try:
        result = json.loads(answer.decode("utf-8")) if len(answer) <= ANSWER_MAX_BYTES else None
    except ValueError:
        result = None
    if not isinstance(result, dict):
        raise WebhookError("the answer is not the robot's JSON")
    errcode = result.get("errcode", 0)
    if errcode != 0:
        shown = errcode if isinstance(errcode, int) else "?"
        raise WebhookError(f"errcode {shown}")
    return result
