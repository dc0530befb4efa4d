"""Plans side by side: indicator keys, succession (the baseline carried over), the ended plan,
the plan switcher and `/` listing the plans. The second plans are the MADE-UP demo files
(fixtures/demo/, marked 演示): a 十五五 for Zibo and 示例市, an invented city."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from departments.models import District
from plans.models import Plan
from targets import succession
from targets.loading import PlanFileError, load_plan_file
from targets.models import Figure, Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"
SUCCESSOR = DEMO / "demo-zibo-2026-2030.yaml"
MADE_UP_CITY = DEMO / "demo-shili-2021-2025.yaml"


def by_indicator(plan, key):
    return Target.objects.of_plan(plan).get(indicator=key)


def test_every_zibo_target_has_its_own_indicator_key(plan):
    keys = list(Target.objects.of_plan(plan).values_list("indicator", flat=True))
    assert len(keys) == 53 and all(keys) and len(set(keys)) == 53
    assert by_indicator(plan, "kindergarten-public-share").name == "公办幼儿园在园幼儿占比"


def _edited(tmp_path, change) -> Path:
    data = yaml.safe_load(SUCCESSOR.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["parts"][1]["tasks"][0]["targets"][0].update(indicator="Bad Key"),
         "indicator key 'Bad Key'"),
        (lambda d: d["parts"][2]["tasks"][0]["targets"][1].update(
            indicator="kindergarten-public-share"), "'kindergarten-public-share' appears 2 times"),
        (lambda d: d["plan"].update(follows="no-such-plan"), "follows 'no-such-plan'"),
    ],
)  # fmt: skip
def test_bad_keys_and_an_unknown_predecessor_are_named_and_nothing_is_loaded(
    plan, tmp_path, change, problem
):
    with pytest.raises(PlanFileError) as error:
        load_plan_file(_edited(tmp_path, change))
    assert any(problem in p for p in error.value.problems), error.value.problems
    assert not Plan.objects.filter(slug="demo-zibo-2026-2030").exists()


def test_the_successors_baseline_equals_the_predecessors_final_figures(plan, zhangdian, zichuan):
    share = by_indicator(plan, "kindergarten-public-share")
    finals = {
        zhangdian: make_figure(share, zhangdian, 2025, state="approved",
                               numerator=Decimal(700), denominator=Decimal(1000)),
        zichuan: make_figure(share, zichuan, 2025, state="submitted",
                             numerator=Decimal(610), denominator=Decimal(1000)),
    }  # fmt: skip
    make_figure(share, District.objects.get(slug="boshan"), 2025, numerator=1, denominator=2)

    successor = load_plan_file(SUCCESSOR).plan
    assert successor.follows == plan and successor.baseline_year == plan.end_year
    new = by_indicator(successor, "kindergarten-public-share")
    carried = {f.district: f for f in Figure.objects.filter(target=new, year=2025)}
    assert set(carried) == {zhangdian, zichuan}  # a draft is no final figure
    for district, final in finals.items():
        copy = carried[district]
        assert (copy.numerator, copy.denominator, copy.state) == (
            final.numerator,
            final.denominator,
            final.state,
        )
        assert copy.carried_from == final and "沿用" in copy.source


def test_carrying_over_again_follows_a_corrected_final_figure_and_never_a_typed_one(
    plan, zhangdian, zichuan
):
    from targets import succession

    share = by_indicator(plan, "kindergarten-public-share")
    final = make_figure(share, zhangdian, 2025, state="approved", numerator=7, denominator=10)
    other = make_figure(share, zichuan, 2025, state="approved", numerator=5, denominator=10)
    successor = load_plan_file(SUCCESSOR).plan
    new = by_indicator(successor, "kindergarten-public-share")
    typed = Figure.objects.get(target=new, district=zichuan, year=2025)
    Figure.objects.filter(pk=typed.pk).update(carried_from=None, numerator=6)
    Figure.objects.filter(pk=final.pk).update(numerator=8)
    Figure.objects.filter(pk=other.pk).update(numerator=4)

    assert succession.carry_over(successor) == 1
    assert Figure.objects.get(target=new, district=zhangdian, year=2025).numerator == 8
    assert Figure.objects.get(pk=typed.pk).numerator == 6


def test_a_targets_page_shows_the_long_series_across_both_plans(client, city_admin, plan):
    share = by_indicator(plan, "kindergarten-public-share")
    for district in District.objects.filter(city=plan.city):
        for year, numerator in ((2020, 500), (2024, 640), (2025, 660)):
            make_figure(share, district, year, state="approved",
                        numerator=Decimal(numerator), denominator=Decimal(1000))  # fmt: skip
    load_plan_file(SUCCESSOR)
    client.force_login(city_admin)

    response = client.get(f"/progress/targets/{share.pk}/")

    assert response.status_code == 200
    rows = [(row.year, row.value, row.plan.slug, row.carried) for row, _ in
            response.context["long_series"]]  # fmt: skip
    assert rows == [
        (2020, Decimal(50), "zibo-2021-2025", False),
        (2021, None, "zibo-2021-2025", False),  # a year without figures is shown, not skipped
        (2022, None, "zibo-2021-2025", False),
        (2023, None, "zibo-2021-2025", False),
        (2024, Decimal(64), "zibo-2021-2025", False),
        (2025, Decimal(66), "zibo-2021-2025", True),
        (2030, None, "demo-zibo-2026-2030", False),  # no figures yet: its target, at its deadline
    ]
    page = response.content.decode()
    assert 'id="long-series"' in page and "并非所有区县的数据都已报送" in page
    assert response.context["long_chart"] is not None


def test_the_long_series_marks_the_carried_baseline_though_the_city_value_is_incomplete(plan):
    """张店区's 2025 figure is carried over, the other districts' are not in: 2025 has no city
    value, yet its row is there and says the baseline was carried over."""
    share = by_indicator(plan, "kindergarten-public-share")
    zhangdian = District.objects.get(city=plan.city, name="张店区")
    make_figure(share, zhangdian, 2025, state="approved",
                numerator=Decimal(700), denominator=Decimal(1000))  # fmt: skip
    load_plan_file(SUCCESSOR)

    rows = {row.year: row for row in succession.long_series(share, as_of=2025)}

    assert sorted(rows) == [2020, 2021, 2022, 2023, 2024, 2025, 2030]
    assert rows[2025].value is None and rows[2025].carried


def test_ended_means_closed_not_just_past_its_period(plan):
    assert plan.end_year < datetime.date.today().year and not plan.is_ended()
    plan.closed_on = datetime.date(2026, 3, 31)
    assert plan.is_ended(datetime.date(2026, 3, 31)) and not plan.is_ended(
        datetime.date(2026, 3, 30)
    )


def test_home_lists_the_plans_current_first_once_there_are_several(client, plan):
    assert client.get("/").status_code == 302  # one plan: straight to it
    load_plan_file(SUCCESSOR)
    load_plan_file(MADE_UP_CITY)
    Plan.objects.filter(pk=plan.pk).update(closed_on=datetime.date(2026, 3, 31))

    response = client.get("/")

    assert response.status_code == 200
    slugs = [row["plan"].slug for row in response.context["rows"]]
    assert slugs == ["demo-zibo-2026-2030", "demo-shili-2021-2025", "zibo-2021-2025"]
    assert [row["ended"] for row in response.context["rows"]] == [False, False, True]
    assert response.content.decode().count('class="demo-tag"') == 4  # in the switcher and the list


def test_the_header_switches_between_plans_and_marks_the_made_up_one(client, plan):
    load_plan_file(SUCCESSOR)
    zibo = client.get("/plans/zibo-2021-2025/").content.decode()
    assert 'class="plan-switch"' in zibo and "/plans/demo-zibo-2026-2030/" in zibo
    assert "demo-banner" not in zibo
    demo = client.get("/plans/demo-zibo-2026-2030/")
    assert demo.status_code == 200 and "demo-banner" in demo.content.decode()
    assert client.get("/targets/?plan=demo-zibo-2026-2030").context["plan"].is_demo


def test_a_second_plan_is_shown_and_exported_on_its_own(client, city_admin, plan):
    load_plan_file(SUCCESSOR)
    client.force_login(city_admin)
    targets = client.get("/api/targets/?plan=demo-zibo-2026-2030").json()
    codes = [t["code"] for t in (targets["targets"] if isinstance(targets, dict) else targets)]
    assert len(codes) == 5
    export = client.get("/progress/?plan=demo-zibo-2026-2030&_export=csv")
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "幼儿教师专科及以上学历占比" in text and "学生掌握运动技能" not in text


def test_the_demo_command_loads_the_made_up_plans_marked_and_closes_the_real_one(plan):
    from django.core.management import call_command

    from departments.models import Role

    call_command("load_demo_plans", "--close-predecessor", verbosity=0)
    demo = Plan.objects.filter(slug__startswith="demo-")
    assert demo.count() == 2 and all(p.is_demo and "演示" in p.title for p in demo)
    plan.refresh_from_db()
    assert plan.is_ended() and not plan.is_demo
    assert Role.objects.get(user__username="province-demo").kind == Role.Kind.PROVINCE


def test_the_demo_gives_the_made_up_city_its_own_staff_and_head_who_see_only_it(plan, client):
    from django.core.management import call_command
    from django.urls import reverse

    from departments.models import Role

    call_command("load_demo_plans", verbosity=0)
    made_up = Plan.objects.get(slug="demo-shili-2021-2025")
    staff = Role.objects.get(user__username="staff-shili")
    head = Role.objects.get(user__username="head-shili")
    assert staff.kind == Role.Kind.DISTRICT_STAFF and staff.district.city == made_up.city
    assert head.kind == Role.Kind.DEPARTMENT_HEAD and head.department.city == made_up.city
    client.force_login(staff.user)
    own = reverse("progress_district", args=[staff.district.slug])
    assert client.get(own).status_code == 200
    assert client.get(reverse("progress_district", args=["zhangdian"])).status_code == 404
    client.force_login(head.user)
    assert client.get(reverse("progress_overview") + f"?plan={plan.slug}").status_code == 404


def test_the_demo_fills_final_figures_only_where_a_district_has_its_final_figures_in(plan):
    from demo.management.commands.load_demo_plans import demo_final_figures

    share = by_indicator(plan, "kindergarten-public-share")
    other = Target.objects.of_plan(plan).exclude(pk=share.pk).filter(kind="rate").first()
    zhangdian = District.objects.get(city=plan.city, name="张店区")
    wenchanghu = District.objects.get(city=plan.city, name="文昌湖区")
    for district in (zhangdian, wenchanghu):
        make_figure(share, district, 2024, state="approved",
                    numerator=Decimal(600), denominator=Decimal(1000))  # fmt: skip
    make_figure(other, zhangdian, 2025, state="approved",
                numerator=Decimal(6), denominator=Decimal(10))  # fmt: skip
    successor = load_plan_file(SUCCESSOR).plan

    demo_final_figures(successor)

    filled = set(Figure.objects.filter(target=share, year=2025).values_list("district", flat=True))
    assert filled == {zhangdian.pk}  # 文昌湖区 still owes its final figures


def test_the_long_series_counts_approved_figures_only_unless_asked(client, city_admin, plan):
    """The target page says 仅依据已审核数据: a figure still awaiting review is not in its long
    series either, until the reader asks for submitted figures too."""
    share = by_indicator(plan, "kindergarten-public-share")
    for district in District.objects.filter(city=plan.city):
        make_figure(share, district, 2024, state="submitted",
                    numerator=Decimal(640), denominator=Decimal(1000))  # fmt: skip
    load_plan_file(SUCCESSOR)
    client.force_login(city_admin)

    official = client.get(f"/progress/targets/{share.pk}/").context["long_series"]
    asked = client.get(f"/progress/targets/{share.pk}/?submitted=1").context["long_series"]

    assert {row.year: row.value for row, _ in official}[2024] is None
    assert {row.year: row.value for row, _ in asked}[2024] == Decimal(64)


def test_a_successor_reports_its_first_year_not_its_carried_baseline(plan):
    successor = load_plan_file(SUCCESSOR).plan
    today = datetime.date(2026, 11, 23)
    assert plan.reporting_year(today) == 2025  # 十四五's final figures are still reported
    assert successor.baseline_year == 2025 and successor.reporting_year(today) == 2026
    assert successor.reporting_year(datetime.date(2028, 2, 1)) == 2027
