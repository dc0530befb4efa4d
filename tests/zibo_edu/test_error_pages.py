"""Users see the app's own error pages: in the demo too, never Django's yellow debug page."""

import re
from pathlib import Path

from django.conf import settings


def test_bin_demo_does_not_turn_the_debug_page_on():
    script = (Path(settings.BASE_DIR) / "bin" / "demo").read_text(encoding="utf-8")
    assert not re.search(r"^\s*export DEBUG=(1|true)\s*$", script, re.MULTILINE)
    assert "DEBUG=${DEBUG:-0}" in script


def test_an_unknown_address_shows_the_apps_own_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "该页面不存在" in html and "site-header" in html
    assert "URLconf" not in html
