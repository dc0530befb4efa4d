"""WCAG 2.1 AA, as axe-core checks it, on every page of the header for every role, and on the
detail pages people open from them (a target, a district, a task, a notice, a figure, the entry
page, the evaluation, the heat map). axe-core comes from npm (package.json; bin/setup --test)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from departments.models import District, Role
from ledger.models import Notice
from plans.models import Plan, Task
from targets.models import Figure, Target
from tests.browser.conftest import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One demo account per kind of user (seed_demo's names, and the province's reader), and None for
# a visitor not signed in.
ROLES = [None, "staff-zhangdian", "head-education", "city-admin", "province-demo"]


@pytest.fixture
def demo_site(site) -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/setup --test (npm install)")
    call_command("seed_demo", password="pw-for-tests-only", verbosity=0)
    return site


def _violations(page) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page, readably: one line per rule, with how many
    elements fail it, its first three elements and why the first one fails."""
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    lines = []
    for violation in result["violations"]:
        nodes = violation["nodes"]
        lines.append(
            f"  [{violation['impact']}] {violation['id']} ({len(nodes)} elements): "
            f"{violation['help']}"
        )
        for node in nodes[:3]:
            lines.append(f"      at {' '.join(node['target'])}: {node['html'][:100]}")
        lines.append("      " + " ".join(nodes[0]["failureSummary"].split())[:400])
    return lines


def _detail_pages(role: str | None) -> list[str]:
    """The pages people open from the header's lists, as far as the role may see them."""
    plan = Plan.objects.get(slug="zibo-2021-2025")
    task = Task.objects.filter(part__plan=plan).order_by("pk").first()
    target = Target.objects.get(code="二(一)4-1")
    # the header's search box: its results (notices among them for who may see them)
    pages = [task.get_absolute_url(), "/districts/zhangdian/", "/search/?q=张店", "/search/?q=督办"]
    if role is None:
        return pages
    pages += [
        f"/progress/targets/{target.pk}/",
        "/progress/districts/zhangdian/",
        "/progress/heatmap/",
    ]
    if role in ("staff-zhangdian", "city-admin"):
        zhangdian = District.objects.get(slug="zhangdian")
        figure = Figure.objects.filter(district=zhangdian, year=2024).order_by("pk").first()
        pages += ["/entry/zhangdian/2025/", f"/figures/{figure.pk}/", "/ledger/inbox/"]
    if role in ("head-education", "city-admin", "province-demo"):
        pages.append(f"/evaluation/{plan.slug}/")
    notice = Notice.objects.order_by("pk").first()
    if notice is not None and role == "city-admin":
        pages.append(f"/notices/{notice.pk}/")
    return pages


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_page_of_the_header_passes_axe_wcag_21_aa(demo_site, browser, role):
    site = demo_site
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    # An init script runs in every document before the page's own, and the page's CSP (no inline
    # script) does not apply to it.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    if role == "province-demo":
        make_user(role, Role.Kind.PROVINCE)
    if role:
        log_in(page, site, role)
    page.goto(site + "/")
    header = page.locator(".site-header a").evaluate_all("links => links.map(a => a.href)")
    paths = [href.removeprefix(site) for href in header if href.startswith(site)]
    paths += _detail_pages(role)
    failures = {}
    for path in dict.fromkeys(paths):
        response = page.goto(site + path)
        assert response.ok, f"{path}: {response.status}"
        if lines := _violations(page):
            failures[path] = lines
    context.close()
    if failures:
        report = "\n".join(f"{path}\n" + "\n".join(lines) for path, lines in failures.items())
        pytest.fail(f"axe: WCAG 2.1 AA violations ({role or 'anonymous'}):\n{report}", False)


def test_every_public_page_passes_axe_wcag_21_aa_at_1400_and_390_px(demo_site, browser):
    """The public pages (seed_demo publishes the plan): the plan, a target with its chart, a
    district, in Chinese and in English, wide and on a phone, without a horizontal scroll."""
    from django.core.cache import cache

    from plans.models import Plan
    from reports import publishing
    from reports.models import EvaluationReport

    report = EvaluationReport.objects.create(
        plan=Plan.objects.get(slug="zibo-2021-2025"), year=2025, format="pdf", state="done",
        file=b"%PDF-1.7",
    )  # fmt: skip
    publishing.publish(report, user=None)  # the plan page lists it
    cache.clear()
    root = "/public/zibo-2021-2025/"
    paths = [root, f"{root}targets/student-fitness-good-rate/", f"{root}districts/zhangdian/",
             f"{root}targets/kindergarten-public-share/"]  # fmt: skip
    paths += [f"{path}?lang=en" for path in paths]
    paths += [f"{root}?print=1", f"{root}targets/kindergarten-public-share/?lang=en&print=1"]
    failures = {}
    for width in (1400, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        for path in paths:
            response = page.goto(demo_site + path)
            assert response.ok, f"{path}: {response.status}"
            if lines := _violations(page):
                failures[f"{path} at {width} px"] = lines
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll})"
        context.close()
    if failures:
        report = "\n".join(f"{path}\n" + "\n".join(lines) for path, lines in failures.items())
        pytest.fail(f"axe: WCAG 2.1 AA violations on the public pages:\n{report}", False)
