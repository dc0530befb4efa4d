import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_department_page_splits_led_and_co_operated_tasks(client, education_bureau):
    response = client.get(reverse("department_detail", args=[education_bureau.pk]))
    assert response.status_code == 200
    led = [task.code for task in response.context["led_tasks"]]
    co_operated = [task.code for task in response.context["co_operated_tasks"]]
    assert "二(一)4" in led and "二(八)6" in led
    assert "二(一)1" not in led
    assert "三(三)" in led
    assert co_operated == []


def test_co_operating_department_page(client, plan):
    health = plan.city.departments.get(name="市卫生健康委")
    response = client.get(reverse("department_detail", args=[health.pk]))
    assert list(response.context["led_tasks"]) == []
    assert [t.code for t in response.context["co_operated_tasks"]] == ["二(一)4", "二(二)6"]
    assert "它不牵头规划中的任何任务" in response.content.decode()


def test_department_list_counts_led_and_co_operated_tasks(client, plan):
    response = client.get(reverse("department_list"))
    counts = {d.name: (d.led, d.co_operating) for d in response.context["departments"]}
    assert len(counts) == 30
    assert counts["市委教育工委"] == (5, 0)
    assert counts["市教育局"] == (46, 0)
    assert counts["市卫生健康委"] == (0, 2)
    assert sum(led for led, _co in counts.values()) == 51


def test_department_pages_query_count(client, education_bureau, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert (
            client.get(reverse("department_detail", args=[education_bureau.pk])).status_code == 200
        )
    with django_assert_max_num_queries(4):
        assert client.get(reverse("department_list")).status_code == 200


def test_district_list_shows_eleven_units_with_kinds(client, plan):
    response = client.get(reverse("district_list"))
    html = response.content.decode()
    assert len(response.context["districts"]) == 11
    for text in ("张店区", "沂源县", "文昌湖区", "县", "功能区"):
        assert text in html


def test_district_page_lists_targets_districts_report(client, zhangdian):
    response = client.get(reverse("district_detail", args=[zhangdian.slug]))
    targets = list(response.context["targets"])
    assert all(t.reported_by == "districts" for t in targets)
    assert "学生体质健康测试优良率" in [t.name for t in targets]
    assert "市级财政教育投入年均增长" not in [t.name for t in targets]


def test_unknown_department_or_district_is_404(client, plan):
    assert client.get(reverse("department_detail", args=[999999])).status_code == 404
    assert client.get(reverse("district_detail", args=["atlantis"])).status_code == 404


def test_the_admin_calls_a_city_a_city_not_the_city_level(client, plan):
    from django.contrib.auth.models import User
    from django.utils import translation

    from departments.models import City

    with translation.override("zh-hans"):
        assert str(City._meta.verbose_name) == "城市"
    with translation.override("en"):
        assert str(City._meta.verbose_name) == "city"
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    html = client.get("/admin/departments/city/").content.decode()
    assert "选择 城市 来修改" in html and "市级" not in html
