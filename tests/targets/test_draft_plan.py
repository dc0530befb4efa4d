"""python manage.py draft_plan: a plan file drafted from the plan's own text.

On Zibo's text the draft must give the fixture's parts, its 48 key tasks with their departments in
order, and propose at least 90% of the fixture's targets with the right value wording.
"""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from plans.models import Plan, Task
from targets.drafting import draft_plan, find_candidates, read_paragraphs, to_yaml
from targets.loading import PlanFileError, deadline_year, load_plan_file, validate
from targets.models import Target

PLAN_TEXT = Path(settings.BASE_DIR) / "fixtures" / "plans" / "zibo-2021-2025.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "zibo-2021-2025.yaml"


@pytest.fixture(scope="module")
def fixture() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def draft() -> dict:
    return draft_plan(read_paragraphs(PLAN_TEXT), city="淄博市", slug="zibo-2021-2025")


def _tasks(data: dict) -> dict[tuple[str, int], dict]:
    return {(p["code"], t["number"]): t for p in data["parts"] for t in p.get("tasks", [])}


def _targets(data: dict) -> list[dict]:
    return [g for t in _tasks(data).values() for g in t.get("targets", [])]


def _stated(target: dict, issued_on: datetime.date) -> Decimal:
    """The value, or for a milestone its deadline year: as written, or as the loader counts a
    deadline the wording states from the issue date (三年内)."""
    if target["kind"] == "milestone":
        return Decimal(deadline_year(target, issued_on))
    return Decimal(str(target["value"]))


def _proposed(fixture: dict, draft: dict) -> tuple[list[str], list[str]]:
    """Fixture targets a draft candidate proposes: in the same task, with a value wording that
    holds the fixture's or is held by it, and the same value. Each candidate counts once."""
    issued_on = datetime.date.fromisoformat(str(fixture["plan"]["issued_on"]))
    drafted = {key: list(task.get("targets", [])) for key, task in _tasks(draft).items()}
    found, missed = [], []
    for key, task in _tasks(fixture).items():
        for target in task.get("targets", []):
            wording = target["value_text"]
            match = next(
                (
                    candidate
                    for candidate in drafted.get(key, [])
                    if (wording in candidate["value_text"] or candidate["value_text"] in wording)
                    and _stated(candidate, issued_on) == _stated(target, issued_on)
                ),
                None,
            )
            if match is None:
                missed.append(target["code"])
            else:
                drafted[key].remove(match)
                found.append(target["code"])
    return found, missed


def test_draft_gives_the_fixture_parts(fixture, draft):
    def parts(data):
        return [(p["code"], p["kind"], p["title"]) for p in data["parts"]]

    assert parts(draft) == parts(fixture)
    assert sum(len(p.get("tasks", [])) for p in draft["parts"] if p["kind"] == "key_tasks") == 48


def test_draft_gives_every_task_with_its_departments_in_order(fixture, draft):
    def tasks(data):
        return [(key, t["title"], t["departments"]) for key, t in _tasks(data).items()]

    assert tasks(draft) == tasks(fixture)
    assert [d["name"] for d in draft["departments"]] == [d["name"] for d in fixture["departments"]]


def test_draft_text_differs_from_the_fixture_only_where_it_says_garbled(fixture, draft):
    """The fixture's text was repaired by hand where the cleaned copy is garbled; the draft keeps
    the garbled run and says where, so a person knows what to repair."""
    fixture_tasks = _tasks(fixture)
    differing = {key for key, t in _tasks(draft).items() if t["text"] != fixture_tasks[key]["text"]}
    flagged = {key for key, t in _tasks(draft).items() if "garbled" in t.get("note", "")}
    assert differing == flagged
    assert len(differing) < 15
    for part, fixture_part in zip(draft["parts"], fixture["parts"], strict=True):
        if part.get("text") != fixture_part.get("text"):
            assert "garbled" in part["note"]
    assert draft["plan"]["preamble"] == fixture["plan"]["preamble"]


def test_draft_reads_the_plan_metadata(fixture, draft):
    for key in ("title", "document_number", "issued_on", "start_year", "end_year"):
        assert str(draft["plan"][key]) == str(fixture["plan"][key]), key
    assert draft["plan"]["baseline_year"] == fixture["plan"]["baseline_year"]


