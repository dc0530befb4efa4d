"""Every page's query string, the entry form, the review actions, restore and the import upload,
fuzzed: never a 5xx, and a refused write leaves everything as it was."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_figure, target_named
from tests.fuzz.conftest import FUZZ, Tally, number_like, stored_state, text

pytestmark = pytest.mark.django_db

PARAMETERS = [
    "year",
    "page",
    "plan",
    "target",
    "district",
    "_export",
    "sort",
    "status",
    "department",
    "chapter",
    "submitted",
    "kind",
    "q",
    "round",
    "restore",
]


def _get_urls() -> list[str]:
    """Every URL without arguments, and those with an int or slug filled with a real value."""
    urls = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith("admin/"):
                    walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
                urls.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    extra = ["/entry/zhangdian/2024/", "/completeness/2024/", "/progress/districts/zhangdian/"]
    return sorted(set(urls) - {"/accounts/logout/", "/i18n/setlang/"}) + extra


URLS = _get_urls()


@pytest.fixture
def admin_client(crash_client, city_admin):
    crash_client.force_login(city_admin)
    return crash_client


@FUZZ
@given(
    url=st.sampled_from(URLS),
    query=st.dictionaries(st.sampled_from(PARAMETERS), text, max_size=3),
)
def test_every_page_answers_any_query_string_without_a_5xx(admin_client, plan, url, query):
    response = admin_client.get(url, query)
    Tally.seen(response)
    assert response.status_code < 500, (url, query)


@pytest.fixture
def entry_page(crash_client, staff_zhangdian, plan, zhangdian):
    crash_client.force_login(staff_zhangdian)
    bases = target_named(plan, "区县典型性劳动教育基地")
    fitness = target_named(plan, "学生体质健康测试优良率")
    make_figure(bases, zhangdian, 2024, value=Decimal(4))
    return crash_client, bases, fitness


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(["value", "numerator", "denominator", "note", "source", "version"]),
        number_like,
        max_size=4,
    ),
    other=st.dictionaries(
        st.sampled_from(["numerator", "denominator", "version", "achieved", "achieved_on"]),
        text,
        max_size=3,
    ),
    action=st.sampled_from(["save", "submit", "", "\x00"]),
)
def test_the_entry_form_never_crashes_and_refusals_change_nothing(
    entry_page, values, other, action
):
    client, bases, fitness = entry_page
    data = {f"t{bases.pk}-{k}": v for k, v in values.items()}
    data |= {f"t{fitness.pk}-{k}": v for k, v in other.items()}
    before = stored_state()
    response = client.post("/entry/zhangdian/2024/", {**data, "action": action})
    Tally.seen(response)
    assert response.status_code < 500, data
    if response.status_code != 302:
        assert stored_state() == before, data


@pytest.fixture
def submitted(plan, zhangdian):
    fitness = target_named(plan, "学生体质健康测试优良率")
    return make_figure(
        fitness, zhangdian, 2024, numerator=Decimal(5), denominator=Decimal(10), state="submitted"
    )


@FUZZ
@given(
    action=st.sampled_from(["approve", "return", "reopen", "restore", "", "x\x00"]),
    figure=st.lists(text, max_size=3),
    fields=st.dictionaries(st.sampled_from(["reason", "change", "confirmed"]), text, max_size=3),
)
def test_review_actions_and_restore_never_crash(admin_client, submitted, action, figure, fields):
    requests = [
        ("/review/", {"action": action, "figure": figure, **fields}),
        (f"/figures/{submitted.pk}/", {"action": action, **fields}),
    ]
    for url, data in requests:
        before = stored_state()
        response = admin_client.post(url, data)
        Tally.seen(response)
        assert response.status_code < 500, (url, data)
        if response.status_code >= 400:
            assert stored_state() == before, (url, data)


@FUZZ
@given(
    name=st.sampled_from(["figures.xlsx", "figures.csv", "figures.txt", "x.xls", "\x00.csv"]),
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(st.lists(st.one_of(text, number_like), min_size=1, max_size=8), max_size=5).map(
            lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "replace")
        ),
    ),
)
def test_the_import_upload_never_crashes_and_saves_nothing(
    crash_client, staff_zhangdian, plan, name, content
):
    crash_client.force_login(staff_zhangdian)
    before = stored_state()
    response = crash_client.post("/import/", {"file": SimpleUploadedFile(name, content)})
    Tally.seen(response)
    assert response.status_code < 500, (name, content[:100])
    assert stored_state() == before, "an upload only previews"
