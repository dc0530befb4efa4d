"""The loaded plan is the whole plan, as the document states it."""

from collections import Counter
from decimal import Decimal

import pytest

from departments.models import Department, District
from plans.models import Part, Task, TaskDepartment
from targets.models import Target
from targets.wording import deadlines_in, numbers_in

pytestmark = pytest.mark.django_db


def test_plan_carries_its_document_facts(plan):
    assert plan.title == "淄博市教育事业发展“十四五”规划"
    assert plan.city.name == "淄博市"
    assert plan.document_number == "淄政发〔2022〕2号"
    assert plan.issued_on.isoformat() == "2022-04-26"
    assert (plan.baseline_year, plan.start_year, plan.end_year) == (2020, 2021, 2025)
    assert list(plan.years) == [2020, 2021, 2022, 2023, 2024, 2025]


def test_plan_has_its_three_sections(plan):
    parts = list(plan.parts.values_list("code", "kind"))
    assert parts[:3] == [("一(一)", "overall"), ("一(二)", "overall"), ("一(三)", "overall")]
    assert [code for code, kind in parts if kind == "key_tasks"] == [
        f"二({n})" for n in "一二三四五六七八"
    ]
    assert parts[-1] == ("三", "implementation")


def test_forty_eight_key_tasks_numbered_as_in_the_plan(plan):
    per_chapter = {
        part.code: list(part.tasks.values_list("number", flat=True))
        for part in plan.parts.filter(kind=Part.Kind.KEY_TASKS)
    }
    sizes = {"一": 8, "二": 8, "三": 5, "四": 6, "五": 4, "六": 5, "七": 6, "八": 6}
    assert per_chapter == {f"二({c})": list(range(1, n + 1)) for c, n in sizes.items()}
    assert Task.objects.filter(part__plan=plan, part__kind=Part.Kind.KEY_TASKS).count() == 48


def test_three_implementation_items(plan):
    items = Task.objects.filter(part__plan=plan, part__kind=Part.Kind.IMPLEMENTATION)
    assert list(items.values_list("code", flat=True)) == ["三(一)", "三(二)", "三(三)"]


def test_every_task_has_full_text_and_exactly_one_lead(plan):
    tasks = Task.objects.filter(part__plan=plan).with_departments()
    assert tasks.count() == 51
    for task in tasks:
        positions = [assignment.position for assignment in task.ordered_assignments]
        assert positions == list(range(len(positions))), task.code
        assert len(positions) >= 1, task.code
        assert len(task.text) > 100, task.code
        assert "负责" not in task.text[-12:], f"{task.code}: department list left in the text"


def test_departments_keep_the_plans_order(plan):
    def named(code):
        task = Task.objects.with_departments().get(part__plan=plan, code=code)
        return [assignment.department.name for assignment in task.ordered_assignments]

    assert named("二(一)1") == ["市委教育工委", "市委宣传部", "团市委"]
    assert named("二(一)4") == ["市教育局", "市卫生健康委", "市体育局"]
    assert named("二(三)5") == ["市教育局"]
    assert named("三(一)") == ["市委教育工委", "市委组织部", "市委宣传部", "市委统战部"]
    assert named("二(一)7")[-3:] == ["市国防教育办公室", "淄博军分区战备建设处", "市退役军人局"]


def test_thirty_departments_none_duplicated(plan):
    names = list(Department.objects.filter(city=plan.city).values_list("name", flat=True))
    assert len(names) == 30
    assert len(set(names)) == 30
    assert not TaskDepartment.objects.filter(
        task__part__plan=plan, department__isnull=True
    ).exists()


def test_eleven_districts_of_three_kinds_none_duplicated(plan):
    districts = District.objects.filter(city=plan.city)
    assert len({d.name for d in districts}) == districts.count() == 11
    kinds = Counter(districts.values_list("kind", flat=True))
    assert kinds == {"district": 5, "county": 3, "functional_area": 3}
    assert list(districts.filter(kind="functional_area").values_list("name", flat=True)) == [
        "高新区",
        "经济开发区",
        "文昌湖区",
    ]


def test_every_target_value_is_stated_in_its_cited_sentence(plan):
    targets = Target.objects.of_plan(plan).select_related("task")
    # 46 targets, and 7 more (issue 9): 二(一)4-7 专职心理教师 in 1000+ schools, 二(一)4-8 运动技能,
    # 二(二)3-3 市级学科基地, 二(四)1-3/4/5 万兆到县/千兆到校/百兆到班, 二(四)6-1 网络安全管理体系.
    assert targets.count() == 53
    for target in targets:
        assert target.source_sentence in target.task.text, target.code
        assert target.value_text in target.source_sentence, target.code
        # a doubtful printed number: the value follows the likely reading, shown beside it
        stated = numbers_in(target.doubt_reading or target.value_text)
        if target.kind == Target.Kind.MILESTONE:
            assert target.deadline_year in deadlines_in(target.value_text, plan.issued_on)
        else:
            assert target.value in stated, target.code
        if target.per_units != 1:
            assert Decimal(target.per_units) in stated, target.code


def test_every_kind_of_target_is_represented(plan):
    kinds = set(Target.objects.of_plan(plan).values_list("kind", flat=True))
    assert kinds == set(Target.Kind.values)
    assert Target.objects.of_plan(plan).filter(comparator=Target.Comparator.ABOUT).count() >= 5


def test_rates_and_ratios_keep_numerator_and_denominator(plan):
    measured = Target.objects.of_plan(plan).filter(kind__in=["rate", "unit_ratio"])
    assert measured.exists()
    assert not measured.filter(numerator_label="").exists()
    assert not measured.filter(denominator_label="").exists()


