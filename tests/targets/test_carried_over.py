"""Carried-over figures: a successor plan's baseline figure is the predecessor's final figure
(targets.succession). It is shown as such (取自上一规划) and never typed again: the entry form,
Excel/CSV import, the API and the admin each refuse to change it, naming the figure. The
successor is the MADE-UP demo 十五五 of Zibo (fixtures/demo/, marked 演示)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from targets.loading import load_plan_file
from targets.models import Figure, FigureChange, Target
from tests.conftest import make_figure

pytestmark = pytest.mark.django_db
SUCCESSOR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "demo-zibo-2026-2030.yaml"
SLUG = "demo-zibo-2026-2030"


@pytest.fixture
def carried(plan, zhangdian) -> Figure:
    """张店区's 2025 kindergarten share, approved in 十四五, carried over into 十五五."""
    share = Target.objects.of_plan(plan).get(indicator="kindergarten-public-share")
    make_figure(share, zhangdian, 2025, state="approved",
                numerator=Decimal(700), denominator=Decimal(1000))  # fmt: skip
    successor = load_plan_file(SUCCESSOR).plan
    figure = Figure.objects.select_related("target").get(
        target__task__part__plan=successor, target__indicator=share.indicator, district=zhangdian
    )
    assert figure.is_carried and not figure.is_editable
    return figure


def _unchanged(figure: Figure) -> bool:
    stored = Figure.objects.get(pk=figure.pk)
    return (stored.numerator, stored.denominator, stored.version) == (
        figure.numerator, figure.denominator, figure.version,
    ) and not FigureChange.objects.filter(figure=figure).exists()  # fmt: skip


def test_the_entry_page_shows_it_locked_as_taken_from_the_previous_plan(
    client, staff_zhangdian, carried
):
    client.force_login(staff_zhangdian)
    response = client.get(f"/entry/zhangdian/2025/?plan={SLUG}")
    assert response.status_code == 200
    assert "取自上一规划" in response.content.decode()
    forms = [form for _part, group in response.context["chapters"] for form in group]
    form = next(f for f in forms if f.target.pk == carried.target_id)
    assert form.locked and form.fields["numerator"].disabled


@pytest.mark.parametrize("version", ["", "1", "99"])
def test_the_entry_form_refuses_to_change_it_naming_the_figure(
    client, staff_zhangdian, carried, version
):
    client.force_login(staff_zhangdian)
    prefix = f"t{carried.target_id}"
    response = client.post(
        f"/entry/zhangdian/2025/?plan={SLUG}",
        {
            f"{prefix}-numerator": "800",
            f"{prefix}-denominator": "1000",
            f"{prefix}-version": version,
            "action": "save",
        },
        follow=True,
    )
    assert _unchanged(carried)
    shown = " ".join(str(m) for m in response.context["messages"])
    if version != str(carried.version):  # the page did not show it locked: refused by name
        assert carried.target.code in shown and "取自上一规划" in shown


def test_the_api_refuses_to_change_it_naming_the_figure(client, staff_zhangdian, carried):
    client.force_login(staff_zhangdian)
    response = client.post(
        f"/api/figures/?plan={SLUG}",
        {
            "target": carried.target.code,
            "district": "zhangdian",
            "year": 2025,
            "numerator": 800,
            "denominator": 1000,
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert carried.target.code in response.json()["error"]
    assert "取自上一规划" in response.json()["error"]
    assert _unchanged(carried)


def test_an_import_refuses_to_change_it_naming_the_figure(client, staff_zhangdian, carried):
    from targets import workbook

    client.force_login(staff_zhangdian)
    template = client.get(f"/entry/zhangdian/2025/template.xlsx?plan={SLUG}").content
    book = load_workbook(io.BytesIO(template))
    sheet = book["填报"]
    for row in sheet.iter_rows(min_row=workbook.FIRST_ROW):
        if row[2].value == carried.target.code:
            row[workbook.HEADERS.index("分子")].value = 800
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        f"/import/?plan={SLUG}", {"file": SimpleUploadedFile("f.xlsx", out.getvalue())}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert carried.target.code in page and "取自上一规划" in page
    assert _unchanged(carried)


def test_the_admin_refuses_to_change_it_naming_the_figure(client, city_admin, carried):
    client.force_login(city_admin)
    url = f"/admin/targets/figure/{carried.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "numerator" not in page.context["adminform"].form.fields  # shown read-only
    response = client.post(url, {"loaded_version": carried.version, "numerator": "800"})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert carried.target.code in errors and "取自上一规划" in errors
    assert _unchanged(carried)


def test_the_admin_add_form_cannot_overwrite_it(client, city_admin, carried, zhangdian):
    client.force_login(city_admin)
    response = client.post(
        "/admin/targets/figure/add/",
        {
            "target": carried.target_id,
            "district": zhangdian.pk,
            "year": 2025,
            "numerator": "800",
            "denominator": "1000",
        },
    )
    assert response.status_code == 200 and _unchanged(carried)


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_review_leaves_it_alone_its_state_follows_its_source(client, city_admin, carried, action):
    from targets import access

    client.force_login(city_admin)
    response = client.post(
        f"/figures/{carried.pk}/?plan={SLUG}", {"action": action, "reason": "核对"}, follow=True
    )
    assert Figure.objects.get(pk=carried.pk).state == carried.state and _unchanged(carried)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert carried.target.code in shown and "取自上一规划" in shown
    assert carried not in access.reviewable(city_admin)


def test_its_page_marks_it_and_offers_no_review(client, city_admin, carried):
    client.force_login(city_admin)
    page = client.get(f"/figures/{carried.pk}/?plan={SLUG}").content.decode()
    assert "取自上一规划" in page and 'value="reopen"' not in page


def test_its_state_and_values_follow_its_source_reviewed_in_the_previous_plan(
    client, city_admin, plan, zhangdian
):
    """Submitted in 十四五, carried over as submitted; approved there, the copy is approved too;
    reopened there, the copy follows again (it is never reviewed in the successor)."""
    from targets import figures

    share = Target.objects.of_plan(plan).get(indicator="kindergarten-public-share")
    source = make_figure(share, zhangdian, 2025, state="submitted",
                         numerator=Decimal(690), denominator=Decimal(1000))  # fmt: skip
    successor = load_plan_file(SUCCESSOR).plan
    copy = Figure.objects.get(target__task__part__plan=successor, carried_from=source)
    assert copy.state == "submitted"

    figures.approve([source], user=city_admin)
    copy.refresh_from_db()
    assert copy.state == "approved" and copy.numerator == Decimal(690)

    figures.reopen(Figure.objects.get(pk=source.pk), user=city_admin, reason="更正")
    copy.refresh_from_db()
    assert copy.state == Figure.objects.get(pk=source.pk).state != "approved"
