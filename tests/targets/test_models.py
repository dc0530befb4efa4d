from decimal import Decimal

import pytest
from django.utils import translation

from targets.models import Target


@pytest.mark.parametrize(
    ("fields", "requirement"),
    [
        ({"kind": "rate", "comparator": "gte", "value": Decimal("55.00"), "unit": "%"}, "≥ 55%"),
        ({"kind": "rate", "comparator": "gt", "value": Decimal("65"), "unit": "%"}, "> 65%"),
        ({"kind": "count", "comparator": "about", "value": Decimal("10"), "unit": "个"}, "≈ 10 个"),
        (
            {
                "kind": "unit_ratio",
                "comparator": "gte",
                "value": Decimal(1),
                "unit": "名",
                "per_units": 5,
                "denominator_label": "幼儿园数",
            },
            "≥ 1 名 / 5 幼儿园",
        ),
        (
            {
                "kind": "annual_change",
                "comparator": "gte",
                "value": Decimal("1"),
                "unit": "百分点",
                "direction": "decrease",
            },
            "降低 ≥ 1 百分点",
        ),
        ({"kind": "rate", "comparator": "gte", "value": Decimal("0.50"), "unit": "%"}, "≥ 0.5%"),
        ({"kind": "milestone", "deadline_year": 2022}, "2022年底前"),
    ],
)
def test_requirement_reads_as_the_target(fields, requirement):
    with translation.override("zh-hans"):
        assert Target(**fields).requirement == requirement
