"""The entry rules and recording, below any view: every channel goes through these."""

from decimal import Decimal

import pytest

from targets import figures
from targets.figures import Entry, FigureInput, Key, check
from targets.models import Figure, FigureChange
from tests.conftest import make_figure, target_named

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def fitness(plan):
    return target_named(plan, "学生体质健康测试优良率")


@pytest.fixture
def labour_bases(plan):
    return target_named(plan, "区县典型性劳动教育基地")


def test_a_rate_needs_both_parts_and_stays_within_its_whole(fitness):
    assert check(fitness, FigureInput(numerator=D(10))) == {"denominator": "分子和分母须同时填写。"}
    assert "numerator" in check(fitness, FigureInput(numerator=D(11), denominator=D(10)))
    assert check(fitness, FigureInput(numerator=D(5), denominator=D(0))) == {
        "denominator": "必须大于零。"
    }
    assert check(fitness, FigureInput(numerator=D(-1), denominator=D(10)))["numerator"] == (
        "不能为负数。"
    )
    assert check(fitness, FigureInput(numerator=D(10), denominator=D(10))) == {}


def test_a_ratio_may_exceed_one(plan):
    inspectors = target_named(plan, "幼儿园责任督学配备")
    assert check(inspectors, FigureInput(numerator=D(30), denominator=D(100))) == {}
    lessons = target_named(plan, "学生熟练掌握艺术特长")
    assert lessons.is_percentage is False


def test_counts_are_whole_and_not_negative(labour_bases):
    assert check(labour_bases, FigureInput(value=D("2.5"))) == {"value": "必须是整数。"}
    assert check(labour_bases, FigureInput(value=D(-3))) == {"value": "不能为负数。"}
    assert check(labour_bases, FigureInput(value=D(12))) == {}


def test_fields_of_another_kind_are_refused(labour_bases, fitness):
    assert "numerator" in check(labour_bases, FigureInput(numerator=D(1), value=D(3)))
    assert "value" in check(fitness, FigureInput(value=D(3)))


def test_a_milestone_date_needs_done(plan):
    milestone = target_named(plan, "配齐配足中小学心理健康教育专兼职教师")
    import datetime

    errors = check(milestone, FigureInput(achieved=False, achieved_on=datetime.date(2022, 6, 1)))
    assert errors == {"achieved": "填写完成日期时，“是否达成”须为“是”。"}


def test_a_big_change_from_last_year_needs_a_note(fitness, zhangdian):
    last_year = make_figure(fitness, zhangdian, 2023, numerator=D(500), denominator=D(1000))
    jump = FigureInput(numerator=D(700), denominator=D(1000))
    errors = check(fitness, jump, last_year, note_threshold=D(20))
    assert errors == {"note": "与上年相比变化 +40.0%（超过 20%）：请在说明中解释原因。"}
    jump.note = "新增两所学校"
    assert check(fitness, jump, last_year, note_threshold=D(20)) == {}
    small = FigureInput(numerator=D(560), denominator=D(1000))
    assert check(fitness, small, last_year, note_threshold=D(20)) == {}


def _entry(target, district, year, version=None, **values):
    return Entry(Key(target.pk, district.pk, year), FigureInput(**values), version)


def test_record_creates_updates_and_logs_each_change(fitness, zhangdian, staff_zhangdian):
    outcome = figures.record(
        [_entry(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10))],
        user=staff_zhangdian,
        channel="form",
    )
    figure = outcome.created[0]
    assert (figure.percentage, figure.version, figure.state) == (50, 1, "draft")
    figures.record(
        [_entry(fitness, zhangdian, 2024, 1, numerator=D(6), denominator=D(10))],
        user=staff_zhangdian,
        channel="excel",
    )
    figure.refresh_from_db()
    assert figure.version == 2
    log = list(figure.changes.order_by("pk").values_list("action", "channel", "old", "new"))
    assert [(a, c) for a, c, _o, _n in log] == [("create", "form"), ("update", "excel")]
    assert log[1][2]["numerator"] == "5" and log[1][3]["numerator"] == "6"


def test_recording_the_same_values_changes_nothing(fitness, zhangdian, staff_zhangdian):
    entry = _entry(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10))
    figures.record([entry], user=staff_zhangdian, channel="form")
    again = figures.record([entry], user=staff_zhangdian, channel="form")
    assert (again.changed, len(again.unchanged)) == (0, 1)
    assert FigureChange.objects.count() == 1


def test_a_stale_version_is_refused_and_nothing_is_saved(
    fitness, labour_bases, zhangdian, staff_zhangdian
):
    figure = make_figure(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10), version=3)
    with pytest.raises(figures.FigureConflict):
        figures.record(
            [
                _entry(labour_bases, zhangdian, 2024, value=D(4)),
                _entry(fitness, zhangdian, 2024, 2, numerator=D(7), denominator=D(10)),
            ],
            user=staff_zhangdian,
            channel="form",
        )
    figure.refresh_from_db()
    assert figure.numerator == 5
    assert not Figure.objects.filter(target=labour_bases).exists()


