"""Deadline reminders: district staff get their missing figures by email before the deadline."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from departments.models import District, Role
from targets import completeness
from targets.models import Reminder, ReportingPeriod, Target


def due_periods(today: datetime.date) -> list[ReportingPeriod]:
    periods = ReportingPeriod.objects.select_related("plan__city")
    return [
        p for p in periods if p.deadline - datetime.timedelta(days=p.remind_days_before) == today
    ]


def missing_targets(period: ReportingPeriod, district: District) -> list[Target]:
    """The district's missing figures of the period, as targets.completeness defines them."""
    return completeness.missing_targets(completeness.applicable(period.plan), district, period.year)


def send_due(today: datetime.date) -> int:
    """Send the reminders due today; returns how many districts were emailed."""
    sent = 0
    for period in due_periods(today):
        for district in District.objects.filter(city=period.plan.city):
            if _remind(period, district, today):
                sent += 1
    return sent


def _remind(period: ReportingPeriod, district: District, today: datetime.date) -> bool:
    missing = missing_targets(period, district)
    entered = completeness.open_targets(completeness.applicable(period.plan), district, period.year)
    recipients = list(
        get_user_model()
        .objects.filter(
            is_active=True, role__kind=Role.Kind.DISTRICT_STAFF, role__district=district
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not missing or not recipients:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period,
                district=district,
                sent_on=today,
                recipients=", ".join(recipients),
                missing=len(missing),
            )
            _send(period, district, missing, entered, recipients)
    except IntegrityError:
        return False  # claimed already: another worker, a retry or a second beat sent it
    return True


def _send(period, district, missing, entered, recipients) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "figure_entry", args=[district.slug, period.year]
    )
    lines = [f"  {target.code} {target.name}" for target in missing]
    with translation.override("zh-hans"):
        subject = f"【提醒】{district.name}{period.year}年度数据尚有{len(missing)}项未填报"
        body = "\n".join(
            [
                f"{district.name}填报员：",
                "",
                f"{period.year}年度指标数据的提交截止日期为{period.deadline:%Y年%m月%d日}，"
                f"目前尚有以下{len(missing)}项指标未填报：",
                "",
                *lines,
                "",
                *(
                    [
                        f"另有{len(entered)}项已填写但尚未提交（草稿或已退回），"
                        "截止日期后仍未提交的将计为逾期。",
                        "",
                    ]
                    if entered
                    else []
                ),
                f"请登录填报：{link}",
                "",
                f"{period.plan.city.name}教育局 教育规划跟踪系统（此邮件由系统自动发送）",
            ]
        )
    send_mail(subject, body, None, recipients)
