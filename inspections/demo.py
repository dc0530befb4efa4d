"""Demo county evaluations (演示), on top of schools.demo's statistics without changing its
generator: the school years 2024 and 2025 of three counties are adjusted, and county items are
recorded, so that the pages have each case to show.

- 桓台县 (huantai) passes 优质均衡: every school's seven resource values set between 105% and
  125% of the standard (so every school meets them and every 差异系数 is small), all items met,
  社会认可度 92.6%.
- 沂源县 (yiyuan) fails on 差异系数: every school meets the standard, but the town schools have
  about four times the rural schools' sports grounds, equipment and key teachers; items met,
  社会认可度 88.1%.
- 普及普惠: 张店区 and 桓台县 are recorded as certified (演示), their kindergartens staffed at one
  adult for 6.5 children and every teacher certified; every county's population aged 3–5 is
  recorded (so 毛入园率 computes).

Every adjusted statistics row keeps is_demo and says so in its source; every item is is_demo and
its note begins with 演示. Deterministic: the same run twice gives the same rows.
"""

import math
import random
from decimal import Decimal

from django.db import transaction

from departments.models import District
from inspections.models import (
    CERTIFICATION,
    POPULATION,
    RECOGNITION,
    CountyItem,
    CountyItemChange,
    Kind,
    Status,
)
from inspections.standards import standard_for
from plans.models import Plan
from schools.models import School, SchoolYearStatistics

YEARS = (2024, 2025)
PASSING = "huantai"
DISPERSED = "yiyuan"
CERTIFIED_PRESCHOOL = ("zhangdian", "huantai")
SOURCE = "演示数据（督导评估演示调整）"
CATEGORY_LEVELS = {
    "primary": ("primary",),
    "junior": ("junior",),
    "nine_year": ("primary", "junior"),
    "twelve_year": ("primary", "junior"),
    "complete_secondary": ("junior",),
}
WIDE = {"sports_area", "equipment_value", "backbone_teachers"}


def seed(plan: Plan) -> dict[str, int]:
    districts = {d.slug: d for d in District.objects.filter(city=plan.city)}
    with transaction.atomic():
        adjusted = 0
        for year in YEARS:
            if PASSING in districts:
                adjusted += _resources(districts[PASSING], year, spread=None)
            if DISPERSED in districts:
                adjusted += _resources(districts[DISPERSED], year, spread=WIDE)
            for slug in CERTIFIED_PRESCHOOL:
                if slug in districts:
                    adjusted += _kindergartens(districts[slug], year)
        items = 0
        for year in YEARS:
            for district in districts.values():
                items += _population(district, year)
            if PASSING in districts:
                items += _items(districts[PASSING], Kind.BALANCED, year, Decimal("92.6"))
            if DISPERSED in districts:
                items += _items(districts[DISPERSED], Kind.BALANCED, year, Decimal("88.1"))
            for slug in CERTIFIED_PRESCHOOL:
                if slug in districts:
                    items += _items(districts[slug], Kind.PRESCHOOL, year, Decimal("93.4"))
                    items += _save(
                        districts[slug],
                        Kind.PRESCHOOL,
                        year,
                        CERTIFICATION,
                        0,
                        status=Status.MET,
                        note="演示：2023年通过国家学前教育普及普惠督导评估认定",
                    )
    return {"statistics": adjusted, "items": items}


def _levels_of(category: str) -> tuple[str, ...]:
    return CATEGORY_LEVELS.get(category, ())


