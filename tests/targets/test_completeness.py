import datetime
from decimal import Decimal

import pytest
import time_machine

from targets.models import ReportingPeriod, Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(plan, zhangdian, zichuan):
    ReportingPeriod.objects.create(plan=plan, year=2024, deadline=datetime.date(2025, 3, 31))
    targets = list(Target.objects.of_plan(plan).filter(reported_by="districts"))
    on_time = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    late = datetime.datetime(2025, 4, 2, tzinfo=datetime.UTC)
    for target in targets[:10]:
        make_figure(
            target, zhangdian, 2024, value=Decimal(1), state="approved", submitted_at=on_time
        )
    make_figure(
        targets[10], zhangdian, 2024, value=Decimal(1), state="submitted", submitted_at=late
    )
    make_figure(
        targets[11], zhangdian, 2024, value=Decimal(1), state="returned", submitted_at=on_time
    )
    make_figure(targets[0], zichuan, 2024, value=Decimal(1))
    return targets


def _rows(response):
    return {row["district"].name: row for row in response.context["rows"]}


def test_counts_per_district_and_state(client, city_admin, reported):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 3, 15, tzinfo=datetime.UTC)):
        rows = _rows(client.get("/completeness/2024/"))
    total = len(reported)
    assert len(rows) == 11
    zhangdian = rows["张店区"]
    assert (zhangdian["missing"], zhangdian["approved"], zhangdian["submitted"]) == (
        total - 12,
        10,
        1,
    )
    assert (zhangdian["returned"], zhangdian["late"], zhangdian["rate"]) == (
        1,
        1,
        round(1100 / total),
    )
    assert (rows["淄川区"]["draft"], rows["淄川区"]["missing"]) == (1, total - 1)


def test_after_the_deadline_missing_figures_are_late(client, city_admin, reported):
    client.force_login(city_admin)
    with time_machine.travel(datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)):
        rows = _rows(client.get("/completeness/2024/"))
    assert rows["张店区"]["late"] == 1 + rows["张店区"]["missing"]


def test_district_staff_see_their_own_row(client, staff_zichuan, reported):
    client.force_login(staff_zichuan)
    assert list(_rows(client.get("/completeness/2024/"))) == ["淄川区"]


def test_query_count_is_constant(client, city_admin, reported, django_assert_max_num_queries):
    client.force_login(city_admin)
    with django_assert_max_num_queries(8):
        assert client.get("/completeness/2024/").status_code == 200
