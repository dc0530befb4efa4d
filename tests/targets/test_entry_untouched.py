"""The entry page submitted as rendered: nothing typed, nothing changed (issue "Every job
without a crack"); what a save that changes nothing says; a returned figure resubmitted as it
was; a refused save that keeps what was typed; the error banner on a long form."""

import datetime
from decimal import Decimal

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


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def bases(plan):
    """区县典型性劳动教育基地, a count."""
    return target_named(plan, "区县典型性劳动教育基地")


@pytest.mark.parametrize(("language", "said"), [("zh-hans", "没有修改"), ("en", "No changes")])
def test_a_save_that_changes_nothing_says_so(staff, period, zhangdian, bases, language, said):
    make_figure(bases, zhangdian, 2024, value=Decimal(6))
    response = _submit_as_rendered(staff, language=language)
    (message,) = _messages(response)
    assert said in message
    assert "修改 1 项" not in message and "1 changed" not in message


def test_a_returned_figure_resubmitted_unchanged_asks_for_an_answer(
    staff, period, zhangdian, bases
):
    make_figure(bases, zhangdian, 2024, state="returned", value=Decimal(6),
                return_reason="请核实基地数量")  # fmt: skip
    response = _submit_as_rendered(staff, button="submit")
    assert response.status_code == 200, "the page again, not a redirect"
    html = response.content.decode()
    assert "请核实基地数量" in html and "答复" in html
    assert f'href="#{bases.anchor}"' in html, "the banner links the row"
    figure = Figure.objects.get(target=bases, district=zhangdian, year=2024)
    assert figure.state == "returned"
    assert not FigureChange.objects.exists()


def test_a_returned_figure_goes_back_with_its_answer_in_the_audit_trail(
    staff, period, zhangdian, bases
):
    make_figure(bases, zhangdian, 2024, state="returned", value=Decimal(6),
                return_reason="请核实基地数量")  # fmt: skip
    (form,) = post_forms(staff.get(URL).content.decode())
    data = form.data("submit")
    data[f"t{bases.pk}-answer"] = ["已核实：6 个基地均已挂牌"]
    staff.post(URL, data)
    figure = Figure.objects.get(target=bases, district=zhangdian, year=2024)
    assert figure.state == "submitted"
    assert figure.changes.get(action="submit").comment == "已核实：6 个基地均已挂牌"


def test_a_returned_figure_changed_is_submitted_without_an_answer(staff, period, zhangdian, bases):
    make_figure(bases, zhangdian, 2024, state="returned", value=Decimal(6), version=3,
                return_reason="请核实基地数量")  # fmt: skip
    (form,) = post_forms(staff.get(URL).content.decode())
    data = form.data("submit")
    data[f"t{bases.pk}-value"] = ["7"]
    staff.post(URL, data)
    assert Figure.objects.get(target=bases, district=zhangdian, year=2024).state == "submitted"


def test_a_conflict_keeps_what_was_typed_beside_the_current_figure(staff, period, zhangdian, bases):
    figure = make_figure(bases, zhangdian, 2024, value=Decimal(6))
    (form,) = post_forms(staff.get(URL).content.decode())
    Figure.objects.filter(pk=figure.pk).update(value=Decimal(7), version=figure.version + 1)
    data = form.data("save")
    data[f"t{bases.pk}-value"] = ["8"]
    data[f"t{bases.pk}-note"] = ["新增两个基地"]
    response = staff.post(URL, data, follow=True)
    html = response.content.decode()
    assert "您的输入（未保存）" in html
    assert "<output>8</output>" in html and "新增两个基地" in html
    assert f'name="t{bases.pk}-value" value="7"' in html, "the field shows the current figure"
    assert Figure.objects.get(pk=figure.pk).value == 7


def test_the_error_banner_names_and_links_every_row_with_an_error(staff, plan, period, bases):
    fitness = target_named(plan, "学生体质健康测试优良率")
    (form,) = post_forms(staff.get(URL).content.decode())
    data = form.data("save")
    data[f"t{fitness.pk}-numerator"] = ["1200"]
    data[f"t{fitness.pk}-denominator"] = ["1000"]
    data[f"t{bases.pk}-value"] = ["2.5"]
    html = staff.post(URL, data).content.decode()
    banner = html[html.index('class="messages error-summary"') :].split("</ul></li></ul>")[0]
    assert "未保存任何数据：2 行需要更正" in banner
    assert f'<a href="#{fitness.anchor}">{fitness.code} {fitness.name}</a>' in banner
    assert f'<a href="#{bases.anchor}">{bases.code} {bases.name}</a>' in banner
    assert "必须是整数" in banner
    assert f'id="{bases.anchor}"' in html
