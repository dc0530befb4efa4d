"""Demo births (演示) for 2014–2025 in every district, and the demo schools' approved places set
so that the projection has a shortfall and a surplus to show. Called by seed_demo after the demo
schools (schools.demo); deterministic, a second run changes nothing.

Births follow the demo schools' entry grades, so that the entry ratios are plausible: births in
year y = 一年级 of y+6 ÷ 1.02 (2014–2019, children moving in), else 小班 of y+3 ÷ 0.92 (2020–2022,
not every child goes to kindergarten at three); 2023–2025 fall on at the last years' mean rate,
as Zibo's births did after 2017.

Places: 张店区's 初中 schools are set to 95% of the most junior students projected (a shortfall
as the larger cohorts reach 七年级), 博山区's kindergartens to 110% of this year's children (a
surplus within a few years as births fall).
"""

import math

from django.db import transaction
from django.db.models import Sum

from departments.models import District
from plans.models import Plan
from projections import births, outlook
from projections.models import Births, BirthsChange
from schools.models import GradeEnrolment, School

YEARS = range(2014, 2026)
PRIMARY_ENTRY, KINDERGARTEN_ENTRY = 1.02, 0.92
SHORTFALL = ("zhangdian", "junior", 0.95)  # places = 95% of the most students projected
SURPLUS = ("boshan", "kindergarten", 1.10)  # places = 110% of this year's children
SOURCE = "演示数据（按演示学校入学年级推算）"


def _entries(district: District) -> dict[int, int]:
    rows = (
        GradeEnrolment.objects.filter(statistics__school__district=district, grade__in=(1, -2))
        .values_list("grade", "statistics__school_year")
        .annotate(n=Sum("students"))
    )
    first, kindergarten = {}, {}
    for grade, year, n in rows:
        (first if grade == 1 else kindergarten)[year] = n
    found = {}
    for year in YEARS:
        if year + 6 in first:
            found[year] = round(first[year + 6] / PRIMARY_ENTRY)
        elif year + 3 in kindergarten:
            found[year] = round(kindergarten[year + 3] / KINDERGARTEN_ENTRY)
    if found:
        known = sorted(found)
        recent = known[-4:]
        rate = (found[recent[-1]] / found[recent[0]]) ** (1 / max(1, len(recent) - 1))
        rate = min(rate, 0.97)  # births keep falling
        for year in YEARS:
            if year > known[-1]:
                found[year] = round(found[year - 1] * rate)
    return found


@transaction.atomic
def seed(plan: Plan) -> int:
    """The demo births that do not exist yet, then the demo places; returns the births made."""
    districts = list(District.objects.filter(city=plan.city).order_by("order"))
    made = 0
    for district in districts:
        if Births.objects.filter(district=district).exists():
            continue
        entries = [
            births.Entry(district, year, n, SOURCE)
            for year, n in sorted(_entries(district).items())
        ]
        made += births.record(entries, user=None, channel=BirthsChange.Channel.DEMO, is_demo=True)
    by_slug = {d.slug: d for d in districts}
    for slug, level, share in (SHORTFALL, SURPLUS):
        if slug in by_slug:
            _set_places(by_slug[slug], level, share)
    return made


def _set_places(district: District, level: str, share: float) -> None:
    """The district's single-level demo schools of this level get places such that the level's
    places are `share` of its most projected students (a shortfall) or of this year's (a
    surplus); mixed schools keep theirs."""
    (row,) = outlook.outlooks([district])
    found = row.level(level)
    if found is None or not found.places:
        return
    known = [n for n in found.students.values() if n is not None]
    wanted = share * (max(known) if share < 1 else found.students[found.years[0]] or 0)
    schools = list(School.objects.filter(district=district, category=level, is_demo=True))
    single = sum(s.approved_places or 0 for s in schools)
    if not single or not wanted:
        return
    factor = max(0.1, (wanted - (found.places - single)) / single)
    if math.isclose(factor, 1, abs_tol=0.005):
        return  # already set (a second run)
    for school in schools:
        school.approved_places = max(1, round((school.approved_places or 0) * factor))
    School.objects.bulk_update(schools, ["approved_places"])
