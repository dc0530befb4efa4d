"""Pages reachable by clicking, words instead of empty pages, and 403 pages that say why."""

import pytest

from departments.models import Department, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_committee_head(plan):
    committee = Department.objects.get(city=plan.city, name="市委教育工委")
    return make_user("head-committee", Role.Kind.DEPARTMENT_HEAD, department=committee)


def test_heat_map_headers_link_to_the_district_and_target_dashboards(client, city_admin):
    client.force_login(city_admin)
    html = client.get("/progress/heatmap/").content.decode()
    assert 'href="/progress/districts/zhangdian/"' in html
    assert 'href="/progress/districts/wenchanghu/"' in html
    assert 'href="/progress/targets/' in html


def test_district_list_and_page_link_to_the_dashboards_the_user_may_open(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    html = client.get("/districts/").content.decode()
    assert 'href="/progress/districts/zhangdian/"' in html
    assert 'href="/progress/districts/zichuan/"' not in html, "no dead link to another district"
    assert (
        'href="/progress/districts/zhangdian/"'
        in client.get("/districts/zhangdian/").content.decode()
    )
    assert "/progress/districts/zichuan/" not in client.get("/districts/zichuan/").content.decode()


def test_department_list_and_page_link_to_the_department_dashboard(
    client, department_head, education_bureau
):
    client.force_login(department_head)
    url = f'href="/progress/departments/{education_bureau.pk}/"'
    assert url in client.get("/departments/").content.decode()
    assert url in client.get(f"/departments/{education_bureau.pk}/").content.decode()


def test_district_staff_get_no_link_to_department_dashboards(client, staff_zhangdian):
    client.force_login(staff_zhangdian)
    assert "/progress/departments/" not in client.get("/departments/").content.decode()


def test_district_heading_reads_its_full_name_once(client, plan):
    html = client.get("/districts/zhangdian/").content.decode()
    assert "<h1>淄博市张店区</h1>" in html
    assert "淄博市张店区 区" not in html and "张店区 <span" not in html


def test_a_department_with_no_target_is_told_so_instead_of_zero_percent(
    client, work_committee_head
):
    client.force_login(work_committee_head)
    for url in ("/progress/", "/progress/heatmap/", "/completeness/2025/", "/review/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "市委教育工委未牵头" in html, url
        assert "0%" not in html, url


def test_the_403_page_says_why(client, staff_zhangdian, department_head, education_bureau):
    client.force_login(staff_zhangdian)
    response = client.get(f"/progress/departments/{education_bureau.pk}/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "此页面不面向您的角色" in html and "可以查看" not in html
    client.force_login(department_head)
    response = client.get("/entry/zhangdian/2024/")
    assert response.status_code == 403
    assert "可以查看" in response.content.decode(), "a head sees the district's figures"
