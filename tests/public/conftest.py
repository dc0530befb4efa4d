from decimal import Decimal

import pytest
from django.core.cache import cache

from public import publication
from targets import figures, standings
from tests.conftest import make_figure, target_named

FITNESS = "学生体质健康测试优良率"
SECRET_NOTE = "备注：仅供内部核对"


@pytest.fixture(autouse=True)
def empty_cache():
    """The pages' cache and the rate counters live in the process's memory: each test starts
    without them (the database, and so the plan's version, starts afresh too)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(plan, city_admin):
    publication.publish(plan, user=city_admin)
    return plan


@pytest.fixture
def fitness(plan):
    return target_named(plan, FITNESS)


@pytest.fixture
def approved(fitness, zhangdian, city_admin):
    """张店区's 2024 figure, approved: 50.0%."""
    figure = make_figure(
        fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10),
        state="submitted", note=SECRET_NOTE,
    )  # fmt: skip
    figures.approve([figure], user=city_admin)
    return figure


@pytest.fixture
def submitted(fitness, zichuan):
    """淄川区's 2024 figure, submitted and not approved: 77.8% must never be seen."""
    figure = make_figure(
        fitness, zichuan, 2024, numerator=Decimal(7), denominator=Decimal(9),
        state="submitted", note=SECRET_NOTE,
    )  # fmt: skip
    standings.refresh_figures([figure])
    return figure
