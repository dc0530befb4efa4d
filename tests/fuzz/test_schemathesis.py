"""The API fuzzed from its own OpenAPI schema (schemathesis): every operation, generated valid
and invalid input, authenticated by Basic; never a 5xx."""

import pytest
import schemathesis
from hypothesis import settings

from tests.fuzz.conftest import FUZZ, Tally, basic

pytestmark = pytest.mark.django_db


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


@schema.parametrize()
@settings(FUZZ)
def test_the_api_answers_its_own_schema_without_a_5xx(case, staff_zhangdian, in_test_transaction):
    headers = {"Authorization": basic("staff-zhangdian")["HTTP_AUTHORIZATION"]}
    response = case.call(headers=headers)
    Tally.requests += 1
    if response.status_code >= 500:
        Tally.server_errors += 1
    assert response.status_code < 500, (case.method, case.path, case.body, response.text[:300])
