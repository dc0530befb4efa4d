"""Each district's outlook: its students by level and grade projected 10 school years ahead
(projections.cohorts), the approved places (核定学位) of its schools by level, the use of those
places each year and its warnings, and the backtest beside it.

Five queries whatever the number of districts: students by (district, grade, school year) in one
grouped query, births, the places of single-level schools summed by district and category, and
the mixed schools (九年一贯制, 完全中学, 十二年一贯制) with their grades: a mixed school's places
are split between its sections by each section's share of its students in the base year (by
its share of the school's grades when it reported none). Places are those of the schools open
in the base year, held for every projected year (a school planned or closed later is not known
here).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Sum

from departments.models import District
from projections import cohorts
from projections.models import Births
from schools.models import GradeEnrolment, School
from schools.statistics import GRADES, GRADES_OF_CATEGORY, LEVEL_LABELS, LEVELS, level_of

HORIZON = 10
# The levels a school's places serve, by category (from the grades it teaches); 中职 and
# 特殊教育 teach none of these grades and are outside the projection.
SECTIONS = {
    category: tuple(dict.fromkeys(level_of(g) for g in grades))
    for category, grades in GRADES_OF_CATEGORY.items()
    if grades
}
MIXED = [c for c, levels in SECTIONS.items() if len(levels) > 1]


@dataclass
class GradeRow:
    grade: int
    label: str
    actual: int | None  # the base year's students
    projected: list[float | None]  # each projected year
    assumed: list[bool]


@dataclass
class LevelOutlook:
    level: str
    label: str
    places: int | None
    years: list[int]  # the base year, then the projected years
    students: dict[int, float | None]  # year → students (the base year's actual)
    uses: dict[int, float | None]
    assumed: set[int]  # projected years resting on assumed births
    grades: list[GradeRow]
    backtest: cohorts.Error | None
    surplus_from: int | None = None
    shortfall_from: int | None = None

    def __post_init__(self) -> None:
        self.surplus_from = cohorts.first_year(self.uses, "surplus")
        self.shortfall_from = cohorts.first_year(self.uses, "shortfall")

    def cells(self):
        """(year, students, use, band, assumed) of every year."""
        for year in self.years:
            use = self.uses[year]
            yield year, self.students[year], use, cohorts.band(use), year in self.assumed


@dataclass
class DistrictOutlook:
    district: District
    base_year: int | None
    levels: list[LevelOutlook] = field(default_factory=list)
    assumed_births: dict[int, int] = field(default_factory=dict)
    last_births: int | None = None  # the last year with births recorded

    def level(self, level: str) -> LevelOutlook | None:
        return next((row for row in self.levels if row.level == level), None)


def latest_school_year(districts: list[District]) -> int | None:
    return GradeEnrolment.objects.filter(statistics__school__district__in=districts).aggregate(
        latest=Max("statistics__school_year")
    )["latest"]


def _students(ids: list[int], first: int, last: int) -> dict[int, cohorts.Series]:
    rows = (
        GradeEnrolment.objects.filter(
            statistics__school__district_id__in=ids,
            statistics__school_year__gte=first,
            statistics__school_year__lte=last,
        )
        .values_list("statistics__school__district_id", "grade", "statistics__school_year")
        .annotate(n=Sum("students"))
        .order_by()
    )
    out: dict[int, cohorts.Series] = defaultdict(lambda: defaultdict(dict))
    for district, grade, year, n in rows:
        out[district][grade][year] = n
    return out


def _births(ids: list[int], last: int) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = defaultdict(dict)
    rows = Births.objects.filter(district_id__in=ids, year__lte=last).order_by()
    for district, year, n in rows.values_list("district_id", "year", "births"):
        out[district][year] = n
    return out


def _places(ids: list[int], year: int) -> dict[int, dict[str, float]]:
    """Approved places by district and level: single-level schools summed in SQL, a mixed
    school's split by its sections' shares of its students."""
    open_schools = (
        School.objects.open_in(year)
        .filter(district_id__in=ids, approved_places__isnull=False)
        .order_by()
    )
    out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    single = [c for c, levels in SECTIONS.items() if len(levels) == 1]
    summed = (
        open_schools.filter(category__in=single)
        .values("district_id", "category")
        .annotate(places=Sum("approved_places"))
        .values_list("district_id", "category", "places")
    )
    for district, category, places in summed:
        out[district][SECTIONS[category][0]] += places
    mixed = list(
        open_schools.filter(category__in=MIXED).values_list(
            "pk", "district_id", "category", "approved_places"
        )
    )
    if not mixed:
        return out
    sections: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = GradeEnrolment.objects.filter(
        statistics__school__district_id__in=ids,
        statistics__school__category__in=MIXED,
        statistics__school_year=year,
    ).values_list("statistics__school_id", "grade", "students")
    for school, grade, n in rows.order_by():
        sections[school][level_of(grade)] += n
    for pk, district, category, places in mixed:
        levels = SECTIONS[category]
        counts = [sections[pk].get(level, 0) for level in levels] if pk in sections else []
        if sum(counts) == 0:  # no grades reported: by the number of grades of each section
            counts = [len(LEVELS[level]) for level in levels]
        total = sum(counts)
        for level, n in zip(levels, counts, strict=True):
            out[district][level] += places * n / total
    return out


def outlooks(
    districts: list[District], base_year: int | None = None, horizon: int = HORIZON
) -> list[DistrictOutlook]:
    """The outlook of each district, projected from base_year (default: the latest school year
    with grade data) `horizon` years ahead."""
    if not districts:
        return []
    ids = [d.pk for d in districts]
    if base_year is None:
        base_year = latest_school_year(districts)
        if base_year is None:
            return [DistrictOutlook(d, None) for d in districts]
    first = base_year - cohorts.BACKTEST_YEARS - cohorts.RATIO_YEARS
    students = _students(ids, first, base_year)
    births = _births(ids, base_year)
    places = _places(ids, base_year)
    return [
        _outlook(
            d,
            base_year,
            horizon,
            students.get(d.pk, {}),
            births.get(d.pk, {}),
            places.get(d.pk, {}),
        )
        for d in districts
    ]


def _outlook(district, base_year, horizon, students, births, places) -> DistrictOutlook:
    projection = cohorts.project(students, births, base_year, horizon)
    errors = cohorts.backtest(students, births, base_year, LEVELS)
    projected_years = list(range(base_year + 1, base_year + horizon + 1))
    years = [base_year, *projected_years]
    result = DistrictOutlook(
        district,
        base_year,
        assumed_births=projection.assumed_births,
        last_births=max(births) if births else None,
    )
    for level, grades in LEVELS.items():
        has_students = any(students.get(g) for g in grades)
        level_places = places.get(level)
        if not has_students and not level_places:
            continue
        actual = [students.get(g, {}).get(base_year) for g in grades]
        totals = {base_year: None if any(a is None for a in actual) else sum(actual)}
        totals |= {y: projection.total(grades, y) for y in projected_years}
        rounded_places = round(level_places) if level_places else None
        result.levels.append(
            LevelOutlook(
                level=level,
                label=str(LEVEL_LABELS[level]),
                places=rounded_places,
                years=years,
                students=totals,
                uses={y: cohorts.use_of_places(n, level_places) for y, n in totals.items()},
                assumed={y for y in projected_years if projection.is_assumed(grades, y)},
                grades=[
                    GradeRow(
                        g,
                        str(GRADES[g]),
                        students.get(g, {}).get(base_year),
                        [projection.values[g].get(y) for y in projected_years],
                        [(g, y) in projection.assumed for y in projected_years],
                    )
                    for g in grades
                ],
                backtest=errors.get(level),
            )
        )
    return result
