"""约束性 / 预期性 on every target, and the 序时进度 预警 of a 约束性 target behind its path."""

from decimal import Decimal

import pytest
from django.core.management import CommandError

from plans.models import Part, Plan, Task
from targets.models import Target
from targets.progress import Point, Status, district_progress, is_warned, midterm_year
from tests.targets.test_load_plan import _counts, _edited_plan_file, _load, _target

D = Decimal
PLAN = Plan(baseline_year=2020, start_year=2021, end_year=2025)  # never saved


def rate(binding: str) -> Target:
    return Target(
        task=Task(part=Part(plan=PLAN)), kind="rate", value=D(55), comparator="gte",
        deadline_year=2025, per_units=1, unit="%", numerator_label="n", denominator_label="d",
        binding=binding,
    )  # fmt: skip


def points(**by_year) -> dict[int, Point]:
    return {int(y[1:]): Point(int(y[1:]), D(v) * 10, D(1000)) for y, v in by_year.items()}


def test_the_mid_term_year_of_a_plan():
    assert midterm_year(2021, 2025) == 2023
    assert midterm_year(2026, 2030) == 2028
    assert midterm_year(2021, 2026) == 2023  # six years: (2026 − 2021) // 2 = 2


@pytest.mark.parametrize(
    ("year", "latest", "expected", "status"),
    [
        # baseline 40% (2020), target 55% (2025): the path is 40 + 15·(y − 2020)/5, 3 points a year
        (2022, 43, D(46), Status.LAGGING),  # r = 3 / 6 = 0.5
        (2023, 46, D(49), Status.ACCELERATE),  # r = 6 / 9 = 0.67
        (2023, D("48.6"), D(49), Status.ON_TRACK),  # r = 8.6 / 9 = 0.956
        (2024, D("51.5"), D(52), Status.ON_TRACK),  # r = 11.5 / 12 = 0.958
    ],
)
def test_the_path_value_expected_each_year(year, latest, expected, status):
    progress = district_progress(rate("binding"), points(y2020=40, **{f"y{year}": latest}), year)
    assert progress.expected == expected
    assert progress.status == status


def test_a_binding_target_behind_its_path_is_warned_of_from_the_mid_term_on():
    binding = rate("binding")
    # 2022: 43% against 46% on the path (r = 0.5): behind, but before the mid-term year
    early = district_progress(binding, points(y2020=40, y2022=43), 2022)
    assert early.status == Status.LAGGING
    assert not is_warned(binding, early.status, 2022)
    # 2023: 46% against 49% (r = 0.67): 需加快, and from 2023 on a 约束性 target is 预警
    mid = district_progress(binding, points(y2020=40, y2023=46), 2023)
    assert mid.status == Status.ACCELERATE
    assert is_warned(binding, mid.status, 2023)
    # 2024: 51.5% against 52% (r = 0.958): on track, no warning
    on_track = district_progress(binding, points(y2020=40, y2024=D("51.5")), 2024)
    assert not is_warned(binding, on_track.status, 2024)
    # 2024: 38% is moving away (r < 0): warned of
    away = district_progress(binding, points(y2020=40, y2024=38), 2024)
    assert away.status == Status.REGRESSING and is_warned(binding, away.status, 2024)


@pytest.mark.parametrize("binding", ["expected", ""])
def test_expected_and_unmarked_targets_are_never_warned_of(binding):
    target = rate(binding)
    for year, latest in ((2023, 46), (2024, 38), (2024, 44)):
        progress = district_progress(target, points(y2020=40, **{f"y{year}": latest}), year)
        assert progress.status in (Status.ACCELERATE, Status.LAGGING, Status.REGRESSING)
        assert not is_warned(target, progress.status, year)


def test_the_verdict_year_is_no_warning():
    binding = rate("binding")
    missed = district_progress(binding, points(y2020=40, y2025=50), 2025)
    assert missed.status == Status.MISSED
    assert not is_warned(binding, missed.status, 2025)


# Loading the 属性 from a plan file ----------------------------------------------------------


@pytest.mark.django_db
def test_load_plan_reads_binding_in_chinese_or_english(plan, tmp_path):
    def edit(data):
        _target(data, "二(一)4-1")["binding"] = "约束性"
        _target(data, "二(六)2-1")["binding"] = "expected"

    _load(str(_edited_plan_file(tmp_path, edit)))
    assert Target.objects.get(code="二(一)4-1").binding == "binding"
    assert Target.objects.get(code="二(六)2-1").binding == "expected"
    assert Target.objects.exclude(code__in=["二(一)4-1", "二(六)2-1"]).filter(binding="").exists()


@pytest.mark.django_db
def test_a_file_without_binding_keeps_what_the_admin_set(plan):
    Target.objects.filter(code="二(一)4-1").update(binding="binding")
    _load()  # Zibo's own file: no 属性 column
    assert Target.objects.get(code="二(一)4-1").binding == "binding"


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["强制性", "Binding", 1, ["约束性"]])
def test_load_plan_refuses_other_words_naming_the_target(plan, tmp_path, word):
    def edit(data):
        _target(data, "二(一)4-1")["binding"] = word

    before = _counts()
    with pytest.raises(CommandError) as error:
        _load(str(_edited_plan_file(tmp_path, edit)))
    message = str(error.value)
    assert f"target 二(一)4-1 (二(一)4): binding {word!r} is not allowed" in message
    assert "约束性, 预期性, binding or expected" in message
    assert _counts() == before