def test_draft_proposes_nine_in_ten_fixture_targets(fixture, draft):
    found, missed = _proposed(fixture, draft)
    share = len(found) / (len(found) + len(missed))
    assert share >= 0.9, f"{share:.0%} proposed; missed {missed}"


def test_every_candidate_is_marked_for_a_person_to_confirm(draft):
    candidates = _targets(draft)
    assert candidates
    for candidate in candidates:
        assert candidate["confirm"] is True
        assert "check" in candidate["note"]
        assert candidate["value_text"] in candidate["source_sentence"]


ISSUED_ON = datetime.date(2022, 4, 26)


def _found(sentence: str) -> list[tuple]:
    return [
        (c.kind, c.value_text, c.value, c.deadline_year)
        for c in find_candidates(sentence, 2025, ISSUED_ON)
    ]


def test_a_deadline_within_years_is_counted_from_the_issue_date():
    assert _found("力争在三年内形成教育系统完善的网络安全管理体系。") == [
        ("milestone", "三年内", None, 2025)
    ]
    assert find_candidates("力争在三年内形成体系。", 2025)[0].deadline_year is None  # no date yet


def test_a_range_asks_for_its_low_end():
    assert _found("让每位学生掌握1—2项运动技能。") == [
        ("unit_ratio", "每位学生掌握1—2项", Decimal(1), 2025)
    ]
    assert _found("每年新建2—3所幼儿园。") == [("count", "每年新建2—3所", Decimal(2), 2025)]


def test_the_every_unit_words_are_proposed_as_all():
    assert _found("超过1000人规模的学校必须配备专职教师。") == [
        ("rate", "超过1000人规模的学校必须配备专职教师", Decimal(100), 2025)
    ]
    assert _found("实现中小学固定宽带网络万兆到县、千兆到校、百兆到班。") == [
        ("district_share", "万兆到县", Decimal(100), 2025),
        ("rate", "千兆到校", Decimal(100), 2025),
        ("rate", "百兆到班", Decimal(100), 2025),
    ]
    assert _found("学校必须达到90%。") == [("rate", "90%", Decimal(90), 2025)]


def test_a_number_that_may_have_lost_its_dash_is_marked_doubtful():
    (per_person,) = find_candidates("让每位学生掌握12项运动技能。", 2025, ISSUED_ON)
    assert (per_person.value, per_person.doubt_reading) == (Decimal(1), "每位学生掌握1—2项")
    assert "12项" in per_person.doubt and "1—2项" in per_person.doubt
    # in a text that lost characters in transcription (Zibo's scraped copy) 12所 may be 1—2所
    (schools,) = find_candidates("建成12所国际化学校。", 2025, ISSUED_ON, lossy=True)
    assert (schools.value, schools.doubt_reading) == (Decimal(12), "")
    assert "1—2所" in schools.doubt
    # in a clean document it is a count
    (clean,) = find_candidates("建成12所国际化学校。", 2025, ISSUED_ON)
    assert (clean.value, clean.doubt) == (Decimal(12), "")
    (plain,) = find_candidates("建成30所国际化学校。", 2025, ISSUED_ON)
    assert plain.doubt == ""


def test_a_fraction_candidate_guesses_whether_its_numerator_may_exceed(draft):
    fractions = [t for t in _targets(draft) if "numerator_label" in t]
    assert fractions
    guesses = {t["value_text"]: t["numerator_may_exceed"] for t in fractions}
    assert guesses["每5所幼儿园配备1名"] is True  # 督学 per 幼儿园: a ratio of two things
    assert guesses["55%"] is False  # a share
    assert all("numerator_may_exceed" in t["note"] for t in fractions)
    others = [t for t in _targets(draft) if "numerator_label" not in t]
    assert not [t for t in others if "numerator_may_exceed" in t]


def test_load_plan_refuses_a_draft_with_unconfirmed_candidates(draft):
    problems = validate(draft)
    unconfirmed = [p for p in problems if "still marked confirm: true" in p]
    assert len(unconfirmed) == len(_targets(draft))
    assert (
        "target 二(一)4-2 (二(一)4): a drafted candidate, still marked confirm: true"
        " (taken by percentage: “55%”)"
    ) in problems


