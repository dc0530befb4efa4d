"""What a client generated from /api/openapi.json sees: every field the answers carry, and the
allowed values of every state and status."""

import pytest

from ledger.models import LedgerState, Notice, TaskReport
from targets.models import Figure
from targets.progress import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/openapi.json").json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _response(schema: dict, path: str, method: str, status: int) -> dict:
    content = schema["paths"][path][method]["responses"][str(status)]["content"]
    return _resolve(schema, content["application/json"]["schema"])


def _enum(schema: dict, node: dict) -> set:
    """The allowed values of a property (its null branch left out)."""
    node = _resolve(schema, node)
    branches = node.get("anyOf", [node])
    values = set()
    for branch in branches:
        branch = _resolve(schema, branch)
        if branch.get("type") == "null":
            continue
        assert "enum" in branch or "const" in branch, f"no allowed values: {node}"
        values |= set(branch.get("enum", [branch.get("const")]))
    return values


def _property(schema: dict, model: str, name: str) -> dict:
    return schema["components"]["schemas"][model]["properties"][name]


def test_figure_conflict_refusal_carries_the_current_figure(schema):
    refusal = _response(schema, "/api/figures/", "post", 409)
    assert "current" in refusal["properties"]
    current = refusal["properties"]["current"]
    refs = [_resolve(schema, b) for b in current.get("anyOf", [current])]
    assert any("version" in r.get("properties", {}) for r in refs)


def test_contribution_conflict_refusal_carries_the_current_contribution(schema):
    refusal = _response(schema, "/api/contributions/", "post", 409)
    assert "current" in refusal["properties"]


def test_every_schema_component_name_stands_for_one_shape(schema):
    """Two answer shapes under one component name: the second silently replaces the first."""
    plain = _response(schema, "/api/districts/", "get", 404)
    assert "current" not in plain["properties"]


def test_states_and_statuses_list_their_allowed_values(schema):
    assert _enum(schema, _property(schema, "FigureOut", "state")) == set(Figure.State.values)
    assert _enum(schema, _property(schema, "ProgressOut", "status")) == set(Status.values)
    assert _enum(schema, _property(schema, "NoticeOut", "state")) == set(Notice.State.values)
    assert _enum(schema, _property(schema, "ContributionOut", "state")) == set(LedgerState.values)
    assert _enum(schema, _property(schema, "LedgerTaskOut", "state")) == set(LedgerState.values)
    assert _enum(schema, _property(schema, "LedgerTaskOut", "status")) == set(
        TaskReport.Status.values
    )