def test_submitted_and_approved_figures_cannot_change(fitness, zhangdian, staff_zhangdian):
    for state in ("submitted", "approved"):
        Figure.objects.all().delete()
        make_figure(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10), state=state)
        with pytest.raises(figures.FigureLocked):
            figures.record(
                [_entry(fitness, zhangdian, 2024, 1, numerator=D(9), denominator=D(10))],
                user=staff_zhangdian,
                channel="form",
            )


def test_record_writes_in_bulk(plan, zhangdian, staff_zhangdian):
    """Twice the rows, the same number of queries (the standings refresh included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from targets.models import Target

    targets = Target.objects.of_plan(plan).filter(kind="rate")

    def queries(years):
        entries = [
            _entry(t, zhangdian, year, numerator=D(1), denominator=D(2))
            for t in targets
            for year in years
        ]
        with CaptureQueriesContext(connection) as captured:
            figures.record(entries, user=staff_zhangdian, channel="excel")
        return len(captured)

    assert queries([2024]) == queries([2022, 2023])
    assert Figure.objects.count() == 3 * targets.count() > 30


def test_saving_drafts_leaves_the_standings_alone(
    fitness, labour_bases, zhangdian, staff_zhangdian
):
    """Progress is judged on submitted and approved figures only: a save of new figures and of
    changed drafts and returned figures (every save `record` makes) reads and writes no
    standing; submitting them does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    returned = make_figure(fitness, zhangdian, 2023, state="returned", numerator=D(1),
                           denominator=D(2))  # fmt: skip
    entries = [
        _entry(fitness, zhangdian, 2024, numerator=D(1), denominator=D(2)),
        _entry(labour_bases, zhangdian, 2024, value=D(3)),
        _entry(fitness, zhangdian, 2023, returned.version, numerator=D(3), denominator=D(4)),
    ]
    with CaptureQueriesContext(connection) as saving:
        outcome = figures.record(entries, user=staff_zhangdian, channel="excel")
    assert len(outcome.created) == 2 and len(outcome.updated) == 1
    assert not [q["sql"] for q in saving if "targets_standing" in q["sql"]]
    with CaptureQueriesContext(connection) as submitting:
        figures.submit(outcome.created + outcome.updated, user=staff_zhangdian)
    assert [q["sql"] for q in submitting if "targets_standing" in q["sql"]]


def test_review_transitions_and_their_log(fitness, zhangdian, staff_zhangdian, department_head):
    figure = make_figure(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10))
    assert figures.submit([figure], user=staff_zhangdian) == [figure]
    with pytest.raises(ValueError):
        figures.send_back([figure], user=department_head, reason=" ")
    figures.send_back([figure], user=department_head, reason="分母有误")
    figure.refresh_from_db()
    assert (figure.state, figure.return_reason) == ("returned", "分母有误")
    with pytest.raises(figures.FigureUnanswered):  # unchanged, it must answer the reason
        figures.submit([figure], user=staff_zhangdian)
    figures.submit([figure], user=staff_zhangdian, answers={figure.pk: "分母已核实无误"})
    figures.approve([figure], user=department_head)
    figure.refresh_from_db()
    assert figure.is_locked
    actions = list(figure.changes.order_by("pk").values_list("action", flat=True))
    assert actions == ["submit", "return", "submit", "approve"]
    assert figure.changes.filter(action="submit").order_by("pk").last().comment == "分母已核实无误"


def test_empty_drafts_are_not_submitted(fitness, zhangdian, staff_zhangdian):
    empty = make_figure(fitness, zhangdian, 2024, note="稍后填写")
    assert figures.submit([empty], user=staff_zhangdian) == []


def test_restore_puts_back_an_earlier_value(fitness, zhangdian, staff_zhangdian, city_admin):
    figures.record(
        [_entry(fitness, zhangdian, 2024, numerator=D(5), denominator=D(10))],
        user=staff_zhangdian,
        channel="form",
    )
    figure = Figure.objects.get()
    first = figure.changes.get()
    figures.record(
        [_entry(fitness, zhangdian, 2024, 1, numerator=D(8), denominator=D(10))],
        user=staff_zhangdian,
        channel="form",
    )
    figures.submit([Figure.objects.get()], user=staff_zhangdian)
    figures.approve([Figure.objects.get()], user=city_admin)
    figures.restore(Figure.objects.get(), first, user=city_admin)
    figure.refresh_from_db()
    assert figure.numerator == 5 and figure.state == "draft"
    assert (figure.changes.first().channel, figure.changes.first().action) == ("form", "restore")
