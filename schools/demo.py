"""Demo schools and statistics (演示): about 1,500 schools and kindergartens over Zibo's 11
districts, school years 2020–2025, every school named and marked as demo data.

Consistent with the demo figures (targets.demo): where a district has a figure of a target
linked to an indicator, its kindergartens' statistics give its share (公办园 and 普惠性民办园
children out of all children; teachers above the required qualification out of all). Three districts
deliberately differ in the recent years, so that reconciliation has something to show: 周村区's
entered 公办园 share is 4 points below what its statistics give (submitted: 待核对 in the review
queue), 高青县's 5 points below (drafts: the district can take the derived value), 博山区's 普惠
coverage 3.5 points above. Deterministic: a second run adds nothing.

Students by grade follow the births: each grade's size is the school's usual size times the
index of its children's birth year (`cohort_index`), so the two-child peak of 2016–2017 and the
fall since then move up through the grades, kindergartens first (小班 of 2025 were born in 2022).
A district's births lean with its people: 张店区 draws families (its cohorts fall less), the
rural counties lose them (theirs fall more).
"""

import random
from decimal import Decimal

from django.db import transaction

from departments.models import District
from plans.models import Plan
from schools.models import GradeEnrolment, School, SchoolYearStatistics
from schools.statistics import GRADES_OF_CATEGORY, birth_year
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
# births by year against 2014's (Zibo's shape: the two-child peak of 2016–2017, then the fall)
BIRTHS_INDEX = {
    **{year: 0.95 for year in range(2000, 2014)},
    2014: 1.0, 2015: 0.96, 2016: 1.12, 2017: 1.18, 2018: 0.98, 2019: 0.88, 2020: 0.76,
    2021: 0.69, 2022: 0.63, 2023: 0.59, 2024: 0.57, 2025: 0.55,
}  # fmt: skip
# how a district's births lean away from the city's per year after 2017 (people moving)
LEAN = {"zhangdian": 0.03, "gaoxin": 0.02, "yiyuan": -0.02, "gaoqing": -0.015}


def cohort_index(district: str, born: int) -> float:
    """The demo's births in `district` in year `born`, against the city's of 2014."""
    return BIRTHS_INDEX[born] * (1 + LEAN.get(district, 0) * max(0, born - 2017))


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
        grades = _grades(district, rows)
        GradeEnrolment.objects.bulk_create(grades, batch_size=2000)
        made += len(schools) + len(rows) + len(grades)
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
        # the children its kindergartens' cohorts hold (falling with the births); the shares
        # of them follow the figures
        total = sum(sum(_by_grade(s, year, district).values()) for s in kindergartens)
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
            enrolled = sum(_by_grade(school, year, district).values()) or round(
                PUPILS[school.category] * rng.uniform(0.8, 1.2)
            )
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


def _usual_size(school: School) -> float:
    """A school's students in a grade of an index-1 cohort (its own, fixed over the years)."""
    grades = GRADES_OF_CATEGORY[school.category]
    return PUPILS[school.category] / len(grades) * random.Random(school.code).uniform(0.8, 1.2)


def _by_grade(school: School, year: int, district: District) -> dict[int, int]:
    """A school's students by grade in `year`, following its district's births, give or take
    a few per cent a year (families move, children repeat or leave), so that projections from
    the demo have an error to show."""
    size = _usual_size(school) if GRADES_OF_CATEGORY[school.category] else 0
    return {
        grade: round(
            size
            * cohort_index(district.slug, birth_year(year, grade))
            * random.Random(f"{school.code}/{year}/{grade}").uniform(0.97, 1.03)
        )
        for grade in GRADES_OF_CATEGORY[school.category]
    }


def _grades(district: District, rows: list[SchoolYearStatistics]) -> list[GradeEnrolment]:
    """The grade rows of the statistics just made, adding up to each one's `enrolled` (a
    kindergarten's children, set by the figures, are shared out by its cohorts' sizes)."""
    ids = {
        (school, year): pk
        for school, year, pk in SchoolYearStatistics.objects.filter(
            school__district=district, is_demo=True
        ).values_list("school_id", "school_year", "id")
    }
    made = []
    for row in rows:
        shape = _by_grade(row.school, row.school_year, district)
        if not shape or not row.enrolled:
            continue
        grades = sorted(shape)
        amounts = [round(row.enrolled * shape[g] / sum(shape.values())) for g in grades]
        amounts[-1] += row.enrolled - sum(amounts)
        if amounts[-1] < 0:  # rounding took too much from the last grade: take it from the largest
            largest = max(range(len(amounts) - 1), key=amounts.__getitem__)
            amounts[largest] += amounts[-1]
            amounts[-1] = 0
        statistics = ids[(row.school.pk, row.school_year)]
        made += [
            GradeEnrolment(statistics_id=statistics, grade=g, students=n, is_demo=True)
            for g, n in zip(grades, amounts, strict=True)
        ]
    return made
