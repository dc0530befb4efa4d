# ruff: noqa: E501  (the generated plan and the figures read best on one line each)
"""Shared by the province benches: made-up cities at size (基准市N, bench data only).

Each city has `districts` districts and two plans (2016–2020, then 2021–2025 following it) of
`targets` rate targets sharing their indicator keys across cities, an approved figure for every
target, district and year (10 years), and its standings stored; then the database's statistics
(ANALYZE on PostgreSQL, as autovacuum would). Call after Django is set up.
"""

import tempfile
from decimal import Decimal
from pathlib import Path
from random import Random

import yaml


def plan_file(
    folder: Path, n: int, first: int, follows: str | None, districts: int, targets: int
) -> Path:
    sentences = [f"基准指标{i}达到{60 + i % 30}%以上。" for i in range(targets)]
    data = {
        "city": {"name": f"基准市{n}(测试数据)", "province": "基准省"},
        "districts": [{"name": f"第{d}区", "slug": f"d{d}", "kind": "district"} for d in range(districts)],
        "departments": [{"name": "市教育局", "slug": "education"}],
        "plan": {"slug": f"bench-{n}-{first}", "title": f"基准市{n}规划{first}(测试数据)",
                 "issued_on": f"{first}-03-01", "start_year": first, "end_year": first + 4,
                 "baseline_year": first - 1, "is_demo": True, **({"follows": follows} if follows else {})},
        "parts": [{"code": "二(一)", "kind": "key_tasks", "title": "基准", "tasks": [
            {"number": 1, "title": "基准任务", "departments": ["市教育局"], "text": "".join(sentences),
             "targets": [{"code": f"二(一)1-{i + 1}", "indicator": f"bench-indicator-{i}",
                          "name": f"基准指标{i}", "kind": "rate", "unit": "%", "comparator": "gte",
                          "value": 60 + i % 30, "deadline_year": first + 4, "scope": "city",
                          "reported_by": "districts", "numerator_may_exceed": False,
                          "numerator_label": "分子", "denominator_label": "分母",
                          "value_text": f"{60 + i % 30}%以上", "source_sentence": s}
                         for i, s in enumerate(sentences)]}]}],
    }  # fmt: skip
    path = folder / f"city{n}-{first}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def build(cities: int, districts: int, targets: int) -> list:
    """The cities' plans, both of each city, with their figures and standings."""
    from django.db import connection

    from departments.models import District
    from targets import standings
    from targets.loading import load_plan_file
    from targets.models import Figure, Target

    folder = Path(tempfile.mkdtemp(prefix="zibo-province-"))
    rng = Random(12)
    plans = []
    for n in range(cities):
        earlier = load_plan_file(plan_file(folder, n, 2016, None, districts, targets)).plan
        later = load_plan_file(plan_file(folder, n, 2021, earlier.slug, districts, targets)).plan
        plans += [earlier, later]
    rows = []
    for plan in plans:
        units = list(District.objects.filter(city=plan.city))
        for target in Target.objects.of_plan(plan):
            for district in units:
                for year in range(plan.start_year, plan.end_year + 1):
                    denominator = Decimal(rng.randint(500, 2000))
                    share = Decimal(rng.randint(40, 95)) / 100
                    rows.append(Figure(target=target, district=district, year=year,
                                       state=Figure.State.APPROVED, denominator=denominator,
                                       numerator=(denominator * share).quantize(Decimal(1))))  # fmt: skip
    Figure.objects.bulk_create(rows, batch_size=5000)
    for plan in plans:
        standings.refresh_plan(plan)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would, before rather than during a run
            cursor.execute("ANALYZE")
    return plans
