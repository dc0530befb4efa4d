"""The property-based fuzz suite (issue 13): every form and endpoint, hostile input, no 5xx and
nothing partly saved. FUZZ_EXAMPLES bounds the examples per test (CI: the default below)."""

import base64
import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    derandomize=os.environ.get("CI") == "true",  # CI runs are reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
FUZZ = settings.get_profile("fuzz")

# Strings that broke something once, and the kinds of text that do: NUL, lone surrogates (as
# far as a request can carry them), superscript and other non-ASCII digits, huge numbers.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "１２",
    "-1",
    "0",
    "1e14",
    "1e999",
    "NaN",
    "Infinity",
    "-inf",
    "99999999999999999999",
    "7.123",
    "abc",
    "<script>",
    "' OR 1=1 --",
    "x" * 300,
    "张店区",
    "city",
    "2024",
    "2020",
    "yes",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
number_like = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def basic(username: str) -> dict:
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def stored_state() -> tuple:
    """Everything a refused request must leave as it was."""
    from targets.models import Figure, FigureChange

    figures = tuple(
        Figure.objects.order_by("pk").values_list(
            "pk", "state", "version", "numerator", "denominator", "value", "note", "source"
        )
    )
    return figures, FigureChange.objects.count()


class Tally:
    """Counts the requests fuzzed and the 5xx answers, printed at the end of the session."""

    requests = 0
    server_errors = 0

    @classmethod
    def seen(cls, response) -> None:
        cls.requests += 1
        if response.status_code >= 500:
            cls.server_errors += 1


@pytest.fixture(scope="session", autouse=True)
def _tally():
    yield
    print(f"\nfuzz: {Tally.requests} requests, {Tally.server_errors} answered 5xx")


@pytest.fixture
def crash_client():
    """A client that answers a crash as the 500 a user would see, instead of raising it."""
    return Client(raise_request_exception=False)
