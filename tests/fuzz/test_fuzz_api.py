"""POST /api/figures/ with anything: a 4xx names what is wrong and changes nothing; never 5xx."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, NASTY, Tally, basic, number_like, stored_state, text

pytestmark = pytest.mark.django_db

FIELDS = [
    "target",
    "district",
    "year",
    "numerator",
    "denominator",
    "value",
    "achieved",
    "achieved_on",
    "note",
    "source",
    "version",
]
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
plausible = st.fixed_dictionaries(
    {
        "target": st.sampled_from(["二(一)6-3", "二(一)4-1", "二(二)1-1", "nope", *NASTY[:6]]),
        "district": st.sampled_from(["zhangdian", "zichuan", "city", "", "\x00"]),
        "year": st.one_of(st.integers(2018, 2027), number_like),
    },
    optional={
        name: st.one_of(number_like, json_value)
        for name in ("numerator", "denominator", "value", "version")
    }
    | {"achieved": json_value, "achieved_on": json_value, "note": text, "source": text},
)
raw_tail = st.sampled_from(
    [
        "",
        ', "value": NaN',
        ', "value": Infinity',
        ', "value": 1e999',
        ', "value": 1, "value": 2',
        ', "note": "\\ud800"',
        ', "note": "\\u0000"',
        ', "x": ' + "[" * 5000 + "]" * 5000,
    ]
)


@FUZZ
@given(
    body=st.one_of(plausible, st.dictionaries(st.sampled_from(FIELDS), json_value)), tail=raw_tail
)
def test_api_post_never_crashes_and_refusals_change_nothing(
    crash_client, staff_zhangdian, body, tail
):
    raw = json.dumps(body, ensure_ascii=False)
    if raw.endswith("}") and len(raw) > 2:
        raw = raw[:-1] + tail + "}"
    before = stored_state()
    response = crash_client.post(
        "/api/figures/", raw, content_type="application/json", **basic("staff-zhangdian")
    )
    Tally.seen(response)
    assert response.status_code < 500, (raw[:300], response.content[:300])
    if response.status_code >= 400:
        assert stored_state() == before, raw[:300]
        assert response.json()["error"]


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_api_post_of_any_bytes_is_a_clean_answer(crash_client, staff_zhangdian, raw):
    before = stored_state()
    response = crash_client.post(
        "/api/figures/", raw, content_type="application/json", **basic("staff-zhangdian")
    )
    Tally.seen(response)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert stored_state() == before