def test_load_plan_refuses_a_fixture_target_marked_confirm(tmp_path, fixture, db):
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["parts"][3]["tasks"][2]["targets"][0]["confirm"] = True
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanFileError) as error:
        load_plan_file(path)
    assert error.value.problems == [
        "target 二(一)3-1 (二(一)3): a drafted candidate, still marked confirm: true"
    ]


def test_a_draft_once_confirmed_loads(tmp_path, db):
    """What a person does: check each candidate, fill what the text cannot say, delete confirm."""
    data = draft_plan(read_paragraphs(PLAN_TEXT), city="测试市", slug="test-draft")
    for target in _targets(data):
        del target["confirm"]
        if "numerator_label" in target:
            target["numerator_label"], target["denominator_label"] = "达标数", "总数"
    data.pop("notes")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = load_plan_file(path)
    assert result.changed
    assert Task.objects.filter(part__plan__slug="test-draft").count() == 51
    assert Target.objects.filter(task__part__plan__slug="test-draft").count() == len(_targets(data))


def test_command_writes_yaml_that_reads_back_as_the_draft(draft, db):
    out, err = StringIO(), StringIO()
    call_command(
        "draft_plan", str(PLAN_TEXT), city="淄博市", slug="zibo-2021-2025", stdout=out, stderr=err
    )
    written = out.getvalue()
    assert written.startswith("# Draft of 淄博市教育事业发展“十四五”规划")
    assert "confirm: true" in written
    data = yaml.safe_load(written)
    assert [p["code"] for p in data["parts"]] == [p["code"] for p in draft["parts"]]
    assert "12 parts, 51 tasks, 30 departments" in err.getvalue()
    # the city is loaded in the test database: its codes are reused
    assert {"name": "市教育局", "slug": "education"} in data["departments"]
    assert len(data["districts"]) == 11


