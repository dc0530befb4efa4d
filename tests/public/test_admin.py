"""Publishing in the admin: the city admin publishes a plan and withholds a target with a reason,
each audited (who, when, why), and previews exactly what the public will see."""

import pytest

from public.content import target_key
from public.models import Publication, PublicationChange, Withholding

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(plan):
    return Publication.objects.create(plan=plan)


def test_city_admin_publishes_a_plan_from_the_admin_and_it_is_audited(client, city_admin, row):
    client.force_login(city_admin)
    response = client.post(
        "/admin/public/publication/",
        {"action": "publish", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.published and row.published_at
    change = PublicationChange.objects.get()
    assert (change.action, change.changed_by, change.plan) == ("publish", city_admin, row.plan)
    client.logout()
    assert client.get("/public/zibo-2021-2025/").status_code == 200


def test_withholding_a_target_keeps_its_reason_in_the_audit(client, city_admin, published, fitness):
    client.force_login(city_admin)
    response = client.post(
        "/admin/public/withholding/add/", {"target": fitness.pk, "reason": "口径调整中"}
    )
    assert response.status_code == 302
    assert Withholding.objects.get().target == fitness
    change = PublicationChange.objects.get(action="withhold")
    assert (change.target, change.comment, change.changed_by) == (fitness, "口径调整中", city_admin)
    url = f"/public/zibo-2021-2025/targets/{target_key(fitness)}/"
    assert client.get(url).status_code == 404
    withholding = Withholding.objects.get()
    client.post(f"/admin/public/withholding/{withholding.pk}/delete/", {"post": "yes"})
    assert PublicationChange.objects.filter(action="release", target=fitness).exists()
    assert client.get(url).status_code == 200


def test_withholding_needs_a_reason(client, city_admin, published, fitness):
    client.force_login(city_admin)
    response = client.post("/admin/public/withholding/add/", {"target": fitness.pk, "reason": ""})
    assert response.status_code == 200  # the form again, with its error
    assert not Withholding.objects.exists()


def test_preview_shows_an_unpublished_plan_as_the_public_would_see_it(
    client, city_admin, plan, approved, row
):
    client.force_login(city_admin)
    preview = client.get("/public/zibo-2021-2025/preview/")
    assert preview.status_code == 200
    assert "预览" in preview.content.decode()
    assert preview["Cache-Control"] == "private, no-store"
    target = client.get(f"/public/zibo-2021-2025/preview/targets/{target_key(approved.target)}/")
    assert "50.0%" in target.content.decode()
    admin_list = client.get("/admin/public/publication/").content.decode()
    assert "/public/zibo-2021-2025/preview/" in admin_list
    client.logout()
    assert client.get("/public/zibo-2021-2025/").status_code == 404  # still unpublished


@pytest.mark.parametrize("role", ["staff_zhangdian", "department_head"])
def test_other_roles_neither_preview_nor_publish(client, request, role, row):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/public/zibo-2021-2025/preview/").status_code == 404
    client.post("/admin/public/publication/", {"action": "publish", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert not row.published
