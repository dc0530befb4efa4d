"""The header's search box: targets, tasks, districts and departments by words or code, for
everyone; notices only to who may see them (the ledger's provider)."""

import datetime

import pytest
from django.utils import timezone

from ledger import notices

pytestmark = pytest.mark.django_db


def _titles(response) -> str:
    return response.content.decode()


def test_the_header_offers_a_search_box_on_every_page(client, plan):
    page = client.get("/targets/").content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page and 'name="q"' in page


def test_a_target_is_found_by_its_code_and_by_its_words(client, plan):
    by_code = client.get("/search/", {"q": "二(一)4-1"}).content.decode()
    assert "学生体质健康测试优良率" in by_code
    by_words = client.get("/search/", {"q": "体质 优良"}).content.decode()
    assert "学生体质健康测试优良率" in by_words
    assert "淄博市教育局" not in by_words  # every word must match: not every department


def test_tasks_districts_and_departments_are_found(client, plan):
    page = client.get("/search/", {"q": "张店"}).content.decode()
    assert "张店区" in page and "/districts/zhangdian/" in page
    page = client.get("/search/", {"q": "市体育局"}).content.decode()
    assert "市体育局" in page and "/departments/" in page
    page = client.get("/search/", {"q": "二(一)4"}).content.decode()
    assert "/plans/zibo-2021-2025/tasks/2-1-4/" in page


def test_nothing_found_says_so(client, plan):
    page = client.get("/search/", {"q": "没有这样的词语"}).content.decode()
    assert "没有找到" in page or "Nothing found" in page


def test_a_query_too_long_is_refused_naming_the_bound(client, plan):
    response = client.get("/search/", {"q": "字" * 101})
    assert response.status_code == 400
    assert "100" in response.content.decode()


def test_links_keep_the_plan_named_in_the_request(client, plan):
    page = client.get("/search/", {"q": "张店", "plan": plan.slug}).content.decode()
    assert f"/districts/zhangdian/?plan={plan.slug}" in page


@pytest.fixture
def notice(plan, city_admin, zhangdian):
    return notices.issue(
        plan,
        city_admin,
        subject="关于体质健康监测进度的督办通知",
        facts="体质健康测试优良率低于目标",
        requirements="请整改",
        reply_deadline=timezone.localdate() + datetime.timedelta(days=15),
        district=zhangdian,
    )


def test_a_notice_is_found_by_its_recipient_and_the_city(
    client, notice, staff_zhangdian, city_admin
):
    for user in (staff_zhangdian, city_admin):
        client.force_login(user)
        page = client.get("/search/", {"q": "督办 体质"}).content.decode()
        assert notice.subject in page and notice.get_absolute_url() in page
        page = client.get("/search/", {"q": notice.number}).content.decode()
        assert notice.subject in page


def test_a_notice_is_hidden_from_who_may_not_see_it(client, notice, staff_zichuan):
    assert notice.subject not in client.get("/search/", {"q": "督办"}).content.decode()
    client.force_login(staff_zichuan)
    assert notice.subject not in client.get("/search/", {"q": "督办"}).content.decode()
