"""Shared fixtures: the real plan, loaded once per session, and one named user for every role.

The users are the ones the style guide names: staff of 张店区, staff of 淄川区 (the outsider for
张店区's data), the head of 市教育局 (a lead department), the city admin, and anonymous.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from departments.models import Department, District, Role
from plans.models import Plan

PLAN_SLUG = "zibo-2021-2025"


def pytest_configure(config) -> None:
    """In CI the real services are required: a missing one fails the run instead of skipping."""
    if os.environ.get("CI") != "true":
        return
    problems = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL in CI")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL must be set in CI")
    if problems:
        raise pytest.UsageError("; ".join(problems))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_in_process(request, settings):
    """Tests run tasks in-process, inline (not in the embedded default's background thread, unless
    a test asks for it); those marked `worker` use a real worker on Redis."""
    from zibo_edu.celery import app

    settings.ZIBO_TASKS_IN_BACKGROUND = False

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager or previous
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0)


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.select_related("city").get(slug=PLAN_SLUG)


def make_user(username: str, kind: str, **binding) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only")
    Role.objects.create(user=user, kind=kind, **binding)
    if kind == Role.Kind.CITY_ADMIN:
        user.is_staff = True
        user.save()
    return user


@pytest.fixture
def zhangdian(plan) -> District:
    return District.objects.get(city=plan.city, name="张店区")


@pytest.fixture
def zichuan(plan) -> District:
    return District.objects.get(city=plan.city, name="淄川区")


@pytest.fixture
def education_bureau(plan) -> Department:
    return Department.objects.get(city=plan.city, name="市教育局")


@pytest.fixture
def staff_zhangdian(zhangdian) -> User:
    return make_user("staff-zhangdian", Role.Kind.DISTRICT_STAFF, district=zhangdian)


@pytest.fixture
def staff_zichuan(zichuan) -> User:
    return make_user("staff-zichuan", Role.Kind.DISTRICT_STAFF, district=zichuan)


@pytest.fixture
def department_head(education_bureau) -> User:
    return make_user("head-education", Role.Kind.DEPARTMENT_HEAD, department=education_bureau)


@pytest.fixture
def city_admin(db) -> User:
    return make_user("city-admin", Role.Kind.CITY_ADMIN)


@pytest.fixture
def redis_url() -> str:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (the embedded default has no Redis)")
    return settings.REDIS_URL


def pytest_collection_modifyitems(config, items) -> None:
    """Live tests (a browser, a worker) last: they need committed data, so a transactional
    database, which Django empties after each such test; the others rely on the plan loaded
    once for the session."""
    items.sort(key=lambda item: item.get_closest_marker("live") is not None)


def make_figure(target, district, year, *, state="draft", **values):
    """A figure as it would stand after entry, without going through a view."""
    from targets.models import Figure

    return Figure.objects.create(target=target, district=district, year=year, state=state, **values)


def target_named(plan, name):
    from targets.models import Target

    return Target.objects.of_plan(plan).select_related("task").get(name=name)


# The task ledger (plans app): a co-operating department and one not involved in 二(一)4.


@pytest.fixture
def sports_bureau(plan) -> Department:
    return Department.objects.get(city=plan.city, name="市体育局")


@pytest.fixture
def head_sports(sports_bureau) -> User:
    """Head of 市体育局, which co-operates on 二(一)4 提升学生体质健康水平."""
    return make_user("head-sports", Role.Kind.DEPARTMENT_HEAD, department=sports_bureau)


@pytest.fixture
def head_uninvolved(plan) -> User:
    """Head of 市外办, which has no part in 二(一)4."""
    foreign = Department.objects.get(city=plan.city, name="市外办")
    return make_user("head-foreign-affairs", Role.Kind.DEPARTMENT_HEAD, department=foreign)


@pytest.fixture
def fitness_task(plan):
    from plans.models import Task

    return Task.objects.with_departments().get(part__plan=plan, code="二(一)4")


@pytest.fixture
def open_round(plan, city_admin):
    """The plan's final round (2025年下半年), opened by the city admin."""
    from ledger import ledger

    ledger.ensure_default_rounds(plan)
    final = plan.rounds.get(code="2025H2")
    ledger.open_round(final, city_admin)
    final.refresh_from_db()
    return final


@pytest.fixture
def recorder():
    """A real HTTP server on 127.0.0.1 recording what it is sent; robots may not reach it."""
    from tests import webhook_server

    server = webhook_server.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook_server(recorder, settings):
    """The recorder, which robots may reach: its host is a robot host, and plain HTTP to a
    private address allowed (settings.ROBOT_ALLOW_PRIVATE), as it never is in production."""
    settings.ROBOT_HOSTS = [*settings.ROBOT_HOSTS, "127.0.0.1"]
    settings.ROBOT_ALLOW_PRIVATE = True
    return recorder


# A second city: 示例市, a MADE-UP city of the demo files (fixtures/demo/, marked 演示), with its
# own staff and admin, and the provincial role (省教育厅) that reads every city.


@pytest.fixture
def shili_plan(db) -> Plan:
    from targets.loading import load_plan_file

    path = settings.BASE_DIR / "fixtures" / "demo" / "demo-shili-2021-2025.yaml"
    return load_plan_file(path).plan


@pytest.fixture
def staff_shili(shili_plan) -> User:
    district = District.objects.get(city=shili_plan.city, slug="dongcheng")
    return make_user("staff-shili-dongcheng", Role.Kind.DISTRICT_STAFF, district=district)


@pytest.fixture
def admin_shili(shili_plan) -> User:
    return make_user("admin-shili", Role.Kind.CITY_ADMIN, city=shili_plan.city)


@pytest.fixture
def province(db) -> User:
    return make_user("province-education", Role.Kind.PROVINCE)


@pytest.fixture
def recorder_elsewhere():
    """A second recorder: where a redirect would lead."""
    from tests import webhook_server

    server = webhook_server.start()
    yield server
    server.shutdown()
    server.server_close()
