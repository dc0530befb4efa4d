"""Issue 9, the write rules: whether a numerator may exceed its denominator is the target's, and
every channel (form, API, Excel, admin) checks it; one measure for a fraction on every page; the
admin saves through figures.check/record; the history and conflicts speak of people and fields."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from targets import figures, progress
from targets.figures import Entry, FigureInput, Key, check
from targets.models import Figure, FigureChange, ReportingPeriod
from targets.workbook import FIRST_ROW, HEADERS
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

D = Decimal
SALARY = "义务教育教师平均工资与当地公务员之比"
COUNSELLORS = "中小学专兼职心理健康教育教师配备"  # schools with one / schools: a subset
INSPECTORS = "幼儿园责任督学配备"  # 1 督学 per 5 幼儿园: a ratio of two things


@pytest.fixture
def period(plan):
    return ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), change_note_threshold=20
    )


# The rule, below any channel ------------------------------------------------------------------


def test_a_per_unit_ratio_counting_part_of_its_whole_cannot_exceed_it(plan):
    counsellors = target_named(plan, COUNSELLORS)
    errors = check(counsellors, FigureInput(numerator=D(130), denominator=D(120)))
    assert errors == {
        "numerator": "分子（130）不能大于分母（120）：配备1名以上专兼职心理健康教育教师的中小学校数"
        "是中小学校数的一部分。"
    }
    assert check(counsellors, FigureInput(numerator=D(120), denominator=D(120))) == {}


def test_a_ratio_of_two_things_may_exceed_one(plan):
    inspectors = target_named(plan, INSPECTORS)
    assert check(inspectors, FigureInput(numerator=D(130), denominator=D(120))) == {}


def test_teachers_may_earn_more_than_civil_servants(plan):
    salary = target_named(plan, SALARY)
    assert check(salary, FigureInput(numerator=D(112000), denominator=D(100000))) == {}


def test_one_measure_for_a_fraction(plan):
    inspectors = target_named(plan, INSPECTORS)
    assert round(inspectors.measure(D(26), D(119)), 2) == D("1.09")  # 26 per 119, per 5
    point = progress.Point(2024, D(26), D(119))
    assert progress.measure(inspectors, point) == inspectors.measure(D(26), D(119))
    salary = target_named(plan, SALARY)
    assert salary.measure(D(105000), D(100000)) == 105


# Through each channel --------------------------------------------------------------------------


def _field(target, name):
    return f"t{target.pk}-{name}"


def test_entry_page_refuses_more_compliant_schools_than_schools(
    client, staff_zhangdian, plan, period
):
    counsellors = target_named(plan, COUNSELLORS)
    client.force_login(staff_zhangdian)
    response = client.post(
        "/entry/zhangdian/2024/",
        {
            _field(counsellors, "numerator"): "130",
            _field(counsellors, "denominator"): "120",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "分子（130）不能大于分母（120）" in response.content.decode()
    assert not Figure.objects.exists()


def test_entry_page_takes_teachers_pay_above_civil_servants(
    client, staff_zhangdian, plan, period, zhangdian
):
    salary = target_named(plan, SALARY)
    client.force_login(staff_zhangdian)
    response = client.post(
        "/entry/zhangdian/2024/",
        {
            _field(salary, "numerator"): "105000",
            _field(salary, "denominator"): "100000",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert Figure.objects.get(target=salary, district=zhangdian).numerator == 105000


def test_entry_page_reads_a_ratio_as_the_progress_page_does(
    client, staff_zhangdian, plan, period, zhangdian
):
    """26 督学 for 119 幼儿园 is 1.09 per 5 幼儿园 on both pages, not 0.22 on one of them."""
    inspectors = target_named(plan, INSPECTORS)
    make_figure(inspectors, zhangdian, 2023, numerator=D(26), denominator=D(119))
    client.force_login(staff_zhangdian)
    html = client.get("/entry/zhangdian/2024/").content.decode()
    assert "1.09 名（26/119）" in html  # with its unit: 每5幼儿园 1.09 名 (issue 17)
    assert "0.22" not in html


def test_api_refuses_more_compliant_schools_than_schools(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    body = {
        "target": "二(一)4-5",
        "district": "zhangdian",
        "year": 2024,
        "numerator": 130,
        "denominator": 120,
    }
    response = client.post("/api/figures/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "numerator" in response.json()["errors"]
    assert not Figure.objects.exists()


def test_api_takes_teachers_pay_above_civil_servants(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    body = {
        "target": "二(三)4-1",
        "district": "zhangdian",
        "year": 2024,
        "numerator": 105000,
        "denominator": 100000,
    }
    response = client.post("/api/figures/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def _workbook_with(client, code, numerator, denominator) -> bytes:
    response = client.get("/entry/zhangdian/2024/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        if row[2].value == code:
            row[HEADERS.index("分子")].value = numerator
            row[HEADERS.index("分母")].value = denominator
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_refuses_more_compliant_schools_than_schools(client, staff_zhangdian, period):
    client.force_login(staff_zhangdian)
    content = _workbook_with(client, "二(一)4-5", 130, 120)
    response = client.post("/import/", {"file": SimpleUploadedFile("f.xlsx", content)})
    assert response.status_code == 422
    problems = " ".join(str(p) for p in response.context["problems"])
    assert "分子（130）不能大于分母（120）" in problems
    assert not Figure.objects.exists()


def test_excel_takes_teachers_pay_above_civil_servants(client, staff_zhangdian, period):
    client.force_login(staff_zhangdian)
    content = _workbook_with(client, "二(三)4-1", 105000, 100000)
    response = client.post("/import/", {"file": SimpleUploadedFile("f.xlsx", content)})
    assert response.status_code == 200, response.context.get("problems")


# The admin --------------------------------------------------------------------------------


def _admin_form(figure: Figure, **changes) -> dict:
    data = {
        "numerator": "" if figure.numerator is None else str(figure.numerator),
        "denominator": "" if figure.denominator is None else str(figure.denominator),
        "value": "" if figure.value is None else str(figure.value),
        "achieved": "unknown",
        "achieved_on": "",
        "note": figure.note,
        "source": figure.source,
        "loaded_version": figure.version,
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.fixture
def admin_client(client, city_admin):
    client.force_login(city_admin)
    return client


def _change_url(figure):
    return f"/admin/targets/figure/{figure.pk}/change/"


def test_admin_applies_the_entry_rules(admin_client, plan, zhangdian):
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120))
    response = admin_client.post(_change_url(figure), _admin_form(figure, numerator="130"))
    assert response.status_code == 200
    assert "分子（130）不能大于分母（120）" in response.content.decode()
    figure.refresh_from_db()
    assert (figure.numerator, figure.version) == (100, 1)
    assert not figure.changes.exists()


def test_admin_saves_through_record_with_the_audit_channel_admin(
    admin_client, plan, zhangdian, city_admin
):
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120))
    response = admin_client.post(_change_url(figure), _admin_form(figure, numerator="110"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    figure.refresh_from_db()
    assert (figure.numerator, figure.version, figure.updated_by) == (110, 2, city_admin)
    change = figure.changes.get()
    assert (change.channel, change.action, change.old["numerator"], change.new["numerator"]) == (
        "admin",
        "update",
        "100",
        "110",
    )


def test_admin_refuses_a_stale_version_naming_who_changed_it(
    admin_client, plan, zhangdian, staff_zhangdian
):
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120))
    opened = _admin_form(figure, numerator="115")  # the admin opens the form at version 1
    figures.record(
        [Entry(Key(counsellors.pk, zhangdian.pk, 2024), FigureInput(D(105), D(120)), 1)],
        user=staff_zhangdian,
        channel="form",
    )
    response = admin_client.post(_change_url(figure), opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "张店区填报员（staff-zhangdian）" in html and "在您编辑期间" in html
    figure.refresh_from_db()
    assert figure.numerator == 105


def test_admin_cannot_change_a_figure_under_review(admin_client, plan, zhangdian):
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(
        counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120), state="approved"
    )
    response = admin_client.post(_change_url(figure), _admin_form(figure, numerator="110"))
    assert response.status_code == 200
    assert "审核中或已审核" in response.content.decode()
    figure.refresh_from_db()
    assert figure.numerator == 100


def test_admin_shows_the_state_read_only(admin_client, plan, zhangdian):
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120))
    response = admin_client.get(_change_url(figure))
    assert response.status_code == 200
    assert 'name="state"' not in response.content.decode()
    response = admin_client.post(
        _change_url(figure), _admin_form(figure, numerator="110", state="approved")
    )
    figure.refresh_from_db()
    assert (figure.numerator, figure.state) == (110, "draft")


def test_admin_adds_a_figure_through_record(admin_client, plan, zhangdian):
    salary = target_named(plan, SALARY)
    data = {
        **_admin_form(Figure(), numerator="105000", denominator="100000"),
        "target": salary.pk,
        "district": zhangdian.pk,
        "year": "2024",
        "loaded_version": "",
    }
    response = admin_client.post("/admin/targets/figure/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    figure = Figure.objects.get(target=salary)
    assert figure.changes.get().channel == "admin"
    again = admin_client.post("/admin/targets/figure/add/", data)
    assert again.status_code == 200 and Figure.objects.count() == 1


# Conflicts and the history ---------------------------------------------------------------------


def test_conflict_message_names_role_and_district(plan, zhangdian, staff_zhangdian):
    staff_zhangdian.first_name, staff_zhangdian.last_name = "三", "张"
    staff_zhangdian.save()
    counsellors = target_named(plan, COUNSELLORS)
    figures.record(
        [Entry(Key(counsellors.pk, zhangdian.pk, 2024), FigureInput(D(105), D(120)))],
        user=staff_zhangdian,
        channel="form",
    )
    message = figures.conflict_message(Figure.objects.get(), "87.5%（105/120）")
    assert "张店区填报员 张三（staff-zhangdian）" in message
    assert "87.5%（105/120）" in message


@pytest.fixture
def reviewed(plan, zhangdian, staff_zhangdian, city_admin):
    fitness = target_named(plan, "学生体质健康测试优良率")
    key = Key(fitness.pk, zhangdian.pk, 2024)
    figures.record(
        [Entry(key, FigureInput(D(16000), D(30000), note="首次填报"))],
        user=staff_zhangdian,
        channel="form",
    )
    figures.record(
        [Entry(key, FigureInput(D(17000), D(30000), note="补录两校"), 1)],
        user=staff_zhangdian,
        channel="excel",
    )
    figure = Figure.objects.get()
    figures.submit([figure], user=staff_zhangdian)
    figures.approve([Figure.objects.get()], user=city_admin)
    return Figure.objects.get()


def test_history_speaks_chinese(client, city_admin, reviewed):
    client.force_login(city_admin)
    html = client.get(f"/figures/{reviewed.pk}/").content.decode()
    for words in (
        "新建",
        "修改",
        "提交",
        "审核通过",
        "分子：16000",
        "分母：30000",
        "说明：首次填报",
    ):
        assert words in html, words
    assert "比率：53.3%" in html  # the measure, read as every page reads it
    assert "张店区填报员（staff-zhangdian）" in html
    assert "表单" in html and "Excel" in html
    history = html.split('class="table history')[1]
    assert history.count("恢复为此数值") == 1, "only the earlier value, not the current one"
    for raw in ("numerator", "create", "approve", "update", "submit", "form<", "None"):
        assert raw not in history, raw


def test_restore_asks_first_then_puts_back_value_and_note(client, city_admin, reviewed):
    client.force_login(city_admin)
    first = reviewed.changes.get(action="create")
    response = client.post(
        f"/figures/{reviewed.pk}/", {"action": "restore", "change": first.pk}, follow=True
    )
    reviewed.refresh_from_db()
    assert (reviewed.numerator, reviewed.state) == (17000, "approved"), "not without confirming"
    html = response.content.decode()
    assert "恢复此前的数值？" in html and "是，恢复" in html
    page = client.get(f"/figures/{reviewed.pk}/?restore={first.pk}").content.decode()
    assert 'name="confirmed" value="yes"' in page
    client.post(
        f"/figures/{reviewed.pk}/",
        {"action": "restore", "change": first.pk, "confirmed": "yes"},
    )
    reviewed.refresh_from_db()
    assert (reviewed.numerator, reviewed.note, reviewed.state) == (16000, "首次填报", "draft")
    latest = reviewed.changes.first()
    assert (latest.action, latest.get_action_display()) == ("restore", "恢复")
    assert latest.new["note"] == "首次填报"


def test_restore_applies_todays_rules(plan, zhangdian, city_admin):
    """A value saved before the rule (130 compliant schools of 120) is not put back."""
    counsellors = target_named(plan, COUNSELLORS)
    figure = make_figure(counsellors, zhangdian, 2024, numerator=D(100), denominator=D(120))
    old = FigureChange.objects.create(
        figure=figure,
        channel="form",
        action="create",
        new={"numerator": "130", "denominator": "120"},
    )
    with pytest.raises(figures.FigureRefused):
        figures.restore(figure, old, user=city_admin)
    figure.refresh_from_db()
    assert figure.numerator == 100
