"""The entry page submitted as rendered: nothing typed, nothing changed (issue "Every job
without a crack"); what a save that changes nothing says; a returned figure resubmitted as it
was; a refused save that keeps what was typed; the error banner on a long form."""

import datetime

import pytest
from django.urls import reverse

from targets.models import Figure, FigureChange, ReportingPeriod
from tests.conftest import make_figure, target_named
from tests.forms_as_rendered import post_forms

pytestmark = pytest.mark.django_db

URL = reverse("figure_entry", args=["zhangdian", 2024])


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), change_note_threshold=20
    )


@pytest.fixture
def staff(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    return client


@pytest.fixture
def teachers(plan):
    """二(一)4-4, a dated milestone the districts report."""
    return target_named(plan, "配齐配足中小学心理健康教育专兼职教师")


def _submit_as_rendered(client, button="save", language="zh-hans"):
    client.cookies["django_language"] = language  # as the header's language switch sets it
    (form,) = post_forms(client.get(URL).content.decode())
    return client.post(URL, form.data(button), follow=True)


def _stored():
    return list(Figure.objects.order_by("pk").values())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_untouched_save_keeps_a_milestones_date(staff, period, zhangdian, teachers, language):
    make_figure(teachers, zhangdian, 2024, achieved=True, achieved_on=datetime.date(2025, 11, 20))
    before = _stored()
    _submit_as_rendered(staff, language=language)
    assert _stored() == before
    assert not FigureChange.objects.exists()


def test_the_date_input_carries_an_iso_date_in_chinese(staff, period, zhangdian, teachers):
    make_figure(teachers, zhangdian, 2024, achieved=True, achieved_on=datetime.date(2025, 11, 20))
    (form,) = post_forms(staff.get(URL).content.decode())
    assert ("date", f"t{teachers.pk}-achieved_on", "2025-11-20") in form.typed
