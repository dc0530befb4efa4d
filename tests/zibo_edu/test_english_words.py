"""The English interface says everything of its own in English: units, changes in percentage
points, the ledger's rounds (the plan's own words, names and sentences stay Chinese)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ledger import ledger
from ledger.models import ReportingRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_a_yearly_change_target_reads_in_english_on_its_task_page(english, plan):
    page = english.get("/plans/zibo-2021-2025/tasks/2-1-4/").content.decode()
    assert "decrease ≥ 1 percentage points" in page
    assert "1 百分点" not in page


def test_units_after_a_number_read_in_english_where_the_plan_asks_a_value(
    english, plan, staff_zhangdian
):
    english.force_login(staff_zhangdian)
    page = english.get("/entry/zhangdian/2024/").content.decode()
    assert "1 百分点" not in page and "percentage points" in page


def test_the_ledger_names_its_rounds_in_english(english, plan, staff_zhangdian):
    ledger.ensure_default_rounds(plan)
    ReportingRound.objects.update(opened_at=timezone.now())
    english.force_login(staff_zhangdian)
    page = english.get("/ledger/?round=2025H2").content.decode()
    assert "second half of 2025 (final)" in page
    assert "下半年" not in page and "终期" not in page


def test_the_ledger_names_its_rounds_in_chinese_too(client, plan, staff_zhangdian):
    ledger.ensure_default_rounds(plan)
    ReportingRound.objects.update(opened_at=timezone.now())
    client.force_login(staff_zhangdian)
    page = client.get("/ledger/?round=2025H2").content.decode()
    assert "2025年下半年（终期）" in page and "2025年上半年" in page
