import pytest

pytestmark = pytest.mark.django_db


def test_targets_api_lists_every_target_with_its_source(client, plan):
    data = client.get("/api/targets/").json()
    assert data["plan"] == plan.slug
    assert len(data["targets"]) == 53  # 46 + 7 added in issue 9
    fitness = next(t for t in data["targets"] if t["name"] == "学生体质健康测试优良率")
    assert fitness == {
        "code": "二(一)4-1",
        "name": "学生体质健康测试优良率",
        "task": "二(一)4",
        "lead_department": "市教育局",
        "kind": "rate",
        "unit": "%",
        "comparator": "gte",
        "value": 55,
        "per_units": 1,
        "direction": None,
        "every_year": False,
        "deadline_year": 2025,
        "binding": None,  # 未标注: Zibo's plan has no 属性 column
        "scope": "district",
        "reported_by": "districts",
        "numerator": "体质健康测试优良学生数",
        "denominator": "参加体质健康测试学生数",
        "value_text": "55%",
        "source_sentence": fitness["source_sentence"],
        # 分解目标 and 规划调整 (tests/targets/test_goals.py): none here
        "original_value": 55,
        "original_deadline_year": 2025,
        "adjustments": [],
        "district_values": {},
        "decomposition": None,
    }
    assert "到2025年学生体质健康测试优良率、合格率达到55%、95%以上" in fitness["source_sentence"]
    milestone = next(t for t in data["targets"] if t["kind"] == "milestone")
    assert milestone["value"] is None and milestone["comparator"] is None


def test_targets_api_query_count(client, plan, django_assert_max_num_queries):
    # + the adjustments, decompositions and districts' values, one query each
    with django_assert_max_num_queries(7):
        assert client.get("/api/targets/").status_code == 200
