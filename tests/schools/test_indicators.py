from decimal import Decimal

import pytest

from schools import indicators
from schools.indicators import IndicatorError, parse
from tests.conftest import make_figure, target_named
from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db

CARD = """
key: k
version: 1
name: n
definition: d
formula: f
numerator: {fields: [enrolled], schools: {category: kindergarten, inclusiveness: public}}
denominator: {fields: [enrolled], schools: {category: kindergarten}}
value_kind: percent
year_basis: school_year
census_day: 9月1日
document: doc
tolerance: 1
"""


def test_every_shipped_card_says_what_it_must():
    shipped = indicators.indicators()
    assert {
        "kindergarten-public-share",
        "kindergarten-inclusive-coverage",
        "compulsory-large-class-share",
        "compulsory-student-teacher-ratio",
    } <= set(shipped)
    for card in shipped.values():
        assert card.definition and card.formula and card.document and card.census_day
        assert card.source_tables()


def test_a_card_naming_an_unknown_field_or_school_kind_is_refused():
    with pytest.raises(IndicatorError, match="pupils is no statistics field"):
        parse(CARD.replace("fields: [enrolled], schools: {category: kindergarten}}",
                           "fields: [pupils]}"), "x.yaml")  # fmt: skip
    with pytest.raises(IndicatorError, match="inclusiveness"):
        parse(CARD.replace("inclusiveness: public", "inclusiveness: charity"), "x.yaml")
    with pytest.raises(IndicatorError, match="missing tolerance"):
        parse(CARD.replace("tolerance: 1", ""), "x.yaml")


@pytest.fixture
def kindergartens(zhangdian, zichuan):
    """张店区: 300 of 400 children in 公办园 (75%), 60 in 普惠性民办园; 淄川区: 100 of 200 (50%)."""
    make_statistics(make_school(zhangdian, inclusiveness="public"), 2024, enrolled=300)
    make_statistics(make_school(zhangdian, inclusiveness="inclusive_private"), 2024, enrolled=60)
    make_statistics(make_school(zhangdian, inclusiveness="private"), 2024, enrolled=40)
    make_statistics(make_school(zichuan, inclusiveness="public"), 2024, enrolled=100)
    make_statistics(make_school(zichuan, inclusiveness="private"), 2024, enrolled=100)
    # a primary school's pupils are no kindergarten's children
    make_statistics(make_school(zhangdian, "primary"), 2024, enrolled=900, classes=20)


def test_derived_values_per_district_and_city_are_sums_not_averages(
    plan, zhangdian, zichuan, kindergartens, django_assert_num_queries
):
    share = indicators.get("kindergarten-public-share")
    with django_assert_num_queries(1):
        by_district, city = indicators.derive(share, plan.city_id, [2024])
    assert by_district[(zhangdian.pk, 2024)].value == Decimal(75)
    assert by_district[(zichuan.pk, 2024)].value == Decimal(50)
    assert (city[2024].numerator, city[2024].denominator) == (400, 600)  # not (75 + 50) / 2
    coverage = indicators.get("kindergarten-inclusive-coverage")
    by_district, _city = indicators.derive(coverage, plan.city_id, [2024])
    assert by_district[(zhangdian.pk, 2024)].value == Decimal(90)


def test_target_page_shows_the_card_and_flags_a_figure_beyond_tolerance(
    plan, zhangdian, zichuan, kindergartens, city_admin, client
):
    target = target_named(plan, "公办幼儿园在园幼儿占比")
    make_figure(target, zhangdian, 2024, numerator=Decimal(290), denominator=Decimal(400))
    make_figure(target, zichuan, 2024, numerator=Decimal(101), denominator=Decimal(200))
    client.force_login(city_admin)
    page = client.get(f"/progress/targets/{target.pk}/").content.decode()
    assert "公办幼儿园在园幼儿数占全部幼儿园在园幼儿数的百分比" in page  # the 口径 card
    assert "9月1日" in page
    panel = page[page.index('id="indicator-panel"') :]
    zhangdian_row = panel[panel.index("张店区") : panel.index("</tr>", panel.index("张店区"))]
    assert "72.5%" in zhangdian_row and "75.0%" in zhangdian_row
    assert "待核对" in zhangdian_row  # 2.5 points apart, tolerance 1
    zichuan_row = panel[panel.index("淄川区") : panel.index("</tr>", panel.index("淄川区"))]
    assert "50.5%" in zichuan_row and "待核对" not in zichuan_row  # 0.5 points: within


def test_district_staff_see_only_their_districts_row(
    plan, zhangdian, kindergartens, staff_zhangdian, client
):
    target = target_named(plan, "公办幼儿园在园幼儿占比")
    client.force_login(staff_zhangdian)
    page = client.get(f"/progress/targets/{target.pk}/").content.decode()
    panel = page[page.index('id="indicator-panel"') :]
    assert "张店区" in panel and "淄川区" not in panel


def test_a_target_without_an_indicator_has_no_panel(plan, city_admin, client):
    target = target_named(plan, "学生体质健康测试优良率")
    client.force_login(city_admin)
    page = client.get(f"/progress/targets/{target.pk}/").content.decode()
    assert 'id="indicator-panel"' not in page
