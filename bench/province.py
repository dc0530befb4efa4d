# ruff: noqa: E501  (the generated plan and the figures read best on one line each)
"""A province: cities side by side, at size.

    .venv/bin/python bench/province.py [cities] [districts] [targets]     (default 16 9 50)

Makes `cities` made-up cities (基准市N, bench data only) of `districts` districts, each with two
plans (2016–2020, then 2021–2025 following it) of `targets` rate targets sharing their indicator
keys across cities, and an approved figure for every target, district and year (10 years).
Prints the median server time of 7 requests of the province page (/province/?year=2025) and of
one city's overview (/progress/?plan=…&year=2025), each against the raw SQL aggregate the page
needs (target: at most 2x); the query counts are asserted in tests/plans/test_province.py.
Asserts nothing. SQLite in a temporary
folder unless DATABASE_URL names an (empty) database.
"""

import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from random import Random

import yaml
from _setup import django_with_plan

django_with_plan()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import District, Role  # noqa: E402
from plans.loading import load_plan_file  # noqa: E402
from targets import standings  # noqa: E402
from targets.models import Figure, Target  # noqa: E402

CITIES, DISTRICTS, TARGETS = (
    int(a) for a in (sys.argv[1:] + ["16", "9", "50"][len(sys.argv) - 1 :])[:3]
)


def plan_file(folder: Path, n: int, first: int, follows: str | None) -> Path:
    sentences = [f"基准指标{i}达到{60 + i % 30}%以上。" for i in range(TARGETS)]
    data = {
        "city": {"name": f"基准市{n}(测试数据)", "province": "基准省"},
        "districts": [{"name": f"第{d}区", "slug": f"d{d}", "kind": "district"} for d in range(DISTRICTS)],
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


def build() -> list:
    folder = Path(tempfile.mkdtemp(prefix="zibo-province-"))
    rng = Random(12)
    plans = []
    for n in range(CITIES):
        earlier = load_plan_file(plan_file(folder, n, 2016, None)).plan
        later = load_plan_file(plan_file(folder, n, 2021, earlier.slug)).plan
        plans += [earlier, later]
    rows = []
    for plan in plans:
        districts = list(District.objects.filter(city=plan.city))
        for target in Target.objects.of_plan(plan):
            for district in districts:
                for year in range(plan.start_year, plan.end_year + 1):
                    denominator = Decimal(rng.randint(500, 2000))
                    share = Decimal(rng.randint(40, 95)) / 100
                    rows.append(Figure(target=target, district=district, year=year,
                                       state=Figure.State.APPROVED, denominator=denominator,
                                       numerator=(denominator * share).quantize(Decimal(1))))  # fmt: skip
    Figure.objects.bulk_create(rows, batch_size=5000)
    for plan in plans:
        standings.refresh_plan(plan)
    return plans


def median_ms(run, times: int = 7) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def main() -> None:
    started = time.perf_counter()
    plans = build()
    print(f"{CITIES} cities × {DISTRICTS} districts × {TARGETS} targets × 2 plans, "
          f"{Figure.objects.count()} figures, built in {time.perf_counter() - started:.0f} s")  # fmt: skip
    user = User.objects.create_user("bench-province")
    Role.objects.create(user=user, kind=Role.Kind.PROVINCE)
    client = Client()
    client.force_login(user)
    later = [p for p in plans if p.start_year == 2021]
    province_sql = (
        "SELECT f.target_id, f.year, SUM(f.numerator), SUM(f.denominator), COUNT(*) "
        "FROM targets_figure f JOIN targets_target t ON t.id = f.target_id "
        "JOIN plans_task k ON k.id = t.task_id JOIN plans_part p ON p.id = k.part_id "
        f"WHERE p.plan_id IN ({','.join('%s' for _ in later)}) AND f.state = 'approved' "
        "AND f.year BETWEEN 2020 AND 2025 GROUP BY f.target_id, f.year"
    )
    city = later[0]
    city_sql = province_sql.replace(f"IN ({','.join('%s' for _ in later)})", "IN (%s)")
    for label, url, sql, params in (
        ("province page", "/province/?year=2025", province_sql, [p.pk for p in later]),
        ("city overview", f"/progress/?plan={city.slug}&year=2025", city_sql, [city.pk]),
    ):
        assert client.get(url).status_code == 200
        page = median_ms(lambda url=url: client.get(url))
        aggregate = median_ms(lambda sql=sql, params=params: raw(sql, params))
        print(f"{label}: {page:.0f} ms median, raw SQL aggregate {aggregate:.0f} ms, "
              f"ratio {page / aggregate:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
