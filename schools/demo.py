"""Demo schools and statistics (演示): about 1,500 schools and kindergartens over Zibo's 11
districts, school years 2020–2025, every school named and marked as demo data.

Consistent with the demo figures (targets.demo): where a district has a figure of a target
linked to an indicator, its kindergartens' statistics add up to it (公办园 and 普惠性民办园 children
out of all children; teachers above the required qualification out of all). Three districts
deliberately differ in the recent years, so that reconciliation has something to show: 周村区's
entered 公办园 share is 4 points below what its statistics give (submitted: 待核对 in the review
queue), 高青县's 5 points below (drafts: the district can take the derived value), 博山区's 普惠
coverage 3.5 points above. Deterministic: a second run adds nothing.
"""

import random
from decimal import Decimal

from django.db import transaction

from departments.models import District
from plans.models import Plan
from schools.models import School, SchoolYearStatistics
from targets.demo import SIZE
from targets.models import Figure, Target

YEARS = range(2020, 2026)
TOTAL = 1500
# (category, share of the schools); kindergartens are most of them, as in Zibo
MIX = [
    ("kindergarten", 0.52),
    ("primary", 0.24),
    ("junior", 0.09),
    ("nine_year", 0.05),
    ("twelve_year", 0.01),
    ("complete_secondary", 0.02),
    ("senior", 0.03),
    ("vocational", 0.02),
    ("special", 0.02),
]
NAMES = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior": "初级中学",
    "nine_year": "九年一贯制学校",
    "twelve_year": "十二年一贯制学校",
    "complete_secondary": "完全中学",
    "senior": "高级中学",
    "vocational": "职业中专",
    "special": "特殊教育学校",
}
PUPILS = {
    "kindergarten": 180,
    "primary": 900,
    "junior": 800,
    "nine_year": 1100,
    "twelve_year": 1600,
    "complete_secondary": 1400,
    "senior": 1500,
    "vocational": 1200,
    "special": 120,
}
# entered figure minus derived value, in percentage points, from 2023 on
DIFFERING = {
    ("kindergarten-public-share", "zhoucun"): Decimal(-4),
    ("kindergarten-public-share", "gaoqing"): Decimal(-5),
    ("kindergarten-inclusive-coverage", "boshan"): Decimal("3.5"),
}
LARGE_CLASS_DISTRICTS = {"zhangdian", "zhoucun"}  # 大班额 still found there


@transaction.atomic
def seed(plan: Plan) -> int:
    """The demo schools and statistics that do not exist yet; returns how many rows made."""
    made = 0
    weight = sum(SIZE.values())
    for index, district in enumerate(District.objects.filter(city=plan.city).order_by("order")):
        if School.objects.filter(district=district, is_demo=True).exists():
            continue
        count = round(TOTAL * SIZE.get(district.slug, 0.5) / weight)
        schools = _schools(district, index + 1, count)
        School.objects.bulk_create(schools)
        rows = _statistics(
            plan, district, list(School.objects.filter(district=district, is_demo=True))
        )
        SchoolYearStatistics.objects.bulk_create(rows, batch_size=1000)
        made += len(schools) + len(rows)
    return made


def _schools(district: District, number: int, count: int) -> list[School]:
    rng = random.Random(f"schools/{district.slug}")
    schools, serial = [], 0
    for category, share in MIX:
        for n in range(max(1, round(count * share))):
            serial += 1
            if category == "kindergarten":
                inclusiveness = ("public", "public", "public", "inclusive_private", "private")[
                    n % 5
                ]
            else:
                inclusiveness = ""
            ownership = "public" if inclusiveness in ("public", "") and n % 9 else "private"
            if category == "kindergarten":
                ownership = "public" if inclusiveness == "public" else "private"
            schools.append(
                School(
                    code=f"3703{number:02d}{serial:04d}",
                    district=district,
                    category=category,
                    name=f"{district.name}第{n + 1}{NAMES[category]}（演示）",
                    ownership=ownership,
                    inclusiveness=inclusiveness,
                    locality=("urban", "town", "rural")[rng.randrange(3)],
                    approved_places=round(PUPILS[category] * rng.uniform(0.9, 1.3)),
                    is_demo=True,
                )
            )
    return schools


def _figures(plan: Plan, district: District) -> dict[tuple[str, int], Decimal]:
    """The district's demo figures of the linked kindergarten targets, as shares (0–1)."""
    keys = [
        "kindergarten-public-share",
        "kindergarten-inclusive-coverage",
        "kindergarten-teacher-college-share",
    ]
    found = {}
    for figure in Figure.objects.filter(
        target__in=Target.objects.of_plan(plan).filter(indicator__in=keys), district=district
    ).select_related("target"):
        if figure.numerator is not None and figure.denominator:
            found[(figure.target.indicator, figure.year)] = figure.numerator / figure.denominator
            found[("children", figure.year)] = found.get(("children", figure.year)) or (
                figure.denominator if figure.target.indicator != keys[2] else None
            )
    return found


