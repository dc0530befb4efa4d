"""python manage.py load_plan: idempotent, validating, all or nothing."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from departments.models import Department
from plans.models import Plan, Task, TaskDepartment
from targets.models import Target

pytestmark = pytest.mark.django_db

PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "zibo-2021-2025.yaml"


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Task, TaskDepartment, Target, Department)
    }


def _edited_plan_file(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _target(data: dict, code: str) -> dict:
    for part in data["parts"]:
        for task in part.get("tasks", []):
            for target in task.get("targets", []):
                if target["code"] == code:
                    return target
    raise KeyError(code)


def _load(*args) -> str:
    out = StringIO()
    call_command("load_plan", *args, stdout=out)
    return out.getvalue()


def test_second_load_changes_nothing_and_says_so():
    before = _counts()
    assert _load() == "zibo-2021-2025: nothing changed\n"
    assert _counts() == before


def test_refuses_a_target_value_not_in_its_sentence(tmp_path):
    def edit(data):
        _target(data, "二(一)4-1")["value"] = 56

    before = _counts()
    with pytest.raises(CommandError) as error:
        _load(str(_edited_plan_file(tmp_path, edit)))
    assert "target 二(一)4-1 (二(一)4): value 56 is not stated in '55%'" in str(error.value)
    assert "nothing was saved" in str(error.value)
    assert Target.objects.get(code="二(一)4-1").value == 55
    assert _counts() == before


def test_refuses_a_sentence_that_is_not_in_the_task(tmp_path):
    def edit(data):
        _target(data, "二(六)2-1")["source_sentence"] = "建成20所国际化学校。"
        _target(data, "二(六)2-1")["value_text"] = "建成20所国际化学校"
        _target(data, "二(六)2-1")["value"] = 20

    with pytest.raises(CommandError, match="its source sentence is not in the task's text"):
        _load(str(_edited_plan_file(tmp_path, edit)))
    assert Target.objects.get(code="二(六)2-1").value == 12


def test_refuses_unknown_department_and_duplicate_district(tmp_path):
    def edit(data):
        data["parts"][3]["tasks"][0]["departments"].insert(0, "市教育厅")
        data["districts"].append(dict(data["districts"][0]))

    with pytest.raises(CommandError) as error:
        _load(str(_edited_plan_file(tmp_path, edit)))
    message = str(error.value)
    assert "task 二(一)1: unknown department '市教育厅'" in message
    assert "district '张店区' appears 2 times" in message


def test_a_new_plan_with_a_bad_target_saves_nothing(tmp_path):
    def edit(data):
        data["plan"]["slug"] = "zibo-draft"
        _target(data, "二(二)1-2")["comparator"] = "roughly"

    with pytest.raises(CommandError, match="comparator must be one of"):
        _load(str(_edited_plan_file(tmp_path, edit)))
    assert not Plan.objects.filter(slug="zibo-draft").exists()


def test_edits_in_the_file_update_only_what_changed(tmp_path):
    def edit(data):
        _target(data, "二(六)2-1")["name"] = "国际化学校建成数"
        tasks = data["parts"][3]["tasks"]
        tasks[0]["departments"] = list(reversed(tasks[0]["departments"]))

    output = _load(str(_edited_plan_file(tmp_path, edit)))
    assert "updated 1 targets" in output
    assert "updated 3 task departments" in output
    assert Target.objects.get(code="二(六)2-1").name == "国际化学校建成数"
    task = Task.objects.with_departments().get(code="二(一)1")
    assert task.lead_department.name == "团市委"


def test_a_target_removed_from_the_file_is_removed(tmp_path):
    def edit(data):
        task = data["parts"][3]["tasks"][3]
        task["targets"] = [t for t in task["targets"] if t["code"] != "二(一)4-3"]

    output = _load(str(_edited_plan_file(tmp_path, edit)))
    assert "removed 1 targets" in output
    assert not Target.objects.filter(code="二(一)4-3").exists()


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read the file"):
        _load(str(path))


def _problems_of(tmp_path, edit) -> str:
    with pytest.raises(CommandError) as error:
        _load(str(_edited_plan_file(tmp_path, edit)))
    return str(error.value)


def test_a_fraction_must_say_whether_its_numerator_may_exceed(tmp_path):
    def edit(data):
        del _target(data, "二(一)4-5")["numerator_may_exceed"]
        _target(data, "二(二)3-1")["numerator_may_exceed"] = True  # a count: no fraction

    problems = _problems_of(tmp_path, edit)
    assert (
        "target 二(一)4-5 (二(一)4): a target entered as numerator and denominator must say "
        "numerator_may_exceed" in problems
    )
    assert "target 二(二)3-1 (二(二)3): numerator_may_exceed is only for targets" in problems


def test_a_milestone_may_be_dated_relative_to_the_issue_date(tmp_path):
    """三年内 from 2022-04-26 is 2025; a year the wording does not give is refused."""
    assert Target.objects.get(code="二(四)6-1").deadline_year == 2025

    def edit(data):
        _target(data, "二(四)6-1")["deadline_year"] = 2024

    assert "deadline year 2024 is not stated in '三年内'" in _problems_of(tmp_path, edit)

    def later_issue(data):
        data["plan"]["issued_on"] = "2023-01-10"  # three years on is 2026, past the plan

    assert "target 二(四)6-1 (二(四)6): deadline year 2026 is outside 2020–2025" in (
        _problems_of(tmp_path, later_issue)
    )


def test_a_doubtful_number_needs_its_reason_and_the_value_follows_the_reading(tmp_path):
    def edit(data):
        skills = _target(data, "二(一)4-8")
        del skills["doubt"]
        _target(data, "二(二)3-3")["value"] = 6  # 6—8个 is a guess, not a reading in the file

    problems = _problems_of(tmp_path, edit)
    assert "二(一)4-8 (二(一)4): doubt_reading needs a doubt" in problems
    assert "二(二)3-3 (二(二)3): value 6 is not stated in '培育建设68个市级学科基地'" in problems
