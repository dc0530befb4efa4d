import pytest

pytestmark = pytest.mark.django_db


def test_plan_api_gives_parts_tasks_and_departments_with_roles(client, plan):
    response = client.get("/api/plan/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["plan"]["document_number"] == "淄政发〔2022〕2号"
    assert data["plan"]["issued_on"] == "2022-04-26"
    assert len(data["parts"]) == 12
    chapter = next(part for part in data["parts"] if part["code"] == "二(一)")
    task = next(task for task in chapter["tasks"] if task["code"] == "二(一)4")
    assert task["departments"] == [
        {"name": "市教育局", "role": "lead"},
        {"name": "市卫生健康委", "role": "co-operating"},
        {"name": "市体育局", "role": "co-operating"},
    ]
    key_tasks = [t for p in data["parts"] if p["kind"] == "key_tasks" for t in p["tasks"]]
    assert len(key_tasks) == 48


def test_plan_api_names_a_plan_and_404s_on_unknown(client, plan):
    assert client.get("/api/plan/?plan=zibo-2021-2025").json()["plan"]["slug"] == plan.slug
    assert client.get("/api/plan/?plan=nowhere").status_code == 404


def test_plan_api_is_read_only(client, plan):
    assert client.post("/api/plan/").status_code == 405


def test_plan_api_query_count(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/api/plan/").status_code == 200
