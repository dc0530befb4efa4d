"""The admin speaks Chinese throughout: django-axes' sign-in records, Django's own new strings
(the accessible table headers of the index, the add-user help), in the city admin's language."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LEFTOVERS = ["Axes", "Access attempts", "Access failures", "Access logs", "Model name",
             "Add link", "Change or view list link"]  # fmt: skip


def test_the_admin_index_has_no_english_leftovers(client, plan, city_admin):
    client.force_login(city_admin)
    page = client.get("/admin/").content.decode()
    assert "访问尝试" in page
    for word in LEFTOVERS:
        assert f">{word}<" not in page and f"'{word}'" not in page, word


def test_the_sign_in_records_name_their_columns_in_chinese(client, plan):
    root = User.objects.create_superuser("root", "root@example.cn", "pw-for-tests-only")
    client.force_login(root)
    client.post("/accounts/logout/")
    client.force_login(root)
    page = client.get("/admin/axes/accesslog/").content.decode()
    for word in ("Attempt Time", "IP Address", "User Agent", "Logout Time"):
        assert word not in page, word
    assert "IP 地址" in page and "尝试时间" in page


def test_the_add_user_page_explains_itself_in_chinese(client, plan):
    root = User.objects.create_superuser("root", "root@example.cn", "pw-for-tests-only")
    client.force_login(root)
    page = client.get("/admin/auth/user/add/").content.decode()
    assert "After you’ve created a user" not in page


def test_every_field_the_admin_shows_has_a_name_of_its_own():
    """A field without a verbose_name shows its attribute in capitals ("Updated by", "Round") on a
    Chinese page: every field of the project's admin models is named, and named in Chinese."""
    from django.contrib import admin
    from django.utils import translation

    unnamed = []
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            if model._meta.app_label not in (
                "departments",
                "plans",
                "targets",
                "ledger",
                "reports",
            ):
                continue
            for field in model._meta.get_fields():
                if not getattr(field, "concrete", False) or field.auto_created:
                    continue
                shown = str(field.verbose_name)
                if shown in ("PDF", "SHA-256"):
                    continue  # the same words in Chinese
                if shown == field.name.replace("_", " ") or shown.isascii():
                    unnamed.append(f"{model._meta.label}.{field.name}: {shown}")
    assert unnamed == [], "\n".join(unnamed)
