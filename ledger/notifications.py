"""Notifications of the ledger by email and group robots, each sent exactly once.

An event (a round opened, a contribution due, a report returned, a notice issued or overdue)
becomes Delivery rows: one email to the unit's users, one message per active robot of the unit.
A row's `key` names the event, its subject and the channel, and is unique, so announcing the same
event twice creates nothing new. The rows are outbox rows (zibo_edu/lib/outbox.py): written in the
transaction of the event, signalled to the queue after its commit (a queue that cannot be reached
is logged, never raised), taken back by the outbox sweep from a worker that died while sending,
and signalled again when their signal was lost. Sending claims the row (pending → sending, a
conditional UPDATE that must change one row); a failure puts it back with the error for the
retry, and the last attempt marks it failed, shown in the admin (通知), where it can be sent
again, as can a delivery stuck past its lease.
"""

import datetime
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from departments.access import emails_of
from ledger.models import Delivery, WebhookEndpoint
from zibo_edu.lib import outbox, webhooks
from zibo_edu.lib.single_line import mail_subject

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 60  # the retries wait 1, 2, 4, 8 minutes
Event = Delivery.Event


def _robots_of(unit):
    kind = "department" if unit._meta.model_name == "department" else "district"
    return WebhookEndpoint.objects.filter(active=True, **{kind: unit})


MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def plain_text(body: str) -> str:
    """An email is plain text: a markdown link `[查看督办单](URL)` is written `查看督办单：URL`, the
    URL plainly, so a mail program shows (and links) it as it is."""
    return MARKDOWN_LINK.sub(lambda m: f"{m.group(1)}：{m.group(2)}", body)


def announce(event: str, key: str, units, title: str, body: str) -> list[Delivery]:
    """Create the deliveries of an event for these departments or districts (once per key) and
    send them after the commit. `body` is markdown, as the robots take it; the email gets its
    plain text. Returns the deliveries created now."""
    created = []
    link = settings.SITE_URL.rstrip("/")
    body = body.replace("{site}", link)
    bodies = {"email": plain_text(body), "robot": body}
    for unit in units:
        unit_key = f"{unit._meta.model_name}:{unit.pk}"
        channels = [(None, emails_of(unit))] + [(robot, []) for robot in _robots_of(unit)]
        for robot, emails in channels:
            if robot is None and not emails:
                continue
            channel = f"robot:{robot.pk}" if robot else "email"
            try:
                with transaction.atomic():
                    delivery = Delivery.objects.create(
                        key=f"{event}:{key}:{unit_key}:{channel}"[:200],
                        event=event,
                        endpoint=robot,
                        emails=emails,
                        title=title,
                        body=bodies["robot" if robot else "email"],
                    )
            except IntegrityError:
                continue  # announced already: exactly once
            created.append(delivery)
    if created:
        pks = [delivery.pk for delivery in created]
        transaction.on_commit(lambda: enqueue(pks))
    return created


def enqueue(pks: list[int]) -> bool:
    """Signal the deliveries to a worker after the commit; False (logged) when the queue cannot
    be reached: the rows wait for the outbox sweep."""
    from ledger.tasks import send_delivery

    return outbox.signal(Delivery, send_delivery, pks)


def waiting(notice) -> bool:
    """Whether a notice's notifications are recorded but not yet handed to the queue (it could
    not be reached): the sweep sends them later."""
    return Delivery.objects.filter(
        key__startswith=f"{Event.NOTICE_ISSUED}:notice:{notice.pk}:",
        state=Delivery.State.PENDING,
        queued_at__isnull=True,
    ).exists()


def send_in_process(pk: int) -> None:
    """Without a broker (the embedded default, the tests) every attempt is made at once,
    without raising into the request that caused the event."""
    for _attempt in range(MAX_ATTEMPTS):
        try:
            send(pk)
            return
        except Exception:
            continue


def resend(pk: int) -> bool:
    """The admin's 重新发送: a failed delivery, or one stuck past its lease (a dead worker's, or
    one whose signal was lost), goes back to pending with fresh attempts."""
    stuck = outbox.stuck(outbox.outbox_of(Delivery))
    again = outbox.move(
        Delivery.objects.filter(Q(state=Delivery.State.FAILED) | stuck, pk=pk),
        Delivery.State.PENDING,
        attempts=0,
        queued_at=None,
    )
    if again:
        transaction.on_commit(lambda: enqueue([pk]))
    return again == 1


