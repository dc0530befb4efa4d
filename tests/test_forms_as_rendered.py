"""Every form of the app, submitted exactly as rendered, changes nothing (issue "Every job without
a crack").

For each form a role may use, in Chinese and in English: load the page, submit the form with the
values it was rendered with (tests/forms_as_rendered.py reads them as a browser does, its value
sanitization included), and compare every row the project stores before and after: nothing
changed and no audit row (FigureChange, LedgerChange, the admin's LogEntry…) written. A form
whose submission needs input (a reason, a file, a reply) must refuse it and save nothing.

The browser's own submission of the entry page, a ledger form and a notice form is in
tests/browser/test_untouched_forms_journey.py.

Not here, on purpose: forms that are a single action button, where pressing it is the change
asked for (approve, open a round, create the default rounds, remind now, generate a report,
build the evaluation archive, confirm an import, log out, the language switch).
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.urls import reverse

from ledger import ledger, notices
from targets.models import Figure, ReportingPeriod, Target
from tests.conftest import make_figure, target_named
from tests.forms_as_rendered import post_forms

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]
APPS = ("departments", "plans", "targets", "ledger", "reports", "inspections", "projections",
        "zibo_edu")  # fmt: skip


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2025, 2, 10, 9, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored() -> dict[str, list[dict]]:
    """Every row of the project's tables, the admin's log and the users."""
    models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    dump = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in [*models, LogEntry]
    }
    dump["auth.User"] = list(User.objects.order_by("pk").values())
    return dump


@pytest.fixture
def world(
    plan, zhangdian, staff_zhangdian, department_head, city_admin, head_sports, open_round,
    fitness_task, sports_bureau,
):  # fmt: skip
    """A district's figures of 2024 in every state and kind, the city's, a ledger round with a
    contribution and a report, a notice with a reply."""
    ReportingPeriod.objects.create(
        plan=plan, year=2024, deadline=datetime.date(2025, 3, 31), change_note_threshold=20
    )
    figures = {}
    for target in Target.objects.of_plan(plan).filter(reported_by="districts"):
        entry = target.entry
        values = {
            "fraction": {"numerator": Decimal("450.5"), "denominator": Decimal(1000)},
            "whole": {"value": Decimal(12345)},
            "amount": {"value": Decimal("12345.67")},
            "yes_no": {"achieved": True},
            "milestone": {"achieved": True, "achieved_on": datetime.date(2024, 11, 20)},
        }[entry]
        figures[target.name] = make_figure(
            target, zhangdian, 2024, note="按口径统计", source="教育统计年鉴", **values
        )
    state = {"学生体质健康测试优良率": "submitted", "区县典型性劳动教育基地": "returned"}
    for name, new in state.items():
        Figure.objects.filter(pk=figures[name].pk).update(state=new, return_reason="请核实")
    for target in Target.objects.of_plan(plan).filter(reported_by="city"):
        if target.entry == "amount":
            make_figure(target, None, 2024, value=Decimal("3.5"))
        elif target.entry == "milestone":
            make_figure(target, None, 2024, achieved=True, achieved_on=datetime.date(2024, 9, 1))
    # 2023, approved: the figure page offers the city admin "reopen"
    approved = make_figure(
        target_named(plan, "学生体质健康测试优良率"), zhangdian, 2023, state="approved",
        numerator=Decimal(400), denominator=Decimal(1000),
    )  # fmt: skip
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    ledger.save_contribution(
        contribution, head_sports, {"text": "举办运动会", "numbers": "32场"}, version=0
    )
    report = ledger.report_for(open_round, fitness_task)
    ledger.save_report(
        report, department_head, {"text": "总体推进顺利", "status": "on_track"},
        target_ids=[], version=0,
    )  # fmt: skip
    notice = notices.issue(
        plan, city_admin, subject="关于加快推进的督办通知", facts="进度滞后",
        requirements="请整改", reply_deadline=datetime.date(2025, 3, 1), district=zhangdian,
    )  # fmt: skip
    replied = notices.issue(
        plan, city_admin, subject="关于加快推进的督办通知", facts="进度滞后",
        requirements="请整改", reply_deadline=datetime.date(2025, 3, 1), district=zhangdian,
    )  # fmt: skip
    notices.reply(replied, staff_zhangdian, "已整改")
    return {
        "figures": figures,
        "approved": approved,
        "round": open_round,
        "task": fitness_task,
        "notice": notice,
        "replied": replied,
        "users": {
            "staff": staff_zhangdian,
            "head": department_head,
            "admin": city_admin,
            "co-operating head": head_sports,
        },
    }


def _ledger(world, what):
    return f"/ledger/rounds/{world['round'].pk}/tasks/{world['task'].pk}/{what}/"


def _figure(world, name):
    return reverse("figure_detail", args=[world["figures"][name].pk])


def _submitted_report(world) -> str:
    report = ledger.report_for(world["round"], world["task"])
    data = {"text": "总体推进顺利", "status": "on_track"}
    head = world["users"]["head"]
    ledger.save_report(report, head, data, target_ids=[], version=report.version, submit=True)
    return _ledger(world, "report")


def _county_items(world) -> str:
    """The 普及普惠 items of 张店区 with some recorded: status, note, value, an evidence file
    (once: the test asks for the page's address again when it posts)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections import items
    from inspections.models import CountyItem
    from inspections.standards import standard_for

    if not CountyItem.objects.exists():
        data = {"government-2-status": "met", "government-2-note": "每个乡镇一所公办中心园",
                "recognition-0-value": "91.5", "population-0-value": "12000"}  # fmt: skip
        evidence = {"government-2-file": SimpleUploadedFile("规划.pdf", b"%PDF-1.4 x")}
        district = world["figures"]["学生体质健康测试优良率"].district
        standard = standard_for("preschool", 2024)
        admin = world["users"]["admin"]
        items.record(district, "preschool", 2024, standard, data, evidence, admin)
    return reverse("inspections_items", args=["preschool", "zhangdian"]) + "?year=2024"


# (role, the page, the button pressed, which of the page's POST forms); the role's pages in
# both languages.
FORMS = {
    "entry, district": ("staff", lambda w: reverse("figure_entry", args=["zhangdian", 2024]),
                        "save", 0),
    "entry, district by the city admin": (
        "admin", lambda w: reverse("figure_entry", args=["zhangdian", 2024]), "save", 0),
    "entry, the city": ("admin", lambda w: reverse("figure_entry", args=["city", 2024]),
                        "save", 0),
    "review, return without a reason": (
        "head", lambda w: _figure(w, "学生体质健康测试优良率"), "return", 0),
    "review, reopen without a reason": (
        "admin", lambda w: reverse("figure_detail", args=[w["approved"].pk]), "reopen", 0),
    "review list, nothing ticked": ("head", lambda w: reverse("review_list"), None, -1),
    "import, no file": ("staff", lambda w: reverse("figure_import"), None, 0),
    "ledger contribution": ("co-operating head", lambda w: _ledger(w, "contribution"),
                            "save", 0),
    "ledger report": ("head", lambda w: _ledger(w, "report"), "save", 0),
    "ledger report review, send back without a reason": (
        "admin", lambda w: _submitted_report(w), "return", -1),
    "notice, new and empty": ("admin", lambda w: reverse("notice_new"), None, 0),
    "notice reply, empty": ("staff", lambda w: w["notice"].get_absolute_url(), None, 0),
    "notice review, send back without a reason": (
        "admin", lambda w: w["replied"].get_absolute_url(), "send_back", -1),
    "county evaluation items": ("admin", _county_items, None, 0),
    "births, district preset": ("staff", lambda w: reverse("projections_births"), None, 0),
    "births, by the city admin": ("admin", lambda w: reverse("projections_births"), None, 0),
    "births import, no file": ("staff", lambda w: reverse("projections_births"), None, 1),
    "values per district, untouched": (
        "admin", lambda w: reverse("goal_decomposition", args=[_fitness().pk]), None, 0),
    "adjustment, untouched": (
        "admin", lambda w: reverse("goal_adjustment", args=[_fitness().pk]), None, 0),
}  # fmt: skip


def _fitness() -> Target:
    return Target.objects.get(name="学生体质健康测试优良率")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", FORMS)
def test_a_form_submitted_as_rendered_changes_nothing(client, world, case, language):
    role, url, button, which = FORMS[case]
    client.force_login(world["users"][role])
    client.cookies["django_language"] = language
    page = client.get(url(world))
    assert page.status_code == 200
    forms = post_forms(page.content.decode())
    assert forms, f"{case}: no form on the page"
    form = forms[which]
    before = stored()
    response = client.post(form.action or url(world), form.data(button), follow=True)
    assert response.status_code < 500
    assert not _changes(before, stored()), f"{case} ({language}): {_changes(before, stored())}"


def _changes(before: dict, after: dict) -> list:
    """The rows that differ, table by table (what was, what is)."""
    changes = []
    for table, rows in after.items():
        if rows != before[table]:
            was = [r for r in before[table] if r not in rows]
            now = [r for r in rows if r not in before[table]]
            changes.append((table, was, now))
    return changes


def _admin_change_pages(user) -> list[str]:
    """The change page of one row the city admin sees, for every model of the admin."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS and model is not User:
            continue
        if not model_admin.has_change_permission(request):
            continue
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None:
            info = (model._meta.app_label, model._meta.model_name)
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_change_form_saved_as_rendered_changes_nothing(client, world, language):
    admin_user = world["users"]["admin"]
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    pages = _admin_change_pages(admin_user)
    assert len(pages) >= 10
    problems = []
    for url in pages:
        forms = [f for f in post_forms(client.get(url).content.decode())
                 if any(name == "_save" for name, _ in f.buttons)]  # fmt: skip
        if not forms:
            continue  # a read-only page
        before = stored()
        response = client.post(url, forms[0].data("_save"))
        if response.status_code != 302:
            problems.append(f"{url}: refused ({response.status_code})")
        elif _changes(before, stored()):
            problems.append(f"{url}: changed {_changes(before, stored())}")
    assert not problems, "\n".join(problems)
