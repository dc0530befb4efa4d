import pytest

pytestmark = pytest.mark.django_db


def test_a_post_only_address_opened_in_the_browser_says_so(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/reports/generate/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert "此地址用于提交表单" in page and "未做任何操作" in page


def test_the_api_keeps_its_own_405(client, city_admin):
    client.force_login(city_admin)
    response = client.delete("/api/plans/")
    assert response.status_code in (405, 404)
    assert "此地址用于提交表单" not in response.content.decode()