def send(pk: int) -> bool:
    """Send one delivery; False when another run has it or it was sent. Raises on failure
    (after putting the row back, or marking it failed on the last attempt)."""
    claim = outbox.claim(
        Delivery, pk, Delivery.State.PENDING, Delivery.State.SENDING, attempts=F("attempts") + 1
    )
    if claim is None:
        return False
    delivery = Delivery.objects.select_related("endpoint").get(pk=pk)
    try:
        if delivery.endpoint is not None:
            robot = delivery.endpoint
            webhooks.post(robot.kind, robot.url, delivery.title, delivery.body, robot.secret)
        else:
            subject = mail_subject(delivery.title)
            send_mail(subject, delivery.body, None, delivery.emails, fail_silently=False)
    except Exception as error:
        if delivery.attempts >= MAX_ATTEMPTS:
            outbox.move(claim, Delivery.State.FAILED, last_error=str(error)[:2000])
        else:  # the task's retry is due then; the sweep steps in only if it never comes
            retry_at = timezone.now() + datetime.timedelta(
                seconds=BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
            )
            outbox.move(
                claim, Delivery.State.PENDING, last_error=str(error)[:2000], queued_at=retry_at
            )
        raise
    # Sent: recorded even if the sweep took the row back meanwhile, so no other run sends it.
    outbox.move(
        Delivery.objects.filter(pk=pk, state__in=[Delivery.State.SENDING, Delivery.State.PENDING]),
        Delivery.State.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def register_outbox() -> None:
    """Deliveries as the outbox sweep sees them (LedgerConfig.ready())."""
    from ledger.tasks import send_delivery

    outbox.register(
        outbox.Outbox(
            model=Delivery,
            steps={Delivery.State.PENDING: send_delivery},
            held={Delivery.State.SENDING: Delivery.State.PENDING},
            failed=Delivery.State.FAILED,
            error_field="last_error",
            in_process=send_in_process,
        )
    )


def give_up(pk: int, error: str) -> None:
    Delivery.objects.filter(pk=pk).exclude(state=Delivery.State.SENT).update(
        state=Delivery.State.FAILED, last_error=error[:2000]
    )


# The events ------------------------------------------------------------------------------------


def round_opened(reporting_round, departments) -> list[Delivery]:
    title = f"【任务台账】{reporting_round.title}报送已开启"
    body = (
        f"{reporting_round.plan.title}\n\n{reporting_round.title}重点任务进展报送已开启，"
        f"请于{reporting_round.deadline:%Y年%-m月%-d日}前报送。\n\n"
        f"[待办事项]({{site}}{reverse('ledger_inbox')})"
    )
    return announce(Event.ROUND_OPENED, f"round:{reporting_round.pk}", departments, title, body)


def contribution_due(reporting_round, department, tasks) -> list[Delivery]:
    title = f"【任务台账】{reporting_round.title}配合任务材料待报送"
    lines = "\n".join(f"- {task.code} {task.title}" for task in tasks)
    body = (
        f"{department.name}尚未报送以下任务的{reporting_round.title}落实情况，"
        f"截止日期{reporting_round.deadline:%Y年%-m月%-d日}：\n\n{lines}\n\n"
        f"[待办事项]({{site}}{reverse('ledger_inbox')})"
    )
    key = f"round:{reporting_round.pk}:{timezone.localdate():%Y-%m-%d}"
    return announce(Event.CONTRIBUTION_DUE, key, [department], title, body)


def report_returned(report) -> list[Delivery]:
    lead = report.task.lead_department
    if lead is None:
        return []
    title = f"【任务台账】{report.task.code}进展报告被退回"
    url = reverse("ledger_report", args=[report.round_id, report.task_id])
    body = (
        f"{report.round.title} {report.task.code} {report.task.title} 的进展报告被退回。\n\n"
        f"退回原因：{report.return_reason}\n\n[修改报告]({{site}}{url})"
    )
    key = f"report:{report.pk}:v{report.version}"
    return announce(Event.REPORT_RETURNED, key, [lead], title, body)


def notice_issued(notice) -> list[Delivery]:
    title = f"【督办单】{notice.number}"
    body = (
        f"{notice.recipient}：\n\n{notice.subject}\n\n{notice.facts}\n\n督办要求：{notice.requirements}\n\n"
        f"请于{notice.reply_deadline:%Y年%-m月%-d日}前回复整改措施。\n\n"
        f"[查看督办单]({{site}}{notice.get_absolute_url()})"
    )
    return announce(Event.NOTICE_ISSUED, f"notice:{notice.pk}", [notice.recipient], title, body)


def notice_overdue(notice) -> list[Delivery]:
    title = f"【督办单逾期】{notice.number}"
    body = (
        f"{notice.recipient}：督办单{notice.number}（{notice.subject}）的回复期限"
        f"{notice.reply_deadline:%Y年%-m月%-d日}已过，请尽快回复。\n\n"
        f"[查看督办单]({{site}}{notice.get_absolute_url()})"
    )
    return announce(Event.NOTICE_OVERDUE, f"notice:{notice.pk}", [notice.recipient], title, body)
