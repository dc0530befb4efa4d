"""发送测试消息: the city admin posts a test message to a group robot from its admin page and sees
the answer (its HTTP status and errcode, or the fixed words of what failed, never the body)."""

import pytest

from ledger.models import Delivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def robot(zhangdian, webhook_server):
    return WebhookEndpoint.objects.create(
        district=zhangdian, kind="wecom", url=webhook_server.url + "/wecom"
    )


def _test_url(robot) -> str:
    return f"/admin/ledger/webhookendpoint/{robot.pk}/test/"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_robot_page_offers_a_test_message_that_reaches_the_robot(
    client, city_admin, robot, webhook_server
):
    client.force_login(city_admin)
    page = client.get(f"/admin/ledger/webhookendpoint/{robot.pk}/change/").content.decode()
    assert f'action="{_test_url(robot)}"' in page and "发送测试消息" in page
    response = client.post(_test_url(robot), follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/ledger/webhookendpoint/{robot.pk}/change/"
    assert _messages(response) == ["测试消息已送达：机器人应答 HTTP 200，errcode 0。"]
    [sent] = webhook_server.bodies("/wecom")
    assert "测试" in sent["markdown"]["content"] and "张店区" in sent["markdown"]["content"]
    assert not Delivery.objects.exists(), "a test is no notification of the ledger"


def test_a_failing_robot_shows_its_status_never_its_answer(
    client, city_admin, robot, webhook_server
):
    client.force_login(city_admin)
    webhook_server.fail_next = 1
    assert _messages(client.post(_test_url(robot), follow=True)) == ["测试消息未送达：HTTP 500。"]
    webhook_server.answer = b'{"errcode": 93000, "errmsg": "<b>invalid webhook url</b>"}'
    shown = _messages(client.post(_test_url(robot), follow=True))
    assert shown == ["测试消息未送达：errcode 93000。"]


def test_a_robot_that_cannot_be_reached_says_so(client, city_admin, zhangdian, settings):
    robot = WebhookEndpoint.objects.create(
        district=zhangdian, kind="dingtalk", url="http://127.0.0.1:9/robot/send"
    )
    client.force_login(city_admin)
    [message] = _messages(client.post(_test_url(robot), follow=True))
    assert message.startswith("测试消息未送达：refused:"), message


def test_only_a_post_by_the_robot_s_city_admin_sends(
    client, robot, admin_shili, staff_zhangdian, webhook_server
):
    client.force_login(admin_shili)
    assert client.post(_test_url(robot)).status_code == 404
    client.force_login(staff_zhangdian)
    assert client.post(_test_url(robot)).status_code in (302, 403)
    assert webhook_server.received == []


def test_a_get_sends_nothing(client, city_admin, robot, webhook_server):
    client.force_login(city_admin)
    assert client.get(_test_url(robot)).status_code == 405
    assert webhook_server.received == []
