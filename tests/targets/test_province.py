"""The province page: Zibo beside 示例市 (a MADE-UP city of the demo files, marked 演示) on the
indicators their plans share; the provincial role only; a constant number of queries."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from departments.models import District
from targets import progress, province, standings
from targets.display import describe
from targets.loading import load_plan_file
from targets.models import Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db

MADE_UP_CITY = Path(settings.BASE_DIR) / "fixtures" / "demo" / "demo-shili-2021-2025.yaml"


def _zibo_figures(plan, numerator):
    share = Target.objects.of_plan(plan).get(indicator="kindergarten-public-share")
    for district in District.objects.filter(city=plan.city):
        for year in (2020, 2024):
            make_figure(share, district, year, state="approved",
                        numerator=Decimal(numerator if year == 2024 else 400),
                        denominator=Decimal(1000))  # fmt: skip
    standings.refresh_plan(plan)  # as every write of figures does


def _made_up_figures(shili_plan):
    from demo.management.commands.load_demo_plans import seed_made_up_figures

    seed_made_up_figures(shili_plan)
    standings.refresh_plan(shili_plan)


def test_cities_side_by_side_on_shared_indicators(plan, shili_plan):
    _zibo_figures(plan, 700)  # 70%: past the 65% of Zibo's plan
    _made_up_figures(shili_plan)

    comparison = province.compare(2024)

    assert [c.name for c in comparison.cities] == sorted(["淄博市", "示例市(演示)"])
    keys = {row.key for row in comparison.indicators}
    assert keys == {"student-fitness-good-rate", "kindergarten-public-share",
                    "kindergarten-teacher-college-share", "after-school-service-coverage",
                    "compulsory-balanced-county-share"}  # fmt: skip
    share = next(r for r in comparison.indicators if r.key == "kindergarten-public-share")
    zibo = share.cells[plan.city_id]
    assert zibo.progress.value == Decimal(70) and zibo.progress.status == "met"
    assert shili_plan.city_id in share.cells
    # Zibo has figures for one shared indicator only: the others have no data, none behind
    standing = {s.city.name: s for s in comparison.standings}
    assert standing["淄博市"].compared == 5
    assert comparison.standings[0].behind >= comparison.standings[-1].behind


def test_the_page_is_the_provinces_and_marks_the_made_up_city(client, plan, shili_plan, province):
    _zibo_figures(plan, 700)
    Target.objects.of_plan(shili_plan).filter(indicator="kindergarten-public-share").update(
        value_text="<b>50%</b>以上"
    )  # the cells are made as HTML in the view: every value escaped
    client.force_login(province)
    response = client.get("/province/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert "示例市(演示)" in html and "demo-banner" in html and "淄博市" in html
    assert "幼儿园" in html and "2023" in html  # the indicators by name, and the year selector
    assert "kindergarten-public-share" not in html  # keys match cities; readers need only names
    assert "&lt;b&gt;50%&lt;/b&gt;以上" in html and "<b>50%" not in html


def test_in_the_final_year_a_missing_final_figure_is_counted_and_values_carry_their_year(
    client, plan, shili_plan, province
):
    """2025, both plans' last year: Zibo's 2024 value stands beside 缺最终数据 with its year, and
    the city is not shown as if it were on course: its missing final figures are counted."""
    from targets import province as province_module

    _zibo_figures(plan, 700)  # 2020 and 2024 only: no 2025 figure at all
    comparison = province_module.compare(2025)
    zibo = {s.city.name: s for s in comparison.standings}["淄博市"]
    assert zibo.behind == 0 and zibo.missing == 5 and len(zibo.missing_keys) == 5

    client.force_login(province)
    html = client.get("/province/?year=2025").content.decode()
    assert "70.0%（2024）" in html and "缺最终数据" in html


def _as_shown(target, shown):
    """What the page shows of a progress (numbers to the six places a standing stores)."""
    value = None if shown.value is None else round(shown.value, 6)
    return shown.status, value, shown.year, shown.count, shown.is_behind, describe(target, shown)


def _another_made_up_city(tmp_path, n):
    data = yaml.safe_load(MADE_UP_CITY.read_text(encoding="utf-8"))
    data["city"]["name"] = f"示例{n}市(演示)"
    data["plan"]["slug"] = f"demo-shili{n}-2021-2025"
    path = tmp_path / f"city{n}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_plan_file(path).plan


def test_the_province_page_runs_a_constant_number_of_queries(
    client, plan, shili_plan, province, tmp_path, django_assert_max_num_queries
):
    client.force_login(province)
    _zibo_figures(plan, 700)
    _made_up_figures(shili_plan)
    with django_assert_max_num_queries(9) as two:
        assert client.get("/province/?year=2024").status_code == 200
    for n in (2, 3):
        _made_up_figures(_another_made_up_city(tmp_path, n))
    with django_assert_max_num_queries(len(two.captured_queries)) as four:
        response = client.get("/province/?year=2024")
    assert len(response.context["comparison"].cities) == 4
    assert len(four.captured_queries) == len(two.captured_queries)


def test_the_comparison_reads_plans_targets_and_standings_only(
    plan, shili_plan, django_assert_num_queries
):
    _made_up_figures(shili_plan)
    with django_assert_num_queries(3):  # no figure is read: the standings hold the progress
        comparison = province.compare(2024)
    assert comparison.indicators


@pytest.mark.parametrize("year", [2021, 2023, 2024, 2025])
def test_the_stored_comparison_is_the_one_computed_afresh_from_the_figures(
    plan, shili_plan, tmp_path, year
):
    _made_up_figures(shili_plan)
    _made_up_figures(_another_made_up_city(tmp_path, 2))
    _zibo_figures(plan, 600)  # 60%: short of Zibo's 65%
    share = Target.objects.of_plan(plan).get(indicator="kindergarten-public-share")
    zhangdian = District.objects.get(city=plan.city, slug="zhangdian")
    make_figure(share, zhangdian, 2025, state="submitted", numerator=Decimal(990),
                denominator=Decimal(1000))  # fmt: skip  # not approved: not compared
    standings.refresh_plan(plan)

    comparison = province.compare(year)

    cells = [(row.key, city, cell) for row in comparison.indicators
             for city, cell in row.cells.items()]  # fmt: skip
    assert len(cells) >= 3 * len(comparison.indicators) - 3
    assert {cell.progress.status for _key, _city, cell in cells} - {"no_data"}
    for key, city, cell in cells:
        plan_of_city = comparison.plans[city]
        target = Target.objects.get(pk=cell.target.pk)
        afresh = progress.board(
            plan_of_city, year, targets=[target],
            districts=list(District.objects.filter(city=city)), show=[],
        ).city[target.pk]  # fmt: skip
        assert (key, _as_shown(cell.target.shape, cell.progress)) == (
            key, _as_shown(target, afresh)
        )  # fmt: skip
    standing = {s.city.pk: s for s in comparison.standings}
    for city in comparison.cities:
        behind = [r.name for r in comparison.indicators
                  if city.pk in r.cells and r.cells[city.pk].progress.is_behind]  # fmt: skip
        assert sorted(standing[city.pk].behind_keys) == sorted(behind)


def test_a_made_up_citys_report_mail_and_reminder_name_its_own_city_and_plan(
    shili_plan, mailoutbox
):
    import datetime

    from reports import delivery
    from reports.models import Report

    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    report = Report(plan=shili_plan, district=dongcheng, month=datetime.date(2025, 6, 1))
    subject, body = delivery._subject(report), delivery._body(report)
    assert "示例市教育事业发展“十四五”规划(演示,虚构示例)" in subject
    assert "示例市(演示)教育局" in body and "淄博" not in subject + body


def test_a_made_up_citys_district_report_speaks_of_its_own_citys_plan(plan, shili_plan):
    import datetime

    from reports.rendering import render_report_html

    _made_up_figures(shili_plan)
    dongcheng = District.objects.get(city=shili_plan.city, slug="dongcheng")
    html = render_report_html(dongcheng, datetime.date(2025, 6, 1))
    assert shili_plan.title in html and "淄博" not in html
