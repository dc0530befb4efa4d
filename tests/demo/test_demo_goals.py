"""The demo shows issue 23 at once: a 分解目标 and a 规划调整 on Zibo's plan (marked 演示, each
recorded once), and 约束性 targets with 预警 on the made-up plan of 示例市."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from plans.models import Plan
from targets.models import Decomposition, DistrictGoal, GoalChange, Target, TargetAdjustment

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_seed_demo_records_one_decomposition_and_one_adjustment_once(client, plan):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "/progress/?year=2023" in out.getvalue()  # where 预警 can be seen
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    decomposition = Decomposition.objects.get()
    assert "演示" in decomposition.title and "演示" in decomposition.number
    goals = {g.district.slug: g.value for g in DistrictGoal.objects.select_related("district")}
    assert len(goals) == 11 and goals["zhangdian"] == 90 and goals["yiyuan"] == 80
    adjustment = TargetAdjustment.objects.get()
    assert "演示" in adjustment.reason and "演示" in adjustment.title
    assert (adjustment.old_value, adjustment.new_value) == (Decimal(60), Decimal(55))
    assert GoalChange.objects.count() == 2
    # Zibo's plan states no 属性: its targets stay 未标注.
    assert not Target.objects.of_plan(plan).exclude(binding="").exists()

    client.force_login(User.objects.get(username="city-admin"))
    adjusted = text_of(client.get(f"/progress/targets/{adjustment.target_id}/"))
    assert "规划原目标 60%（2025） → 调整后 55%（2025）" in adjusted
    decomposed = text_of(client.get(f"/progress/targets/{decomposition.target_id}/"))
    assert "淄博市学前教育发展目标责任书（演示）" in decomposed
    district = text_of(client.get("/progress/districts/zhangdian/"))
    assert "按分解目标 90%" in district and "按调整后目标 55%" in district


def test_the_made_up_plan_marks_binding_targets_and_warns_before_the_deadline(client, plan):
    call_command("load_demo_plans", verbosity=0)
    shili = Plan.objects.get(slug="demo-shili-2021-2025")
    binding = dict(Target.objects.of_plan(shili).values_list("code", "binding"))
    assert binding == {
        "二(一)1-1": "binding",
        "二(二)1-1": "binding",
        "二(二)1-2": "binding",
        "二(二)2-1": "expected",
        "二(二)2-2": "",
    }
    client.force_login(User.objects.get(username="admin-shili"))
    mid_term = text_of(client.get("/progress/?year=2023"))
    assert "3 项约束性指标自规划中期起落后于序时进度，予以预警" in mid_term
    final = text_of(client.get("/progress/"))  # 2025, the deadline year: verdicts, no 预警
    assert "予以预警" not in final
