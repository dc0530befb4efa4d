"""Robot URLs cannot lead the worker into this network (SSRF): refused when saved, and when sent
nothing reaches a server on 127.0.0.1 however the URL is written."""

import socket

import pytest

from ledger.models import WebhookEndpoint
from zibo_edu.lib import webhooks

pytestmark = pytest.mark.django_db

real_getaddrinfo = socket.getaddrinfo


def _resolving(monkeypatch, names: dict[str, list[str]]) -> list[str]:
    """Names resolve to these addresses (a DNS answer we choose); returns the names asked."""
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            asked.append(host)
            family = {True: socket.AF_INET6, False: socket.AF_INET}
            return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in names[host]]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def _spellings_of_loopback(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/x",
        f"https://127.0.0.1:{port}/x",
        f"http://2130706433:{port}/",
        f"https://2130706433:{port}/",
        f"https://[::ffff:127.0.0.1]:{port}/",
        f"https://[::1]:{port}/",
        f"http://0x7f.1:{port}/",
        f"https://0x7f.1:{port}/",
        f"https://localhost:{port}/",
        f"https://localhost.:{port}/",
        f"https://qyapi.weixin.qq.com@127.0.0.1:{port}/",
        f"https://127.0.0.1:{port}#@qyapi.weixin.qq.com/",
        f"https://qyapi.weixin.qq.com:{port}@127.0.0.1/",
    ]


def test_no_spelling_of_loopback_reaches_a_local_server(recorder):
    for url in _spellings_of_loopback(recorder.port):
        for kind in ("wecom", "dingtalk"):
            with pytest.raises(webhooks.WebhookError, match="refused"):
                webhooks.post(kind, url, "t", "b", secret="S")
    assert recorder.connections == 0 and recorder.received == []


def test_a_listed_host_at_a_private_address_is_refused_when_sent(recorder, settings):
    """The allow-list is not the only wall: were 127.0.0.1 or localhost listed as robot hosts,
    the address check still refuses them."""
    settings.ROBOT_HOSTS = ["127.0.0.1", "2130706433", "::ffff:127.0.0.1", "::1", "0x7f.1",
                            "localhost", "localhost."]  # fmt: skip
    for url in _spellings_of_loopback(recorder.port):
        if url.startswith("https://") and "@" not in url and "#" not in url:
            # (`localhost.` may not resolve at all here: refused either way)
            with pytest.raises(webhooks.WebhookError, match=r"non-public address|not resolve"):
                webhooks.post("wecom", url, "t", "b")
    assert recorder.connections == 0


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::",
     "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.1.1",
     "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:db8::1"],
)  # fmt: skip
def test_a_robot_host_resolving_to_a_non_public_address_is_refused(monkeypatch, address):
    _resolving(monkeypatch, {"qyapi.weixin.qq.com": [address]})
    with pytest.raises(webhooks.WebhookError, match="non-public address"):
        webhooks.post("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "t", "b")


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    _resolving(monkeypatch, {"oapi.dingtalk.com": ["203.119.129.1", "127.0.0.1"]})
    with pytest.raises(webhooks.WebhookError, match="non-public address"):
        webhooks.post("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "t", "b")


def test_the_connection_goes_to_the_address_checked_with_the_name_as_host(
    webhook_server, settings, monkeypatch
):
    """One lookup: a second answer (DNS rebinding) is never asked for, and the name is sent."""
    settings.ROBOT_HOSTS = ["robot.test"]
    asked = _resolving(monkeypatch, {"robot.test": ["127.0.0.1"]})
    url = f"http://robot.test:{webhook_server.port}/hook"
    assert webhooks.post("wecom", url, "标题", "正文") == {"errcode": 0, "errmsg": "ok"}
    assert asked == ["robot.test"]
    assert webhook_server.received[0]["host"] == f"robot.test:{webhook_server.port}"


def test_a_redirect_is_a_failure_and_not_followed(webhook_server, recorder_elsewhere):
    webhook_server.redirect_to = recorder_elsewhere.url + "/inside"
    with pytest.raises(webhooks.WebhookError) as raised:
        webhooks.post("wecom", webhook_server.url + "/hook", "t", "b")
    assert str(raised.value) == "HTTP 307"
    assert len(webhook_server.received) == 1 and recorder_elsewhere.connections == 0


def test_the_error_kept_never_repeats_the_answer(webhook_server):
    webhook_server.answer = b"<html>internal admin page: secret-token-123</html>"
    with pytest.raises(webhooks.WebhookError) as raised:
        webhooks.post("wecom", webhook_server.url + "/hook", "t", "b")
    assert str(raised.value) == "the answer is not the robot's JSON"
    webhook_server.answer = b'{"errcode": 93000, "errmsg": "secret-token-123"}'
    with pytest.raises(webhooks.WebhookError) as raised:
        webhooks.post("wecom", webhook_server.url + "/hook", "t", "b")
    assert str(raised.value) == "errcode 93000"


def test_the_admin_refuses_a_robot_url_off_the_robot_hosts(client, city_admin, zhangdian):
    client.force_login(city_admin)
    for url in ("http://127.0.0.1:8080/hook", "https://2130706433/", "https://evil.example/x",
                "http://qyapi.weixin.qq.com/cgi-bin/webhook/send"):  # fmt: skip
        response = client.post(
            "/admin/ledger/webhookendpoint/add/",
            {"district": zhangdian.pk, "kind": "wecom", "url": url, "active": "on"},
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "url" in errors, url
    assert not WebhookEndpoint.objects.exists()
    page = response.content.decode()
    assert "群机器人地址必须以 https:// 开头" in page
    response = client.post(
        "/admin/ledger/webhookendpoint/add/",
        {"district": zhangdian.pk, "kind": "wecom", "active": "on",
         "url": "https://evil.example/x"},
    )  # fmt: skip
    assert "群机器人地址只能是以下主机之一：qyapi.weixin.qq.com、oapi.dingtalk.com" in (
        response.content.decode()
    )
    response = client.post(
        "/admin/ledger/webhookendpoint/add/",
        {"district": zhangdian.pk, "kind": "wecom", "active": "on",
         "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
    )  # fmt: skip
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url.startswith("https://qyapi.weixin.qq.com/")
