import pytest

pytestmark = pytest.mark.django_db


def test_districts_api_lists_the_eleven_units_with_their_kind(client, plan):
    data = client.get("/api/districts/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert data["city"] == "淄博市"
    assert [d["name"] for d in data["districts"]][:3] == ["张店区", "淄川区", "博山区"]
    assert len(data["districts"]) == 11
    wenchanghu = data["districts"][-1]
    assert wenchanghu == {
        "name": "文昌湖区",
        "full_name": "淄博文昌湖省级旅游度假区",
        "slug": "wenchanghu",
        "kind": "functional_area",
        "kind_label": "功能区",
    }


def test_districts_api_names_a_plan_and_answers_json_404_on_an_unknown_one(client, plan):
    assert client.get("/api/districts/?plan=zibo-2021-2025").json()["city"] == "淄博市"
    response = client.get("/api/districts/?plan=nowhere")
    assert response.status_code == 404
    assert response.json() == {"error": "No such plan has been loaded."}
    assert client.post("/api/districts/").status_code == 405
