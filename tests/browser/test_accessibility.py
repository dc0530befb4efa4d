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
    # one 约束性 target behind its path from the mid-term on: its 预警 marks are on the pages
    Target.objects.filter(code="二(一)6-3").update(binding=Target.Binding.BINDING)
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
        "/projections/?level=junior",
        "/projections/districts/zhangdian/",
        "/projections/births/",
        "/progress/?year=2023",  # 序时进度 预警 (as of the mid-term year)
        "/progress/districts/zhangdian/?year=2023",
    ]
    if role in ("staff-zhangdian", "city-admin"):
        zhangdian = District.objects.get(slug="zhangdian")
        figure = Figure.objects.filter(district=zhangdian, year=2024).order_by("pk").first()
        pages += ["/entry/zhangdian/2025/", f"/figures/{figure.pk}/", "/ledger/inbox/"]
    if role == "city-admin":  # 分解目标 and 规划调整
        pages += [
            f"/progress/targets/{target.pk}/decomposition/",
            f"/progress/targets/{target.pk}/adjustment/",
        ]
    if role in ("head-education", "city-admin", "province-demo"):
        pages.append(f"/evaluation/{plan.slug}/")
    pages += _schools_pages(role)
    # county 督导 evaluations: staff their county's, the others any county's and the city's
    pages += ["/inspections/balanced/zhangdian/", "/inspections/preschool/zhangdian/"]
    if role != "staff-zhangdian":
        pages += ["/inspections/preschool/", "/inspections/balanced/yiyuan/"]
    if role == "city-admin":
        pages.append("/inspections/balanced/huantai/items/")
    notice = Notice.objects.order_by("pk").first()
    if notice is not None and role == "city-admin":
        pages.append(f"/notices/{notice.pk}/")
    if role == "city-admin":
        pages.append("/notices/")  # with its suggested notices
    return pages


def _schools_pages(role: str | None) -> list[str]:
    """The schools pages a role may open: a district's schools with a filter, a mixed school
    (with its grades), an indicator, the import page (those who import)."""
    from schools.models import School

    if role is None or role == "province-demo":
        return []
    school = School.objects.filter(district__slug="zhangdian", category="nine_year").first()
    pages = [
        "/schools/districts/zhangdian/?category=kindergarten",
        f"/schools/{school.code}/",
        "/indicators/kindergarten-public-share/?district=zhangdian",
    ]
    if role in ("staff-zhangdian", "city-admin"):
        pages.append("/schools/import/")
    return pages


@pytest.mark.parametrize("role", ["staff-zhangdian", "city-admin"])
def test_the_schools_pages_pass_axe_at_390_px_in_both_languages(demo_site, browser, role):
    """The schools pages on a phone, in Chinese and in English (the header's switch): no
    sideways scroll, no axe violation, and in English no Chinese in the page's own words
    (headings, labels, buttons, table headers; data such as names and the workbook's sheet and
    column names stay Chinese)."""
    import re

    site = demo_site
    paths = ["/schools/", *_schools_pages(role)]
    names = [*District.objects.values_list("name", flat=True), "淄博市"]
    data = re.compile("|".join(map(re.escape, names)))  # the city's and districts' names: data
    failures = {}
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 900})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    log_in(page, site, role)
    for language in ("zh-hans", "en"):
        context.add_cookies([{"name": "django_language", "value": language, "url": site}])
        for path in paths:
            response = page.goto(site + path)
            assert response.ok, f"{path}: {response.status}"
            if lines := _violations(page):
                failures[f"{path} ({language})"] = lines
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= 390, f"{path} ({language}) scrolls sideways at 390 px ({scroll})"
            if language == "en":
                words = page.locator(
                    "main h1 ~ * th, main label, main button, main h2, main legend"
                ).evaluate_all("nodes => nodes.map(n => n.innerText)")
                chinese = [w for w in words if re.search("[\u4e00-\u9fff]", data.sub("", w))]
                assert not chinese, f"{path}: untranslated in English: {chinese[:5]}"
    context.close()
    if failures:
        report = "\n".join(f"{path}\n" + "\n".join(lines) for path, lines in failures.items())
        pytest.fail(f"axe: WCAG 2.1 AA violations on the schools pages:\n{report}", False)


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
