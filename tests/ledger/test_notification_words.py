"""The ledger's messages in each channel's own form: an email is plain text (a link is the URL,
written out), a robot's message is markdown."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from ledger import notices
from ledger.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(
    plan, city_admin, staff_zhangdian, zhangdian, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://edu.example.cn"
    staff_zhangdian.email = "zhangdian@example.cn"
    staff_zhangdian.save()
    with django_capture_on_commit_callbacks(execute=True):
        return notices.issue(
            plan,
            city_admin,
            subject="关于体质健康监测进度的督办通知",
            facts="进度滞后",
            requirements="请整改",
            reply_deadline=timezone.localdate() + datetime.timedelta(days=15),
            district=zhangdian,
        )


def test_the_notice_email_writes_its_link_as_a_plain_url(notice):
    (message,) = [m for m in mail.outbox if notice.number in m.subject]
    assert f"查看督办单：https://edu.example.cn/notices/{notice.pk}/" in message.body
    assert "](" not in message.body and "[查看督办单]" not in message.body


def test_every_ledger_email_is_plain_text(notice):
    from ledger import notifications

    notifications.notice_overdue(notice)
    for delivery in Delivery.objects.filter(endpoint__isnull=True):
        assert "](" not in delivery.body, delivery.body
