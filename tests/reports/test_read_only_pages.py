"""Pages to read answer a POST with 405: the province's POST to the reports list or an
evaluation page is refused out loud, never served as if it had been a GET."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/reports/", "/evaluation/", "/evaluation/zibo-2021-2025/"])
def test_a_post_to_a_page_to_read_is_refused(client, plan, province, url):
    client.force_login(province)
    assert client.get(url, follow=True).status_code == 200
    assert client.post(url).status_code == 405