def _resources(district: District, year: int, spread: set[str] | None) -> int:
    """Set the seven resources of the county's schools in `year` around the standards."""
    standard = standard_for("balanced", year)
    rows = list(
        SchoolYearStatistics.objects.filter(
            school__district=district,
            school_year=year,
            is_demo=True,
            school__category__in=list(CATEGORY_LEVELS),
        )
        .select_related("school")
        .order_by("school__code")
    )
    rng = random.Random(f"inspections/{district.slug}/{year}")
    fields = set()
    for row in rows:
        if not row.enrolled:
            continue
        levels = _levels_of(row.school.category)
        town = row.school.locality != School.Locality.RURAL
        for indicator in standard.indicators:
            # the standard a school of these sections must meet: the highest of its levels
            required = max(float(indicator.standard[lv]) for lv in levels)
            factor = rng.uniform(1.05, 1.25)
            if spread and indicator.key in spread and town:
                factor = rng.uniform(3.6, 4.4)
            elif spread and indicator.key in spread:
                factor = rng.uniform(1.0, 1.1)
            total = required * factor * row.enrolled / indicator.per / float(indicator.scale)
            names = indicator.fields
            if len(names) == 2:  # PE and art teachers: shared out
                _set(row, names[0], total * 0.45, whole=True)
                _set(row, names[1], total * 0.55, whole=True)
            else:
                _set(row, names[0], total, whole=names[0] not in AMOUNTS)
            fields.update(names)
        if row.teachers is not None:
            for name in ("teachers_above_standard", "backbone_teachers"):
                if getattr(row, name) is not None and getattr(row, name) > row.teachers:
                    row.teachers = getattr(row, name)
                    row.staff = max(row.staff or 0, row.teachers)
                    fields.update({"teachers", "staff"})
        row.source = SOURCE
    fields.add("source")
    SchoolYearStatistics.objects.bulk_update(rows, sorted(fields), batch_size=500)
    return len(rows)


AMOUNTS = {"teaching_area", "sports_area", "equipment_value"}


def _set(row, name: str, value: float, *, whole: bool) -> None:
    if whole:
        setattr(row, name, math.ceil(value))
    else:
        setattr(row, name, Decimal(str(round(value + 0.005, 2))))


def _kindergartens(district: District, year: int) -> int:
    rows = list(
        SchoolYearStatistics.objects.filter(
            school__district=district,
            school_year=year,
            is_demo=True,
            school__category="kindergarten",
        )
    )
    for row in rows:
        if not row.enrolled:
            continue
        row.staff = max(row.teachers or 0, -(-row.enrolled * 2 // 13))  # one adult per 6.5
        row.certified_teachers = row.teachers
        row.source = SOURCE
    SchoolYearStatistics.objects.bulk_update(rows, ["staff", "certified_teachers", "source"])
    return len(rows)


def _population(district: District, year: int) -> int:
    """The population aged 3–5: the children in kindergarten over a 毛入园率 between 88% and
    98% (演示)."""
    children = sum(
        SchoolYearStatistics.objects.filter(
            school__district=district, school_year=year, school__category="kindergarten"
        )
        .values_list("enrolled", flat=True)
        .exclude(enrolled=None)
    )
    if not children:
        return 0
    rate = random.Random(f"population/{district.slug}/{year}").uniform(0.88, 0.98)
    people = Decimal(round(children / rate))
    return _save(
        district,
        Kind.PRESCHOOL,
        year,
        POPULATION,
        0,
        value=people,
        note="演示：按在园幼儿数和假定毛入园率推算",
    )


def _items(district: District, kind: str, year: int, recognition: Decimal) -> int:
    standard = standard_for(kind, year)
    saved = 0
    for part in standard.parts:
        for number, _text in enumerate(part.items, 1):
            saved += _save(
                district,
                kind,
                year,
                part.key,
                number,
                status=Status.MET,
                note="演示：经市级复核达到",
            )
    saved += _save(
        district, kind, year, RECOGNITION, 0, value=recognition, note="演示：第三方问卷调查"
    )
    return saved


def _save(
    district, kind, year, part, number, *, status=Status.NOT_ASSESSED, value=None, note=""
) -> int:
    item, created = CountyItem.objects.get_or_create(
        district=district,
        kind=kind,
        school_year=year,
        part=part,
        number=number,
        defaults={"status": status, "value": value, "note": note, "is_demo": True},
    )
    if created:
        CountyItemChange.objects.create(
            item=item,
            channel=CountyItemChange.Channel.DEMO,
            action="demo",
            new={
                "status": status,
                "value": None if value is None else f"{value:.2f}",
                "note": note,
            },
        )
    return int(created)
