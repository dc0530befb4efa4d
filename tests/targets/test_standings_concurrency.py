"""Two saves of one target's figures at once, in different districts, on PostgreSQL: the second
waits for the first and computes the city from both."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from plans.models import Plan
from targets import demo, standings
from targets.models import Figure
from tests.targets.test_dashboards import _assert_stored_as_computed

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_concurrent_saves_of_one_target_both_count_for_the_city():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite writes one transaction at a time)")
    call_command("load_plan", verbosity=0)
    plan = Plan.objects.get()
    demo.seed(plan)
    figures = Figure.objects.filter(target__code="二(一)4-1", year=2024)
    first, second = figures.get(district__slug="zhangdian"), figures.get(district__slug="zichuan")
    first_saved, may_commit = threading.Event(), threading.Event()
    errors = []

    def save(figure, numerator, hold=False):
        try:
            with transaction.atomic():
                Figure.objects.filter(pk=figure.pk).update(numerator=numerator)
                standings.refresh_figures([figure])
                if hold:
                    first_saved.set()
                    may_commit.wait(10)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=save, args=(first, 900, True))
    two = threading.Thread(target=save, args=(second, 100))
    one.start()
    assert first_saved.wait(10)
    two.start()
    two.join(1)
    assert two.is_alive(), "the second save waits for the first to commit"
    may_commit.set()
    one.join(10)
    two.join(10)
    assert not errors
    _assert_stored_as_computed(plan, years=(2024,))
