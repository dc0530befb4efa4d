"""Names, titles and subjects are one line: a CR/LF is refused when saved, and an email whose
subject would hold one (a name saved before the rule) is still sent, with a one-line subject."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from departments.models import District
from ledger.models import Notice
from plans.models import Plan
from targets.models import Figure, Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db

BROKEN = "文昌湖区\r\nBcc: x@y"


def _form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


@pytest.mark.parametrize(
    "name", [BROKEN, "文昌\n湖区", "文昌\t湖区", "文昌\x7f湖区", "文昌\u2028湖区"]
)
def test_the_admin_refuses_a_district_name_with_control_characters(client, city_admin, plan, name):
    district = District.objects.get(city=plan.city, slug="wenchanghu")
    client.force_login(city_admin)
    url = f"/admin/departments/district/{district.pk}/change/"
    data = _form_data(client.get(url))
    data["name"] = name
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"]
    assert "不能换行" in str(errors["name"])
    district.refresh_from_db()
    assert district.name == "文昌湖区"
    data["name"] = "文昌湖区"
    assert client.post(url, data).status_code == 302, "the form as rendered saves"


def test_titles_and_subjects_refuse_control_characters(plan, city_admin):
    target = Target.objects.of_plan(plan).first()
    target.name = "指标\r\nBcc: x@y"
    with pytest.raises(ValidationError) as raised:
        target.full_clean()
    assert "name" in raised.value.message_dict
    plan = Plan.objects.get(pk=plan.pk)
    plan.title = "规划\n"
    with pytest.raises(ValidationError) as raised:
        plan.full_clean()
    assert list(raised.value.message_dict) == ["title"]
    notice = Notice(subject="督办\r\nBcc: x@y")
    with pytest.raises(ValidationError) as raised:
        notice.clean_fields()
    assert "subject" in raised.value.message_dict


def test_returning_a_figure_of_a_district_with_a_broken_name_still_mails(
    client, plan, department_head, staff_zhangdian, zhangdian, django_capture_on_commit_callbacks
):
    District.objects.filter(pk=zhangdian.pk).update(name=BROKEN)  # saved before the rule
    staff_zhangdian.email = "zd@example.org"
    staff_zhangdian.save()
    target = Target.objects.of_plan(plan).filter(kind="district_minimum", numerator_label="")[0]
    figure = make_figure(target, zhangdian, 2024, value=Decimal(3), state="submitted")
    client.force_login(department_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/figures/{figure.pk}/", {"action": "return", "reason": "请核实"})
    assert response.status_code == 302
    assert Figure.objects.get(pk=figure.pk).state == "returned"
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert subject.startswith("【退回】文昌湖区 Bcc: x@y2024年度")
    assert "\r" not in subject and "\n" not in subject
    assert "Bcc" not in mail.outbox[0].message().as_string().split("\n\n")[0].replace(
        subject, ""
    ), "no header of its own"


def test_the_notice_form_refuses_a_subject_with_a_line_break(plan):
    from ledger.views.notices import NoticeForm

    form = NoticeForm(plan, data={"subject": "督办\r\nBcc: x@y"})
    form.is_valid()
    assert "subject" in form.errors
