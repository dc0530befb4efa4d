"""Content-Security-Policy and Permissions-Policy on every page, with nothing inline left for
the policy to block; the public district list keeps staff numbers to itself; /healthz answers
over plain HTTP with HTTPS on."""

import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings

from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

PAGES = [
    ("anonymous", "/plans/zibo-2021-2025/"),
    ("anonymous", "/districts/"),
    ("anonymous", "/districts/zhangdian/"),
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/admin/login/"),
    ("anonymous", "/api/targets/"),
    ("anonymous", "/healthz"),
    ("anonymous", "/no-such-page/"),
    ("staff_zhangdian", "/entry/zhangdian/2024/"),
    ("staff_zhangdian", "/import/"),
    ("department_head", "/review/"),
    ("department_head", "/figures/{figure}/"),
    ("city_admin", "/progress/"),
    ("city_admin", "/progress/heatmap/"),
    ("city_admin", "/progress/targets/{target}/"),
    ("city_admin", "/completeness/2024/"),
    ("city_admin", "/reports/"),
    ("city_admin", "/admin/"),
    ("city_admin", "/admin/targets/figure/"),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.IGNORECASE)


@pytest.fixture
def figure(plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    return make_figure(
        fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10), state="submitted"
    )


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_every_page_carries_the_policies_and_nothing_inline(client, request, figure, role, url):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(url.format(figure=figure.pk, target=figure.target_id))
    assert response.status_code in (200, 404), url
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions
    assert "microphone=()" in permissions
    if response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), f"inline script on {url}"
        assert not INLINE_HANDLER.search(page), f"inline event handler on {url}"
        assert not INLINE_STYLE.search(page), f"inline style on {url}"


def test_the_500_page_has_no_inline_style():
    page = (settings.BASE_DIR / "templates" / "500.html").read_text()
    assert not INLINE_STYLE.search(page) and not INLINE_SCRIPT.search(page)


def test_select_all_on_the_review_page_is_a_static_script(client, department_head, figure):
    client.force_login(department_head)
    page = client.get("/review/").content.decode()
    assert 'data-select-all="figure"' in page
    assert "/static/js/select-all.js" in page
    assert client.get("/static/js/select-all.js").status_code == 200


def test_the_public_district_list_does_not_count_staff_accounts(client, staff_zhangdian):
    page = client.get("/districts/").content.decode()
    assert "张店区" in page
    assert "填报员账号" not in page and "Staff accounts" not in page


def _production(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9Vz4Rt8Wn3Ks6Jd1Hf5Gb0Yc",
        "ALLOWED_HOSTS": "edu.zibo.gov.cn,10.0.0.5",
        "ZIBO_HTTPS": "true",
        "REDIS_URL": "",
        **overrides,
    }


PROBE = """
import django
django.setup()
from django.test import Client
client = Client()
site = "edu.zibo.gov.cn"
for host, path in [("10.0.0.5", "/healthz"), (site, "/"), (site, "/accounts/login/")]:
    response = client.get(path, HTTP_HOST=host)
    print(path, response.status_code, response.get("Location", ""))
"""


def test_healthz_answers_over_plain_http_with_https_on(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=_production(DJANGO_SETTINGS_MODULE="zibo_edu.settings", ZIBO_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "/healthz 200 ", result.stdout + result.stderr
    assert lines[1] == "/ 301 https://edu.zibo.gov.cn/", "everything else still goes to HTTPS"
    assert lines[2].startswith("/accounts/login/ 301 https://")