def _share(figures: dict, key: str, year: int, district: District, default: float) -> Decimal:
    share = figures.get((key, year))
    if share is None:  # no figure that year: the nearest earlier one, else a plausible value
        earlier = [figures[(key, y)] for y in range(year - 1, 2019, -1) if (key, y) in figures]
        share = earlier[0] if earlier else Decimal(str(default))
    if year >= 2023 and (key, district.slug) in DIFFERING:
        share -= DIFFERING[(key, district.slug)] / 100  # the statistics say otherwise
    return min(max(share, Decimal(0)), Decimal(1))


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in `parts` whole, slightly uneven amounts adding up exactly."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    amounts = [int(total * w / sum(weights)) for w in weights]
    amounts[0] += total - sum(amounts)
    return amounts


def _statistics(plan: Plan, district: District, schools: list[School]) -> list:
    figures = _figures(plan, district)
    kindergartens = [s for s in schools if s.category == "kindergarten"]
    others = [s for s in schools if s.category != "kindergarten"]
    rows = []
    for year in YEARS:
        rng = random.Random(f"statistics/{district.slug}/{year}")
        # the children the district's figure counts where it counts them plausibly, else what
        # its kindergartens hold (the shares follow the figures either way)
        total = int(figures.get(("children", year)) or 0)
        if total < 20 * len(kindergartens):
            total = (PUPILS["kindergarten"] - 2 * (year - 2020)) * len(kindergartens)
        public = _share(figures, "kindergarten-public-share", year, district, 0.55)
        covered = max(
            _share(figures, "kindergarten-inclusive-coverage", year, district, 0.85), public
        )
        college = _share(figures, "kindergarten-teacher-college-share", year, district, 0.8)
        groups = {
            "public": int(total * public),
            "inclusive_private": int(total * covered) - int(total * public),
        }
        groups["private"] = total - groups["public"] - groups["inclusive_private"]
        for kind, amount in groups.items():
            members = [s for s in kindergartens if s.inclusiveness == kind]
            for school, enrolled in zip(members, _split(amount, len(members), rng), strict=True):
                teachers = max(2, round(enrolled / 13))
                rows.append(
                    _row(
                        school,
                        year,
                        enrolled,
                        teachers,
                        round(teachers * float(college)),
                        rng,
                        class_size=28,
                    )
                )
        for school in others:
            enrolled = round(PUPILS[school.category] * rng.uniform(0.8, 1.2))
            teachers = max(3, round(enrolled / rng.uniform(12.5, 15.5)))
            rows.append(
                _row(
                    school,
                    year,
                    enrolled,
                    teachers,
                    round(teachers * rng.uniform(0.6, 0.9)),
                    rng,
                    class_size=48 if district.slug in LARGE_CLASS_DISTRICTS else 40,
                )
            )
    return rows


def _row(school, year, enrolled, teachers, above, rng, *, class_size) -> SchoolYearStatistics:
    classes = max(1, round(enrolled / class_size))
    large = round(classes * 0.12) if class_size > 45 and year < 2023 else 0
    return SchoolYearStatistics(
        school=school,
        school_year=year,
        enrolled=enrolled,
        entrants=round(enrolled / 3),
        graduates=round(enrolled / 3.2),
        migrant_children=round(enrolled * rng.uniform(0.02, 0.12)),
        disabled_children=round(enrolled * 0.004),
        classes=classes,
        large_classes=large,
        super_large_classes=0,
        staff=round(teachers * 1.2) + 1,
        teachers=teachers,
        teachers_above_standard=min(above, teachers),
        backbone_teachers=round(teachers * 0.1),
        pe_teachers=max(1, round(teachers * 0.07)),
        art_teachers=max(1, round(teachers * 0.08)),
        certified_teachers=round(teachers * 0.97),
        building_area=Decimal(round(enrolled * rng.uniform(6, 10), 2)).quantize(Decimal("0.01")),
        teaching_area=Decimal(round(enrolled * rng.uniform(3, 5), 2)).quantize(Decimal("0.01")),
        sports_area=Decimal(round(enrolled * rng.uniform(4, 9), 2)).quantize(Decimal("0.01")),
        equipment_value=Decimal(round(enrolled * 0.12, 2)).quantize(Decimal("0.01")),
        multimedia_classrooms=classes,
        is_demo=True,
        source="演示数据",
    )
