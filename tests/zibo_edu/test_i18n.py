"""Simplified Chinese first, English on request."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "zibo_edu" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_chinese_even_for_an_english_browser(client, plan):
    response = client.get(reverse("target_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    assert "量化指标" in html and "牵头部门" in html


def test_english_on_request_and_it_sticks(client, plan):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/targets/"})
    assert response.status_code == 302
    html = client.get(reverse("target_list")).content.decode()
    assert "Quantitative targets" in html and "Lead department" in html
    assert "学生体质健康测试优良率" in html, "the plan's own words stay Chinese"


def test_chinese_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))
    assert {entry.msgid for entry in compiled} >= {entry.msgid for entry in catalogue}