def test_command_reads_docx(tmp_path, draft, db):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in read_paragraphs(PLAN_TEXT):
        document.add_paragraph(paragraph)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    out = StringIO()
    call_command("draft_plan", str(path), city="淄博市", slug="zibo-2021-2025", stdout=out)
    data = yaml.safe_load(out.getvalue())
    assert _tasks(data).keys() == _tasks(draft).keys()
    assert [t["departments"] for t in _tasks(data).values()] == [
        t["departments"] for t in _tasks(draft).values()
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.4", "must be .txt or .docx"),
        ("plan.txt", "一份通知。\n请认真组织实施。".encode(), "no chapter heading"),
        ("plan.txt", "规划\n一、总体要求\n(一)指导思想\n高举旗帜。".encode(), "no numbered tasks"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "cannot read the document"),
        ("plan.txt", b"\xff\xfe\x00\xd8", "cannot read"),
    ],
)
def test_command_names_what_is_wrong_with_a_document(tmp_path, db, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("draft_plan", str(path), city="淄博市", slug="x", stdout=StringIO())
    assert not Plan.objects.filter(slug="x").exists()


# The admin: upload a plan file, see the changes, load it ----------------------------------------

DRAFT_URL = "/admin/plans/plan/draft/"


def _upload(client, text: str | bytes, name: str = "plan.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(DRAFT_URL, {"draft": SimpleUploadedFile(name, content)})


def _fixture_with(edit) -> str:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _snapshot_counts() -> tuple:
    from targets.models import FigureChange

    return (
        Plan.objects.count(),
        Task.objects.count(),
        Target.objects.count(),
        list(Target.objects.order_by("code").values_list("code", "value", "value_text")),
        list(Task.objects.order_by("code").values_list("code", "title")),
        FigureChange.objects.count(),
    )


def test_city_admin_finds_the_upload_on_the_plan_list(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/admin/plans/plan/")
    assert response.status_code == 200
    assert DRAFT_URL.encode() in response.content
    response = client.get(DRAFT_URL)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


@pytest.mark.parametrize("role", ["staff_zhangdian", "department_head"])
def test_only_the_city_admin_may_upload_a_plan_file(client, db, request, role):
    # `db` is declared, not only reached through getfixturevalue: pytest-django creates the test
    # database for the tests that declare it, so run alone this test found no tables.
    client.force_login(request.getfixturevalue(role))
    before = _snapshot_counts()
    assert client.get(DRAFT_URL).status_code == 302  # to the admin's login
    assert _upload(client, _fixture_with(lambda d: None)).status_code == 302
    assert _snapshot_counts() == before


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(DRAFT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_shows_each_change_and_saves_nothing(client, city_admin):
    def edit(data):
        task = data["parts"][3]["tasks"][3]
        task["title"] = "提升学生体质健康水平(修订)"
        task["targets"][0]["value"] = 60
        task["targets"][0]["value_text"] = "60%"
        task["targets"][0]["source_sentence"] = task["targets"][0]["source_sentence"].replace(
            "55%", "60%"
        )
        task["text"] = task["text"].replace("达到55%", "达到60%")
        task["targets"][1]["source_sentence"] = task["targets"][0]["source_sentence"]

    client.force_login(city_admin)
    before = _snapshot_counts()
    response = _upload(client, _fixture_with(edit))
    assert response.status_code == 200
    assert _snapshot_counts() == before
    preview = response.context["preview"]
    changed = {(c.what, c.key): c for c in preview.changes}
    assert set(changed) == {("task", "二(一)4"), ("target", "二(一)4-1"), ("target", "二(一)4-2")}
    fields = {name: (old, new) for name, old, new in changed[("target", "二(一)4-1")].fields}
    assert [Decimal(v) for v in fields["value"]] == [55, 60]
    assert fields["value_text"] == ("55%", "60%")
    task_fields = {name for name, _old, _new in changed[("task", "二(一)4")].fields}
    assert task_fields == {"title", "text"}
    html = response.content.decode()
    assert "提升学生体质健康水平(修订)" in html
    assert 'name="load"' in html


def test_confirming_loads_the_file(client, city_admin):
    text = _fixture_with(lambda d: d["parts"][3]["tasks"][0].update(title="构建思政工作体系"))
    client.force_login(city_admin)
    preview = _upload(client, text)
    confirm_text = preview.context["confirm"].initial["text"]
    response = client.post(DRAFT_URL, {"load": "1", "text": confirm_text})
    assert response.status_code == 302
    assert Task.objects.get(code="二(一)1", part__plan__slug="zibo-2021-2025").title == (
        "构建思政工作体系"
    )


def test_an_unchanged_file_has_nothing_to_do(client, city_admin):
    client.force_login(city_admin)
    response = _upload(client, FIXTURE.read_text(encoding="utf-8"))
    assert response.status_code == 200
    assert response.context["preview"].changes == []
    assert 'name="load"' not in response.content.decode()


def test_an_unconfirmed_draft_lists_each_problem_and_saves_nothing(client, city_admin, draft):
    client.force_login(city_admin)
    before = _snapshot_counts()
    response = _upload(client, to_yaml(draft))
    assert response.status_code == 422
    problems = response.context["preview"].problems
    assert (
        "target 二(一)4-2 (二(一)4): a drafted candidate, still marked confirm: true"
        " (taken by percentage: “55%”)"
    ) in problems
    assert len(problems) >= len(_targets(draft))
    html = response.content.decode()
    assert html.count("<li>target ") >= len(_targets(draft))
    assert 'name="load"' not in html
    assert _snapshot_counts() == before


def test_confirming_a_file_that_went_bad_saves_nothing(client, city_admin, draft):
    client.force_login(city_admin)
    before = _snapshot_counts()
    response = client.post(DRAFT_URL, {"load": "1", "text": to_yaml(draft)})
    assert response.status_code == 422
    assert response.context["preview"].problems
    assert _snapshot_counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("城市: [".encode(), "cannot read the file"),
        (b"- a list", "the file must hold a mapping"),
        ("计划".encode("gbk"), "不是 UTF-8 编码"),
    ],
)
def test_a_broken_upload_is_named_and_saves_nothing(client, city_admin, content, message):
    client.force_login(city_admin)
    before = _snapshot_counts()
    response = _upload(client, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _snapshot_counts() == before


@pytest.mark.django_db
def test_the_readme_s_draft_command_runs_on_the_plan_text_it_names():
    """A newcomer copies the README's example and gets a draft: the text it names ships with the
    repository."""
    import re
    import shlex
    from io import StringIO

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^\.venv/bin/python manage\.py (draft_plan \S+\.txt .*?) >", readme, re.M)
    assert line, "the README shows draft_plan on a plan text of the repository"
    args = shlex.split(line[1])
    assert (Path(settings.BASE_DIR) / args[1]).is_file(), args[1]
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    assert "parts:" in out.getvalue() and "confirm: true" in out.getvalue()
