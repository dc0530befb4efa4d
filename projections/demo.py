"""Demo births (演示) for 2014–2025 in every district, and the demo schools' approved places set
so that the projection has a shortfall and a surplus to show. Called by seed_demo after the demo
schools (schools.demo); deterministic, a second run changes nothing.

Births follow the demo schools' cohorts (schools.demo.cohort_index: the two-child peak of
2016–2017, then the fall Zibo's births took), scaled to each district's 一年级 with an entry ratio
of 1.02, each year within ±2%.

Places: 张店区's 初中 schools are set to 95% of the most junior students projected (a shortfall
as the larger cohorts reach 七年级), 博山区's kindergartens to 130% of this year's children (a
surplus within a few years as births fall).
"""

import math
import random

from django.db import transaction
from django.db.models import Sum

from departments.models import District
from plans.models import Plan
from projections import births, outlook
from projections.models import Births, BirthsChange
from schools.demo import cohort_index
from schools.models import GradeEnrolment, School

YEARS = range(2014, 2026)
PRIMARY_ENTRY = 1.02  # children moving in: 一年级 a little above the births six years before
SHORTFALL = ("zhangdian", "junior", 0.95)  # places = 95% of the most students projected
SURPLUS = ("boshan", "kindergarten", 1.30)  # places = 130% of this year's children
SOURCE = "演示数据（按演示学校入学年级推算）"


def _entries(district: District) -> dict[int, int]:
    """Births shaped as the demo schools' cohorts (schools.demo.cohort_index), scaled so that
    一年级 is PRIMARY_ENTRY × the births six years before, each year within ±2% (a year's
    registrations are never exactly the children who start school)."""
    rows = (
        GradeEnrolment.objects.filter(statistics__school__district=district, grade=1)
        .values_list("statistics__school_year")
        .annotate(n=Sum("students"))
        .order_by()
    )
    scales = [n / cohort_index(district.slug, year - 6) for year, n in rows if n]
    if not scales:
        return {}
    scale = sum(scales) / len(scales) / PRIMARY_ENTRY
    found = {}
    for year in YEARS:
        noise = random.Random(f"births/{district.slug}/{year}").uniform(0.98, 1.02)
        found[year] = round(scale * cohort_index(district.slug, year) * noise)
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
