from decimal import Decimal

import pytest

from schools.models import SchoolYearStatistics
from targets.models import Figure, FigureChange
from tests.conftest import make_figure, target_named
from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(plan):
    return target_named(plan, "公办幼儿园在园幼儿占比")


@pytest.fixture
def statistics(zhangdian):
    make_statistics(make_school(zhangdian, inclusiveness="public"), 2024, enrolled=300)
    make_statistics(make_school(zhangdian, inclusiveness="private"), 2024, enrolled=100)


def page(client, target) -> str:
    return client.get(f"/progress/targets/{target.pk}/").content.decode()


def take(client, target, version, district="zhangdian", year=2024):
    url = f"/schools/reconcile/{target.pk}/{district}/{year}/take/"
    return client.post(url, {"version": version})


def test_district_staff_take_the_derived_value_in_one_click(
    client, share, statistics, zhangdian, staff_zhangdian
):
    figure = make_figure(share, zhangdian, 2024, numerator=Decimal(290), denominator=Decimal(400),
                         note="按园统计")  # fmt: skip
    client.force_login(staff_zhangdian)
    before = page(client, share)
    assert "采用统计推算值" in before and '<strong class="status status-behind">待核对' in before
    response = take(client, share, figure.version)
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.numerator, figure.denominator) == (300, 400)
    assert figure.state == Figure.State.DRAFT and figure.note == "按园统计"
    assert "2024学年" in figure.source
    change = FigureChange.objects.filter(figure=figure).latest("pk")
    assert (
        change.channel == FigureChange.Channel.STATISTICS and change.changed_by == staff_zhangdian
    )
    assert change.get_channel_display() == "统计数据"
    assert '<strong class="status status-behind">待核对' not in page(client, share)


def test_where_only_the_derived_value_exists_it_is_proposed_as_a_draft(
    client, share, statistics, zhangdian, staff_zhangdian
):
    client.force_login(staff_zhangdian)
    assert "作为填报数提出" in page(client, share)
    take(client, share, 0)
    figure = Figure.objects.get(target=share, district=zhangdian, year=2024)
    assert figure.measure == Decimal(75) and figure.state == Figure.State.DRAFT


def test_a_submitted_figure_is_not_overwritten(
    client, share, statistics, zhangdian, staff_zhangdian
):
    figure = make_figure(share, zhangdian, 2024, numerator=Decimal(290), denominator=Decimal(400),
                         state="submitted")  # fmt: skip
    client.force_login(staff_zhangdian)
    assert "采用统计推算值" not in page(client, share)
    take(client, share, figure.version)
    figure.refresh_from_db()
    assert figure.numerator == 290


def test_a_stale_version_changes_nothing(client, share, statistics, zhangdian, staff_zhangdian):
    figure = make_figure(share, zhangdian, 2024, numerator=Decimal(290), denominator=Decimal(400))
    client.force_login(staff_zhangdian)
    take(client, share, figure.version + 1)
    figure.refresh_from_db()
    assert figure.numerator == 290


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff_zichuan", 404), ("department_head", 403), ("city_admin", 302)],
)
def test_who_may_take_a_districts_derived_value(
    client, request, share, statistics, zhangdian, role, status
):
    client.force_login(request.getfixturevalue(role))
    assert take(client, share, 0).status_code == status
    assert Figure.objects.filter(target=share).exists() == (status == 302)


def test_without_statistics_nothing_is_taken(client, share, zhangdian, staff_zhangdian):
    SchoolYearStatistics.objects.all().delete()
    client.force_login(staff_zhangdian)
    take(client, share, 0)
    assert not Figure.objects.filter(target=share).exists()


def test_the_review_queue_flags_a_submitted_figure_beyond_tolerance_with_both_values(
    client, share, statistics, zhangdian, department_head
):
    make_figure(share, zhangdian, 2024, numerator=Decimal(290), denominator=Decimal(400),
                state="submitted")  # fmt: skip
    client.force_login(department_head)
    page = client.get("/review/").content.decode()
    assert "待核对：填报 72.5%，统计推算 75.0%" in page
    link = (
        "/indicators/kindergarten-public-share/?district=zhangdian&amp;year=2024&amp;entered=72.50"
    )
    assert link in page and "影响最大的学校" in page


def test_a_figure_within_tolerance_is_not_flagged(
    client, share, statistics, zhangdian, department_head
):
    make_figure(share, zhangdian, 2024, numerator=Decimal(299), denominator=Decimal(400),
                state="submitted")  # fmt: skip
    client.force_login(department_head)
    assert "待核对" not in client.get("/review/").content.decode()