@pytest.mark.parametrize(
    ("name", "kind", "comparator", "value", "unit", "deadline_year"),
    [
        ("学生体质健康测试优良率", "rate", "gte", 55, "%", 2025),
        ("学生体质健康测试合格率", "rate", "gte", 95, "%", 2025),
        ("公办幼儿园在园幼儿占比", "rate", "gt", 65, "%", 2025),
        ("儿童青少年总体近视率年降幅", "annual_change", "gte", 1, "百分点", 2025),
        ("区县典型性劳动教育基地", "district_minimum", "gte", 10, "个", 2025),
        ("国家学前教育普及普惠县达标区县占比", "district_share", "gte", 80, "%", 2025),
        ("幼儿园责任督学配备", "unit_ratio", "gte", 1, "名", 2025),
        ("国际化学校", "count", "gte", 12, "所", 2025),
        ("入选省级高水平高职专业群", "count", "about", 10, "个", 2025),
        ("市级财政教育投入年均增长", "annual_change", "about", 10, "%", 2025),
    ],
)
def test_hand_checked_targets(plan, name, kind, comparator, value, unit, deadline_year):
    target = Target.objects.of_plan(plan).get(name=name)
    assert (target.kind, target.comparator, target.value, target.unit) == (
        kind,
        comparator,
        value,
        unit,
    )
    assert target.deadline_year == deadline_year


def test_unit_ratio_and_annual_change_details(plan):
    inspectors = Target.objects.of_plan(plan).get(name="幼儿园责任督学配备")
    assert (inspectors.value, inspectors.per_units) == (1, 5)
    assert inspectors.denominator_label == "幼儿园数"
    myopia = Target.objects.of_plan(plan).get(name="儿童青少年总体近视率年降幅")
    assert myopia.direction == Target.Direction.DECREASE and myopia.every_year


def test_milestones_are_dated_by_the_plan(plan):
    milestones = Target.objects.of_plan(plan).filter(kind="milestone").order_by("deadline_year")
    assert [(m.task.code, m.deadline_year, m.value) for m in milestones] == [
        ("二(一)4", 2022, None),
        ("二(一)8", 2023, None),
        ("二(四)6", 2025, None),  # 力争在三年内 from the issue date, 2022-04-26
    ]


def test_targets_the_fixture_lacked_are_carried(plan):
    """Issue 9: quantitative targets the plan states that the fixture still lacked."""
    targets = {t.code: t for t in Target.objects.of_plan(plan)}
    expected = {
        "二(一)4-7": ("rate", 100, "超过1000人规模的学校必须配备专职教师"),
        "二(一)4-8": ("unit_ratio", 1, "让每位学生掌握12项运动技能"),
        "二(二)3-3": ("count", 68, "培育建设68个市级学科基地"),
        "二(四)1-3": ("district_share", 100, "万兆到县"),
        "二(四)1-4": ("rate", 100, "千兆到校"),
        "二(四)1-5": ("rate", 100, "百兆到班"),
        "二(四)6-1": ("milestone", None, "三年内"),
    }
    for code, (kind, value, wording) in expected.items():
        target = targets[code]
        assert (target.kind, target.value, target.value_text) == (kind, value, wording), code


def test_doubtful_numbers_carry_the_reason(plan):
    doubtful = Target.objects.of_plan(plan).exclude(doubt="")
    codes = sorted(doubtful.values_list("code", flat=True))
    assert codes == ["二(一)4-8", "二(二)3-3", "二(六)2-1"]
    skills = doubtful.get(code="二(一)4-8")
    assert (skills.doubt_reading, skills.value) == ("让每位学生掌握1—2项运动技能", 1)
    assert "1—2项" in skills.doubt
    assert "6—8个" in doubtful.get(code="二(二)3-3").doubt
    assert "1—2所" in doubtful.get(code="二(六)2-1").doubt


def test_whether_a_numerator_may_exceed_is_said_per_target(plan):
    """Ratios of two things may exceed 1; a numerator counting part of its denominator may not."""
    targets = Target.objects.of_plan(plan)
    fractions = targets.exclude(numerator_label="").exclude(denominator_label="")
    may_exceed = set(fractions.filter(numerator_may_exceed=True).values_list("name", flat=True))
    assert may_exceed == {"幼儿园责任督学配备", "义务教育教师平均工资与当地公务员之比"}
    assert (
        not Target.objects.of_plan(plan)
        .filter(numerator_may_exceed=True, numerator_label="")
        .exists()
    )


def test_salary_is_judged_per_district(plan):
    """不低于或高于当地公务员: each district against its own civil servants; the city: n of 11."""
    salary = Target.objects.of_plan(plan).get(name="义务教育教师平均工资与当地公务员之比")
    assert (salary.kind, salary.scope, salary.reported_by) == (
        "district_minimum",
        "district",
        "districts",
    )
    assert (salary.entry, salary.is_percentage, salary.numerator_may_exceed) == (
        "fraction",
        True,
        True,
    )


def test_garbled_runs_of_the_source_are_repaired(plan):
    texts = " ".join(Task.objects.filter(part__plan=plan).values_list("text", flat=True))
    texts += " ".join(plan.parts.values_list("text", flat=True))
    assert "基本建成高质量教育体系" in texts
    assert "幼儿教师专科及以上学历占比达到85%以上" in texts
    for debris in ("yàn)", "wù)", "shù)", "qū)", "!", "|", "十四五)"):
        assert debris not in texts
