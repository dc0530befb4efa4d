"""Users and roles: the binding lives in the database, and the admin is the city bureau's."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from departments.models import Role, role_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "binding"),
    [
        (Role.Kind.DISTRICT_STAFF, {}),
        (Role.Kind.DISTRICT_STAFF, {"department": "education"}),
        (Role.Kind.DEPARTMENT_HEAD, {}),
        (Role.Kind.DEPARTMENT_HEAD, {"district": "zhangdian"}),
        (Role.Kind.CITY_ADMIN, {"district": "zhangdian"}),
    ],
)
def test_database_refuses_a_role_bound_wrongly(kind, binding, zhangdian, education_bureau):
    objects = {"district": zhangdian, "department": education_bureau}
    user = User.objects.create_user("someone")
    role = Role(user=user, kind=kind, **{key: objects[key] for key in binding})
    with pytest.raises(ValidationError, match="区县填报员须绑定一个区县"):
        role.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        role.save()


def test_each_user_has_at_most_one_role(staff_zhangdian, zichuan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=staff_zhangdian, kind=Role.Kind.DISTRICT_STAFF, district=zichuan)


def test_role_of_anonymous_and_unassigned_users(client, db):
    from django.contrib.auth.models import AnonymousUser

    assert role_of(AnonymousUser()) is None
    assert role_of(User.objects.create_user("no-role")) is None


def test_login_then_header_shows_the_role_and_its_district(client, staff_zhangdian, zhangdian):
    response = client.post(
        reverse("login"), {"username": "staff-zhangdian", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    html = client.get(reverse("district_list")).content.decode()
    assert "区县填报员 · 张店区" in html
    assert f'href="/districts/{zhangdian.slug}/"' in html
    assert "管理后台" not in html


def test_wrong_password_is_refused_with_a_message(client, staff_zhangdian):
    response = client.post(reverse("login"), {"username": "staff-zhangdian", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_department_head_header_links_to_the_department(client, department_head, education_bureau):
    client.force_login(department_head)
    html = client.get(reverse("target_list")).content.decode()
    assert "牵头部门负责人 · 市教育局" in html
    assert f'href="{education_bureau.get_absolute_url()}"' in html


def test_logout_is_a_post_and_ends_the_session(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "退出" not in client.get(reverse("district_list")).content.decode()


@pytest.mark.parametrize(
    ("user_fixture", "admin_status"),
    [
        (None, 302),
        ("staff_zhangdian", 302),
        ("staff_zichuan", 302),
        ("department_head", 302),
        ("city_admin", 200),
    ],
)
def test_only_the_city_admin_enters_the_admin(client, request, user_fixture, admin_status):
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("admin:index"))
    assert response.status_code == admin_status
    if admin_status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_flag_alone_does_not_open_the_admin(client, staff_zhangdian):
    staff_zhangdian.is_staff = True
    staff_zhangdian.save()
    client.force_login(staff_zhangdian)
    assert client.get(reverse("admin:index")).status_code == 302


def test_city_admin_sees_the_admin_link_and_every_model_admin(client, city_admin, plan):
    client.force_login(city_admin)
    city_admin.is_superuser = True
    city_admin.save()
    assert "管理后台" in client.get(reverse("district_list")).content.decode()
    for name in (
        "departments_city",
        "departments_department",
        "departments_district",
        "departments_role",
        "auth_user",
        "plans_plan",
        "plans_part",
        "plans_task",
        "plans_taskdepartment",
        "targets_target",
    ):
        response = client.get(reverse(f"admin:{name}_changelist"), {"q": "教育"})
        assert response.status_code == 200, name


def test_seed_demo_creates_one_account_per_role_and_binding(plan):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    roles = Role.objects.select_related("district", "department")
    staff = roles.filter(kind=Role.Kind.DISTRICT_STAFF)
    assert {role.district.name for role in staff} == set(
        plan.city.districts.values_list("name", flat=True)
    )
    heads = {role.department.name for role in roles.filter(kind=Role.Kind.DEPARTMENT_HEAD)}
    assert heads == {"市委教育工委", "市教育局", "市体育局"}  # the leads, and one that co-operates
    admin = roles.get(kind=Role.Kind.CITY_ADMIN).user
    assert admin.is_staff and admin.check_password("zibo-demo-2025")
    assert "staff-zhangdian" in out.getvalue() and "zibo-demo-2025" in out.getvalue()
    call_command("seed_demo", stdout=StringIO())
    assert Role.objects.count() == 15
