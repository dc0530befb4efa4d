"""分解目标, 规划调整 and their audit in the city's admin: read only (the pages change them, audited
and with the standings rewritten), the districts' values inline, the document through the site's
download page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import District
from targets import goals
from targets.models import Decomposition, GoalChange, TargetAdjustment
from tests.conftest import target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(plan, city_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    zhangdian = District.objects.get(slug="zhangdian")
    document = goals.Document(
        "淄博市教育目标责任书",
        "淄教发〔2023〕5号",
        upload=SimpleUploadedFile("责任书.pdf", b"%PDF-1.7"),
    )
    passing = target_named(plan, "学生体质健康测试合格率")
    decomposition = goals.decompose(passing, {zhangdian: Decimal(97)}, document, city_admin, "form")
    adjustment = goals.adjust(target_named(plan, "学生体质健康测试优良率"), value=Decimal(58),
                              year=2025, reason="省定标准提高", user=city_admin, channel="form",
                              document=goals.Document("批复", "淄政字〔2024〕9号"))  # fmt: skip
    return decomposition, adjustment


def test_the_city_admin_reads_them_with_the_districts_values_inline(client, city_admin, recorded):
    decomposition, adjustment = recorded
    client.force_login(city_admin)
    page = client.get(f"/admin/targets/decomposition/{decomposition.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "淄教发〔2023〕5号" in html and "张店区" in html and "97.00" in html
    download = f"/progress/targets/{decomposition.target_id}/documents/decomposition/"
    assert f'href="{download}{decomposition.pk}/">责任书.pdf</a>' in html
    html = client.get(f"/admin/targets/targetadjustment/{adjustment.pk}/change/").content.decode()
    assert "省定标准提高" in html and "58.00" in html and "55.00" in html
    listing = client.get("/admin/targets/goalchange/").content.decode()
    assert listing.count("/admin/targets/goalchange/") >= 3  # the list and its 2 rows


@pytest.mark.parametrize("model", ["decomposition", "targetadjustment", "goalchange"])
def test_nothing_is_added_changed_or_deleted_there(client, city_admin, recorded, model):
    client.force_login(city_admin)
    pk = {"decomposition": Decomposition, "targetadjustment": TargetAdjustment,
          "goalchange": GoalChange}[model].objects.first().pk  # fmt: skip
    before = GoalChange.objects.count(), TargetAdjustment.objects.count()
    assert client.get(f"/admin/targets/{model}/add/").status_code == 403
    assert client.post(f"/admin/targets/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    changed = client.post(f"/admin/targets/{model}/{pk}/change/", {"title": "x", "value": "1"})
    assert changed.status_code == 403
    assert (GoalChange.objects.count(), TargetAdjustment.objects.count()) == before
