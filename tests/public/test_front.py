"""The public pages in front of Django (zibo_edu.lib.front, public.front): a kept page is served
without the middleware, and still never outlives a change of what the public may see."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from public import front, publication
from public.content import target_key
from public.models import Publication
from targets import figures
from zibo_edu.wsgi import application

pytestmark = pytest.mark.django_db

ROOT = "/public/zibo-2021-2025/"


@pytest.fixture(autouse=True)
def fresh_front():
    """As Django's test client does: no closing of the test's connection around a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    application.forget()
    front.forget()
    yield
    application.forget()
    front.forget()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def get(path: str, query: str = "", **extra) -> tuple[str, dict, str]:
    environ = RequestFactory().get(path, QUERY_STRING=query, **extra).environ
    environ["QUERY_STRING"] = query
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body.decode()


def test_a_kept_page_is_served_again_without_django(
    published, approved, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(front, "FRESH_SECONDS", 600.0)  # however slow the first answer was
    status, headers, body = get(ROOT)
    assert status.startswith("200")
    hits = application.hits
    with django_assert_num_queries(0):  # the version is kept for a second
        again = get(ROOT)
    assert application.hits == hits + 1
    assert again[2] == body
    assert again[1]["Content-Security-Policy"] == headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again[1]


def test_the_language_is_kept_apart(published, approved):
    assert 'lang="zh-hans"' in get(ROOT)[2]
    assert 'lang="en"' in get(ROOT, "lang=en")[2]
    assert 'lang="zh-hans"' in get(ROOT)[2]


def test_a_newly_approved_figure_appears_at_once(published, fitness, approved, submitted,
                                                 city_admin):  # fmt: skip
    url = f"{ROOT}targets/{target_key(fitness)}/"
    assert "77.8%" not in get(url)[2]
    assert "77.8%" not in get(url)[2]  # kept
    figures.approve([submitted], user=city_admin)
    assert "77.8%" in get(url)[2]


def test_a_withheld_target_disappears_at_once(published, fitness, approved, city_admin):
    url = f"{ROOT}targets/{target_key(fitness)}/"
    assert get(url)[0].startswith("200")
    get(url)
    publication.withhold(fitness, user=city_admin, reason="口径调整中")
    assert get(url)[0].startswith("404")
    assert fitness.name not in get(ROOT)[2]


def test_an_unpublished_plan_disappears_at_once(published, approved, city_admin):
    assert get(ROOT)[0].startswith("200")
    publication.unpublish(published, user=city_admin)
    assert get(ROOT)[0].startswith("404")


def test_another_process_change_is_seen_within_a_second(published, approved, monkeypatch):
    monkeypatch.setattr(front, "FRESH_SECONDS", 600.0)  # "a second", however slow this machine
    get(ROOT)
    kept = application.hits
    get(ROOT)
    assert application.hits == kept + 1
    # Another process moves the version: this one does not know until its second is over.
    Publication.objects.filter(plan=published).update(published=False)
    assert get(ROOT)[0].startswith("200")
    monkeypatch.setattr(front, "FRESH_SECONDS", 0.0)
    front.forget()  # as a second passing does
    assert get(ROOT)[0].startswith("404")


def test_preview_other_queries_and_other_hosts_are_not_kept(published, approved):
    hits = application.hits
    for _ in range(2):
        get(f"{ROOT}preview/")
        get(ROOT, "utm=1")
        get(ROOT, HTTP_HOST="evil.example")
    assert application.hits == hits
    assert application.answers == {}
    assert get(ROOT, HTTP_HOST="evil.example")[0].startswith("400")


def test_the_rate_limit_counts_kept_pages_too(published, approved, settings):
    settings.ZIBO_PUBLIC_RATE_PER_MINUTE = 3
    answers = [get(ROOT)[0][:3] for _ in range(4)]
    assert answers == ["200", "200", "200", "429"]
    assert get(ROOT, REMOTE_ADDR="10.0.0.9")[0].startswith("200")


def test_the_store_is_bounded_in_bytes(published, approved, monkeypatch):
    monkeypatch.setattr(application, "most_bytes", 1)  # any page is more: kept alone, then dropped
    get(ROOT)
    assert list(application.answers) and application.bytes == len(get(ROOT)[2].encode())
    get(f"{ROOT}districts/zhangdian/")
    assert len(application.answers) == 1  # the store started afresh
