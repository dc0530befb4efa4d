"""The API fuzzed from its own OpenAPI schema (schemathesis): every operation the schema lists,
generated valid and invalid input, as each kind of caller (anonymous, district staff, a
co-operating department head with an open round to report in, the city admin, by HTTP Basic).
Never a 5xx, and every answer is one the schema declares: its status, content type and body."""

import re

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import FUZZ, Tally, basic

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_zhangdian", "head_sports", "city_admin"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # input the schema refuses is refused with a 4xx
]


def _schema():
    from zibo_edu.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = _schema()


@pytest.fixture
def in_test_transaction():
    """Served straight through WSGI, a request ends by closing the database connection, which
    would end the test's transaction: keep it open, as Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caller(request, open_round):
    """The Authorization header of `role` (none for anonymous), with its user created."""
    role = request.param
    if role == "anonymous":
        return {}
    user = request.getfixturevalue(role)
    return {"Authorization": basic(user.username)["HTTP_AUTHORIZATION"]}


def test_the_schema_lists_every_endpoint_of_the_api():
    """Nothing under /api/ is left out of the schema, hence out of the fuzzing below."""
    from django.urls import get_resolver

    from zibo_edu.views.api import api

    listed = {path for path in _schema().raw_schema["paths"]}
    routed = {  # a route's <converter:name> is the schema's {name}
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", f"/api/{pattern.pattern}")
        for resolver in get_resolver().url_patterns
        if str(getattr(resolver, "pattern", "")) == "api/"
        for pattern in resolver.url_patterns
    } - {"/api/openapi.json", "/api/"}
    assert routed == listed
    assert {"/api/plan/", "/api/districts/", "/api/targets/", "/api/figures/", "/api/progress/",
            "/api/tasks/", "/api/notices/", "/api/contributions/"} <= listed  # fmt: skip
    assert api.urls_namespace == "api"


def _headers(case, caller: dict) -> dict:
    """The caller's credentials, unless the case breaks its own Authorization header on purpose
    (a negative case: a missing or malformed one), which is then sent as made."""
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return {} if header is not None and header.mode.is_negative else caller


@pytest.mark.parametrize("caller", ROLES, indirect=True)
@schema.parametrize()
@settings(FUZZ)
def test_every_operation_answers_as_its_schema_says_never_a_5xx(case, caller, in_test_transaction):
    headers = _headers(case, caller)
    response = case.call(headers=headers)
    Tally.requests += 1
    if response.status_code >= 500:
        Tally.server_errors += 1
    case.validate_response(response, checks=CHECKS, headers=headers)
