"""Writing many rows at once (targets/bulk.py): COPY on PostgreSQL, bulk_create elsewhere, the
same rows stored either way. Run with DATABASE_URL=postgres://… to exercise COPY."""

from decimal import Decimal

import pytest

from targets import bulk
from targets.models import Figure, FigureChange
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

FITNESS = "学生体质健康测试优良率"


def test_insert_with_ids_gives_each_its_key_and_stores_every_value(plan, zhangdian):
    fitness = target_named(plan, FITNESS)
    unsaved = [
        Figure(target=fitness, district=zhangdian, year=year, numerator=Decimal(n), denominator=100)
        for n, year in ((51, 2023), (52.5, 2024))
    ]
    inserted = bulk.insert(Figure, unsaved, with_ids=True)
    assert all(figure.pk and not figure._state.adding for figure in inserted)
    stored = Figure.objects.filter(pk__in=[figure.pk for figure in inserted]).order_by("year")
    assert [(f.year, f.numerator, f.denominator, f.state, f.version) for f in stored] == [
        (2023, Decimal("51.00"), Decimal("100.00"), "draft", 1),
        (2024, Decimal("52.50"), Decimal("100.00"), "draft", 1),
    ]
    assert all(figure.updated_at is not None for figure in stored), "auto_now is stamped"


def test_insert_stores_json_as_json(plan, zhangdian, staff_zhangdian):
    figure = make_figure(target_named(plan, FITNESS), zhangdian, 2024, value=1)
    change = FigureChange(
        figure=figure,
        changed_by=staff_zhangdian,
        channel="excel",
        action="update",
        old={"value": "1"},
        new={"value": "2", "note": "区县填报"},
    )
    bulk.insert(FigureChange, [change])
    stored = FigureChange.objects.get(figure=figure)
    assert (stored.old, stored.new, stored.channel) == (
        {"value": "1"},
        {"value": "2", "note": "区县填报"},
        "excel",
    )


def test_insert_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert(Figure, []) == []
