"""The audit trail is append-only for everyone: not in the admin, not in the database."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from targets.models import FigureChange
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(plan, zhangdian, staff_zhangdian):
    target = target_named(plan, "普惠性幼儿园覆盖率")
    figure = make_figure(target, zhangdian, 2024, numerator=90, denominator=100)
    return FigureChange.objects.create(
        figure=figure, changed_by=staff_zhangdian, channel="form", action="create",
        new={"numerator": "90"},
    )  # fmt: skip


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.cn", "pw-for-tests-only")


@pytest.mark.parametrize("who", ["city_admin", "superuser"])
def test_nobody_deletes_an_audit_row_in_the_admin(client, change, who, request):
    client.force_login(request.getfixturevalue(who))
    url = f"/admin/targets/figurechange/{change.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/targets/figurechange/",
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert FigureChange.objects.filter(pk=change.pk).exists()
    listing = client.get("/admin/targets/figurechange/")
    assert listing.status_code == 200
    assert b"delete_selected" not in listing.content


@pytest.mark.parametrize("who", ["city_admin", "superuser"])
def test_nobody_changes_an_audit_row_in_the_admin(client, change, who, request):
    client.force_login(request.getfixturevalue(who))
    url = f"/admin/targets/figurechange/{change.pk}/change/"
    client.post(url, {"comment": "rewritten", "channel": "admin", "action": "x"})
    change.refresh_from_db()
    assert change.comment == ""
    assert client.get("/admin/targets/figurechange/add/").status_code == 403


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database refuses it on PostgreSQL"
)


@postgresql
def test_the_database_refuses_to_delete_audit_rows(change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # The check runs at commit; a test never commits, so ask for it at once.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS zibo_figurechange_no_delete IMMEDIATE")
        FigureChange.objects.filter(pk=change.pk).delete()
    assert FigureChange.objects.filter(pk=change.pk).exists()


@postgresql
def test_the_database_refuses_to_change_audit_rows(change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        FigureChange.objects.filter(pk=change.pk).update(comment="rewritten")
    change.refresh_from_db()
    assert change.comment == ""


@postgresql
def test_deleting_the_user_keeps_the_rows_and_deleting_a_figure_still_works(change):
    change.changed_by.delete()  # Django sets changed_by to NULL: allowed
    change.refresh_from_db()
    assert change.changed_by is None
    with transaction.atomic():
        change.figure.delete()
    assert not FigureChange.objects.filter(pk=change.pk).exists()
