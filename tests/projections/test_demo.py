import pytest

import projections.demo
import schools.demo
import targets.demo
from projections import outlook
from projections.models import Births

pytestmark = pytest.mark.django_db


def test_demo_births_follow_the_schools_and_show_a_shortfall_and_a_surplus(plan):
    targets.demo.seed(plan)
    schools.demo.seed(plan)
    assert projections.demo.seed(plan) == 11 * 12  # 2014–2025 in every district
    assert not Births.objects.filter(is_demo=False).exists()
    zhangdian = Births.objects.filter(district__slug="zhangdian")
    by_year = dict(zhangdian.values_list("year", "births"))
    assert by_year[2025] < 0.6 * by_year[2017], "births fell sharply after 2017"
    rows = {r.district.slug: r for r in outlook.outlooks(list(plan.city.districts.all()))}
    assert rows["zhangdian"].level("junior").shortfall_from is not None
    boshan = rows["boshan"].level("kindergarten")
    assert boshan.uses[2025] > 0.7 and boshan.surplus_from is not None
    # entry ratios near the demo's 1.02: the backtest of 小学 within a few per cent
    assert all(abs(r.level("primary").backtest.percent) < 3 for r in rows.values())
    assert projections.demo.seed(plan) == 0  # a second run adds nothing
