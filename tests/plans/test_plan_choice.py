"""`?plan=<slug>` on every page, export and endpoint: that plan, or a 404; never the default plan
shown silently. One way to pick it: plans.access.plan_for_request."""

import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

from departments.models import Department
from plans.access import plan_for_request
from plans.models import Plan
from targets.models import Target

pytestmark = pytest.mark.django_db

SECOND = "test-second-plan"
PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "zibo-2021-2025.yaml"


@pytest.fixture
def second_plan(plan, tmp_path) -> Plan:
    """A made-up second plan of the same city: other title, only the first task with targets."""
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["plan"].update(slug=SECOND, title="测试用第二份规划", document_number="测试〔2026〕1号")
    kept = False
    for part in data["parts"]:
        for task in part.get("tasks", []):
            if task.get("targets") and not kept:
                kept = True
                task["targets"] = task["targets"][:1]
            else:
                task.pop("targets", None)
    path = tmp_path / "second.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("load_plan", str(path), verbosity=0)
    return Plan.objects.get(slug=SECOND)


# Every page, export and endpoint that shows a plan's data
# ({year}, {target}, {department} filled in).
PAGES = [
    "/targets/",
    "/departments/",
    "/departments/{department}/",
    "/districts/",
    "/districts/zhangdian/",
    "/entry/zhangdian/{year}/",
    "/entry/zhangdian/{year}/template.xlsx",
    "/import/",
    "/review/",
    "/completeness/{year}/",
    "/progress/",
    "/progress/?_export=csv",
    "/progress/?_export=xlsx",
    "/progress/heatmap/",
    "/progress/targets/{target}/",
    "/progress/districts/zhangdian/",
    "/progress/departments/{department}/",
    "/reports/",
    "/api/plan/",
    "/api/targets/",
    "/api/districts/",
    "/api/figures/",
    "/api/progress/",
]
REDIRECTS = ["/entry/", "/completeness/"]


def _fill(url: str, second_plan: Plan, education_bureau: Department) -> str:
    target = Target.objects.of_plan(second_plan).get()
    return url.format(year=2024, target=target.pk, department=education_bureau.pk)


def test_plan_for_request_picks_the_named_plan_the_default_or_404(plan, second_plan):
    from django.http import Http404

    factory = RequestFactory()
    assert plan_for_request(factory.get("/", {"plan": SECOND})) == second_plan
    assert plan_for_request(factory.get("/")) == plan
    for bad in ("nope", "\x00", "a b", "x" * 80, "../x"):
        with pytest.raises(Http404):
            plan_for_request(factory.get("/", {"plan": bad}))


def test_an_unknown_or_malformed_plan_is_a_404_everywhere(client, city_admin, second_plan):
    education_bureau = Department.objects.get(name="市教育局")
    client.force_login(city_admin)
    for url in PAGES + REDIRECTS:
        url = _fill(url, second_plan, education_bureau)
        joiner = "&" if "?" in url else "?"
        for bad in ("no-such-plan", "%00", "%E6%B7%84"):
            response = client.get(f"{url}{joiner}plan={bad}")
            assert response.status_code == 404, f"{url} plan={bad}: {response.status_code}"


def test_every_page_shows_the_plan_named(client, city_admin, second_plan):
    education_bureau = Department.objects.get(name="市教育局")
    client.force_login(city_admin)
    only_target = Target.objects.of_plan(second_plan).get()
    for url in PAGES:
        url = _fill(url, second_plan, education_bureau)
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}plan={SECOND}")
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)
            text = json.dumps(body, ensure_ascii=False)
            if url.startswith(("/api/plan/", "/api/targets/")):
                assert SECOND in text, url
            if url.startswith(("/api/targets/", "/api/progress/")):
                assert only_target.code in text and "二(二)1-1" not in text, url
        elif response.get("Content-Type", "").startswith("text/html"):
            assert response.context["plan"] == second_plan, url
            assert "测试用第二份规划" in response.content.decode(), url


def test_the_default_plan_does_not_show_the_second_plans_target(client, city_admin, second_plan):
    client.force_login(city_admin)
    target = Target.objects.of_plan(second_plan).get()
    assert client.get(f"/progress/targets/{target.pk}/").status_code == 404
    assert client.get(f"/progress/targets/{target.pk}/?plan={SECOND}").status_code == 200


def test_redirects_and_links_keep_the_plan(client, city_admin, staff_zhangdian, second_plan):
    client.force_login(staff_zhangdian)
    response = client.get(f"/entry/?plan={SECOND}")
    assert response.status_code == 302 and f"plan={SECOND}" in response["Location"]
    response = client.get(f"/completeness/?plan={SECOND}")
    assert response.status_code == 302 and f"plan={SECOND}" in response["Location"]
    assert client.get(f"/?plan={SECOND}")["Location"] == f"/plans/{SECOND}/"
    assert client.get("/?plan=no-such-plan").status_code == 404
    on_its_page = client.get(f"/plans/{SECOND}/").content.decode()
    assert f'href="/targets/?plan={SECOND}"' in on_its_page, "the plan's page keeps its plan"
    page = client.get(f"/districts/?plan={SECOND}").content.decode()
    assert f'href="/progress/?plan={SECOND}"' in page  # the header's links
    assert f'href="/districts/zhangdian/?plan={SECOND}"' in page
