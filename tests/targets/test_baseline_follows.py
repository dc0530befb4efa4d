"""A successor plan's baseline follows its predecessor's final figures in the same transaction:
approving, returning, reopening or correcting a 2025 figure of 十四五 updates the carried copy in
the (MADE-UP demo) 十五五, whether or not a copy existed; `carry_over_baseline` re-syncs in full;
the successor's pages say which baselines are still missing."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from departments.models import District
from targets.loading import load_plan_file
from targets.models import Figure, Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db
SUCCESSOR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml"
SLUG = "demo-zibo-2026-2030"
KEY = "kindergarten-public-share"


@pytest.fixture
def gaoqing(plan) -> District:
    return District.objects.get(city=plan.city, name="高青县")


@pytest.fixture
def successor(plan):
    """十五五 loaded before 高青县's 2025 figure was sent: no copy of it exists."""
    return load_plan_file(SUCCESSOR).plan


@pytest.fixture
def final(plan, gaoqing, successor) -> Figure:
    share = Target.objects.of_plan(plan).get(indicator=KEY)
    return make_figure(share, gaoqing, 2025, state="submitted",
                       numerator=Decimal(640), denominator=Decimal(1000))  # fmt: skip


def _missing_on(page: str) -> str:
    """The page's note of missing baselines ('' when it has none)."""
    start = page.find('id="missing-baselines"')
    return "" if start < 0 else page[start : page.index("</div>", start)]


def _copy(successor, gaoqing) -> Figure | None:
    return Figure.objects.filter(
        target__task__part__plan=successor, target__indicator=KEY, district=gaoqing, year=2025
    ).first()


def test_approving_a_final_figure_fills_the_successors_missing_baseline(
    client, city_admin, successor, gaoqing, final
):
    client.force_login(city_admin)
    before = client.get(f"/entry/gaoqing/2025/?plan={SLUG}").content.decode()
    assert _copy(successor, gaoqing) is None
    assert "公办幼儿园在园幼儿占比" in _missing_on(before)

    client.post(f"/figures/{final.pk}/", {"action": "approve"})

    copy = _copy(successor, gaoqing)
    assert copy is not None and copy.carried_from_id == final.pk
    assert (copy.numerator, copy.denominator, copy.state) == (640, 1000, "approved")
    after = client.get(f"/entry/gaoqing/2025/?plan={SLUG}").content.decode()
    assert "取自上一规划" in after and "公办幼儿园在园幼儿占比" not in _missing_on(after)


def test_returning_reopening_and_correcting_move_the_copy_with_its_source(
    client, city_admin, successor, gaoqing, final
):
    client.force_login(city_admin)
    client.post(f"/figures/{final.pk}/", {"action": "return", "reason": "请核实"})
    assert _copy(successor, gaoqing) is None  # a returned figure is no final figure yet

    Figure.objects.filter(pk=final.pk).update(state="submitted")
    client.post(f"/figures/{final.pk}/", {"action": "approve"})
    assert _copy(successor, gaoqing).state == "approved"

    client.post(f"/figures/{final.pk}/", {"action": "reopen", "reason": "区县申请更正"})
    assert _copy(successor, gaoqing).state == "draft"
    final.refresh_from_db()
    prefix = f"t{final.target_id}"
    client.post(
        "/entry/gaoqing/2025/",
        {f"{prefix}-numerator": "660", f"{prefix}-denominator": "1000",
         f"{prefix}-version": str(final.version), "action": "save"},
    )  # fmt: skip
    copy = _copy(successor, gaoqing)
    assert (copy.numerator, copy.state) == (660, "draft")  # corrected: the copy follows

    client.force_login(city_admin)
    entry = client.get(f"/entry/gaoqing/2025/?plan={SLUG}").content.decode()
    assert "公办幼儿园在园幼儿占比" in _missing_on(entry)  # a draft is not yet a baseline


def test_the_command_carries_over_what_the_app_missed_and_names_what_is_still_missing(
    successor, gaoqing, final
):
    Figure.objects.filter(pk=final.pk).update(state="approved")  # written outside the app
    out = StringIO()

    call_command("carry_over_baseline", stdout=out)

    assert _copy(successor, gaoqing).numerator == 640
    text = out.getvalue()
    assert f"{SLUG}: 1 baseline figures written" in text
    line = next(line for line in text.splitlines() if "二(二)1-1:" in line)
    assert "张店区" in line and "高青县" not in line


def test_the_successors_target_page_names_the_districts_without_a_baseline(
    client, city_admin, successor, gaoqing, final
):
    client.force_login(city_admin)
    new = Target.objects.of_plan(successor).get(indicator=KEY)
    page = client.get(f"/progress/targets/{new.pk}/?plan={SLUG}").content.decode()
    assert "高青县" in _missing_on(page)
    Figure.objects.filter(pk=final.pk).update(state="approved")
    call_command("carry_over_baseline", stdout=StringIO())
    page = client.get(f"/progress/targets/{new.pk}/?plan={SLUG}").content.decode()
    assert "高青县" not in _missing_on(page)


def test_the_successors_completeness_page_names_the_missing_baselines(
    client, city_admin, staff_zhangdian, successor, gaoqing, final
):
    client.force_login(city_admin)
    url = f"/completeness/2026/?plan={SLUG}"
    note = _missing_on(client.get(url).content.decode())
    line = next(li for li in note.split("<li>") if "二(二)1-1" in li)
    assert "高青县" in line
    client.post(f"/figures/{final.pk}/", {"action": "approve"})
    note = _missing_on(client.get(url).content.decode())
    line = next(li for li in note.split("<li>") if "二(二)1-1" in li)
    assert "高青县" not in line and "张店区" in line
    client.force_login(staff_zhangdian)  # their own district only
    note = _missing_on(client.get(url).content.decode())
    assert "张店区" in note and "淄川区" not in note
