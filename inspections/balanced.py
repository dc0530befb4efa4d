"""县域义务教育优质均衡 (教督〔2017〕6号): the seven 资源配置 indicators per school and section,
the 校际差异系数 per indicator and level, and the county's standing on them.

- A school's value of an indicator: Σ of the statistics fields × scale × per / its students
  (per 100 students for teachers and classrooms, per student for areas and equipment; the
  equipment value is reported in 万元, the standard is in 元: × 10,000).
- Sections: a 九年一贯制 school has a primary (grades 1–6) and a junior (7–9) section, a
  十二年一贯制 school both (its senior section is not judged), a 完全中学 its junior section.
  A section's students are its grades' sum (the grade rows, `schools.models.GradeEnrolment`);
  its resources, which the statistics report for the whole school, are allocated to the
  sections in proportion to students (the method's practice where section figures are not
  reported), so a mixed school's sections have the same values per student. A mixed school
  without grade rows has no sections: it is listed as not judged.
- A school (section) meets the resource standard when at least 6 of the 7 indicators meet the
  standard and the rest reach 85% of it. A blank field (not reported) meets nothing.
- 差异系数 of an indicator over the county's schools of a level (the method's formula):
  X̄ = Σ PᵢXᵢ / Σ Pᵢ, S = √(Σ Pᵢ(Xᵢ − X̄)² / Σ Pᵢ), CV = S / X̄, Pᵢ the school's students, Xᵢ
  its value; each school's weight in it is its share of Σ Pᵢ(Xᵢ − X̄)²: the schools weighing
  most are the ones whose change would most reduce the CV.

Everything is read in one query on the statistics and one on the mixed schools' grade rows, for
one county or for every county of a city or province (`evaluate_many`), and computed in one pass.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from inspections.standards import LEVELS, ResourceIndicator, Standard, standard_for
from schools.models import GradeEnrolment, SchoolYearStatistics
from schools.statistics import LEVELS as GRADE_LEVELS

SINGLE = {"primary": "primary", "junior": "junior"}
MIXED = {
    "nine_year": ("primary", "junior"),
    "twelve_year": ("primary", "junior"),
    "complete_secondary": ("junior",),
}
CATEGORIES = (*SINGLE, *MIXED)
_LEVEL_OF_GRADE = {g: level for level in LEVELS for g in GRADE_LEVELS[level]}  # 1–6, 7–9


@dataclass
class Section:
    """A school, or one section of a mixed school, as the evaluation counts it."""

    school_id: int
    code: str
    name: str
    category: str
    level: str
    students: int  # Pᵢ
    share: float  # of the school's students (1 for a single-level school)
    values: dict[str, float | None]  # indicator key -> Xᵢ (None: not reported)
    is_demo: bool = False


@dataclass
class Shortfall:
    indicator: ResourceIndicator
    value: float | None
    standard: float

    @property
    def ratio(self) -> float | None:
        return None if self.value is None else self.value / self.standard

    @property
    def gap(self) -> float | None:
        """How much the value is short of the standard (positive), in the indicator's unit."""
        return None if self.value is None else self.standard - self.value


@dataclass
class SchoolVerdict:
    section: Section
    met: int  # indicators meeting the standard
    shortfalls: list[Shortfall]  # indicators below the standard
    passes: bool

    @property
    def below_floor(self) -> list[Shortfall]:
        """Shortfalls below 85% of the standard (or not reported)."""
        return [s for s in self.shortfalls if s.ratio is None or s.ratio < self.floor]

    floor: float = 0.85


@dataclass
class Dispersion:
    """The 差异系数 of one indicator at one level."""

    indicator: ResourceIndicator
    level: str
    schools: int
    mean: float | None
    sd: float | None
    cv: float | None
    threshold: float
    weights: list[tuple[Section, float]] = field(default_factory=list)  # largest share first

    @property
    def meets(self) -> bool:
        return self.cv is not None and self.cv <= self.threshold

    @property
    def required(self) -> float:
        """The standard every school's value is held to."""
        return float(self.indicator.standard[self.level])

    @property
    def leading(self) -> list[tuple[Section, float]]:
        """The three schools weighing most, with their share of Σ Pᵢ(Xᵢ − X̄)² in percent."""
        return [(section, share * 100) for section, share in self.weights[:3]]

    @property
    def gap(self) -> float | None:
        """CV − threshold: positive is how far above the threshold it is."""
        return None if self.cv is None else self.cv - self.threshold


@dataclass
class LevelResult:
    level: str
    label: str
    verdicts: list[SchoolVerdict]
    dispersions: list[Dispersion]

    @property
    def failing(self) -> list[SchoolVerdict]:
        return [v for v in self.verdicts if not v.passes]

    @property
    def schools(self) -> int:
        return len(self.verdicts)

    @property
    def failing_count(self) -> int:
        return len(self.failing)

    @property
    def schools_pass(self) -> bool:
        return bool(self.verdicts) and not self.failing

    @property
    def high(self) -> list[Dispersion]:
        """The indicators whose 差异系数 is above the threshold (or not computable)."""
        return [d for d in self.dispersions if not d.meets]

    @property
    def dispersion_passes(self) -> bool:
        return bool(self.dispersions) and all(d.meets for d in self.dispersions)

    @property
    def passes(self) -> bool:
        return self.schools_pass and self.dispersion_passes


@dataclass
class Resources:
    """The county's 资源配置 result for one school year."""

    district_id: int
    school_year: int
    standard: Standard
    levels: list[LevelResult]
    unjudged: list[str]  # mixed schools without grade rows: "name（code）"

    @property
    def passes(self) -> bool:
        return bool(self.levels) and all(level.passes for level in self.levels)

    def level(self, key: str) -> LevelResult | None:
        return next((lv for lv in self.levels if lv.level == key), None)


# The arithmetic --------------------------------------------------------------------------


def indicator_value(
    indicator: ResourceIndicator, amounts: dict[str, float | None], students: float
) -> float | None:
    """Σ fields × scale × per / students; None when a field is blank or there are no students."""
    if not students:
        return None
    total = 0.0
    for name in indicator.fields:
        amount = amounts.get(name)
        if amount is None:
            return None
        total += float(amount)
    return total * float(indicator.scale) * indicator.per / students


def judge_school(section: Section, standard: Standard) -> SchoolVerdict:
    shortfalls = []
    met = 0
    floor = float(standard.rest_share)
    for indicator in standard.indicators:
        required = float(indicator.standard[section.level])
        value = section.values.get(indicator.key)
        if value is not None and value >= required:
            met += 1
        else:
            shortfalls.append(Shortfall(indicator, value, required))
    verdict = SchoolVerdict(section, met, shortfalls, passes=False, floor=floor)
    verdict.passes = met >= standard.meet_at_least and not verdict.below_floor
    return verdict


def dispersion(pairs: list[tuple[float, float]]) -> tuple[float, float, float, list[float]] | None:
    """(X̄, S, CV, each pair's share of Σ Pᵢ(Xᵢ − X̄)²) of (Pᵢ, Xᵢ) pairs, weighted by Pᵢ;
    None without students. CV = S / X̄ (None when X̄ is 0)."""
    total = sum(p for p, _ in pairs)
    if not total:
        return None
    mean = sum(p * x for p, x in pairs) / total
    squares = [p * (x - mean) ** 2 for p, x in pairs]
    spread = sum(squares)
    sd = math.sqrt(spread / total)
    cv = sd / mean if mean else None
    shares = [s / spread if spread else 0.0 for s in squares]
    return mean, sd, cv, shares


def moments(weight, px, pxx) -> tuple[float | None, float | None, float | None]:
    """(X̄, S, CV) from the sums Σ Pᵢ, Σ PᵢXᵢ, Σ PᵢXᵢ² (with Rᵢ = PᵢXᵢ: Σ Pᵢ, Σ Rᵢ, Σ Rᵢ²/Pᵢ):
    X̄ = Σ PᵢXᵢ / Σ Pᵢ and S² = Σ Pᵢ(Xᵢ − X̄)² / Σ Pᵢ = Σ PᵢXᵢ² / Σ Pᵢ − X̄² (never below 0:
    rounding can take an equal-values S² a hair under). All None without students."""
    if not weight:
        return None, None, None
    mean = px / weight
    sd = math.sqrt(max(pxx / weight - mean * mean, 0.0))
    return mean, sd, (sd / mean if mean else None)


def judge_level(level: str, sections: list[Section], standard: Standard) -> LevelResult:
    verdicts = [judge_school(s, standard) for s in sections]
    dispersions = []
    threshold = float(standard.cv_max[level])
    for indicator in standard.indicators:
        counted = [s for s in sections if s.values.get(indicator.key) is not None]
        result = dispersion([(s.students, s.values[indicator.key]) for s in counted])
        if result is None:
            dispersions.append(Dispersion(indicator, level, 0, None, None, None, threshold))
            continue
        mean, sd, cv, shares = result
        weights = sorted(zip(counted, shares, strict=True), key=lambda pair: -pair[1])
        dispersions.append(
            Dispersion(indicator, level, len(counted), mean, sd, cv, threshold, weights)
        )
    return LevelResult(level, standard.levels[level], verdicts, dispersions)


# Reading the statistics ------------------------------------------------------------------

COLUMNS = (
    "id",
    "school_id",
    "school__code",
    "school__name",
    "school__category",
    "school__district_id",
    "school__is_demo",
    "enrolled",
)


def _fields(standard: Standard) -> list[str]:
    return sorted({name for ind in standard.indicators for name in ind.fields})


def sections_of(rows, grades: dict[int, dict[str, int]], standard: Standard):
    """Each statistics row as its sections; yields (district_id, Section) and, for a mixed school
    with no grade rows, (district_id, "name（code）")."""
    names = _fields(standard)
    for row in rows:
        stats_id, school_id, code, name, category, district_id, demo, enrolled = row[:8]
        if not enrolled:
            continue
        amounts = dict(zip(names, row[8:], strict=True))
        if category in SINGLE:
            parts = {SINGLE[category]: enrolled}
        else:
            by_level = grades.get(stats_id)
            if not by_level:
                yield district_id, f"{name}（{code}）"
                continue
            parts = {lv: by_level[lv] for lv in MIXED[category] if by_level.get(lv)}
        for level, students in parts.items():
            share = students / enrolled
            values = {
                ind.key: indicator_value(
                    ind,
                    {
                        n: None if amounts[n] is None else float(amounts[n]) * share
                        for n in ind.fields
                    },
                    students,
                )
                for ind in standard.indicators
            }
            yield (
                district_id,
                Section(school_id, code, name, category, level, students, share, values, demo),
            )


def evaluate_many(district_ids, school_year: int) -> dict[int, Resources]:
    """The 资源配置 result of each county: one query on the statistics, one on grade rows."""
    standard = standard_for("balanced", school_year)
    where = Q(school_year=school_year, school__category__in=CATEGORIES)
    if district_ids is not None:
        where &= Q(school__district_id__in=list(district_ids))
    rows = SchoolYearStatistics.objects.filter(where).order_by("school__code")
    values = rows.values_list(*COLUMNS, *_fields(standard))
    grade_rows = GradeEnrolment.objects.filter(
        statistics__school_year=school_year,
        statistics__school__category__in=list(MIXED),
        grade__gte=1,
        grade__lte=9,
    )
    if district_ids is not None:
        grade_rows = grade_rows.filter(statistics__school__district_id__in=list(district_ids))
    grades: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for stats_id, grade, students in grade_rows.values_list("statistics_id", "grade", "students"):
        grades[stats_id][_LEVEL_OF_GRADE[grade]] += students
    by_district: dict[int, dict[str, list[Section]]] = defaultdict(lambda: defaultdict(list))
    unjudged: dict[int, list[str]] = defaultdict(list)
    for district_id, section in sections_of(values, grades, standard):
        if isinstance(section, str):
            unjudged[district_id].append(section)
        else:
            by_district[district_id][section.level].append(section)
    ids = district_ids if district_ids is not None else set(by_district) | set(unjudged)
    return {
        d: Resources(
            d,
            school_year,
            standard,
            [judge_level(lv, by_district[d][lv], standard) for lv in LEVELS if by_district[d][lv]],
            unjudged[d],
        )
        for d in ids
    }


def evaluate(district_id: int, school_year: int) -> Resources:
    return evaluate_many([district_id], school_year)[district_id]


# The city page: every county's summary in one SQL aggregate ------------------------------


@dataclass
class LevelSummary:
    """A level's result without the schools: what the page of all counties shows."""

    level: str
    label: str
    schools: int
    failing_count: int
    dispersions: list[Dispersion]

    @property
    def high(self) -> list[Dispersion]:
        return [d for d in self.dispersions if not d.meets]

    @property
    def dispersion_passes(self) -> bool:
        return bool(self.dispersions) and all(d.meets for d in self.dispersions)

    @property
    def schools_pass(self) -> bool:
        return self.schools > 0 and self.failing_count == 0

    @property
    def passes(self) -> bool:
        return self.schools_pass and self.dispersion_passes


# One pass over the year's statistics. `schools` (materialized, so that each school's seven
# values Xᵢ are computed once and the statistics read once): one row per school. `grades`: a
# mixed school's students per section, from its grade rows. `sections`: the single-level
# schools as they are, the mixed schools' sections with their students; a section's resources
# are the school's in proportion to students, so its Xᵢ is the school's. The aggregate per
# (county, level) is, per indicator over the sections reporting it, Σ Pᵢ, Σ PᵢXᵢ (= Σ Rᵢ) and
# Σ PᵢXᵢ² (= Σ Rᵢ²/Pᵢ), and the sections failing the school rule: every value at least the floor
# (checked first: it usually decides) and at least `meet` at the standard, the standards
# written into the query as constants (a join to them costs more than the comparisons).
SUMMARY_SQL = """
WITH schools AS MATERIALIZED (
    SELECT t.id, s.district_id AS d, s.category, t.enrolled, {values}
    FROM schools_schoolyearstatistics t JOIN schools_school s ON s.id = t.school_id
    WHERE t.school_year = %(year)s AND t.enrolled > 0 AND s.district_id IN ({districts})
      AND s.category IN ('primary', 'junior', 'nine_year', 'twelve_year', 'complete_secondary')
), grades AS (
    SELECT g.statistics_id AS sid,
           CASE WHEN g.grade <= 6 THEN 'primary' ELSE 'junior' END AS level,
           SUM(g.students) AS p
    FROM schools_gradeenrolment g JOIN schools ON schools.id = g.statistics_id
    WHERE g.grade BETWEEN 1 AND 9
      AND schools.category IN ('nine_year', 'twelve_year', 'complete_secondary')
    GROUP BY g.statistics_id, CASE WHEN g.grade <= 6 THEN 'primary' ELSE 'junior' END
), sections AS (
    SELECT d, category AS level, CAST(enrolled AS DOUBLE PRECISION) AS p, {xs}
    FROM schools WHERE category IN ('primary', 'junior')
    UNION ALL
    SELECT d, grades.level, CAST(grades.p AS DOUBLE PRECISION), {xs}
    FROM schools JOIN grades ON grades.sid = schools.id
    WHERE grades.p > 0
      AND NOT (schools.category = 'complete_secondary' AND grades.level = 'primary')
)
SELECT d, level, COUNT(*),
       SUM(CASE WHEN level = 'primary' THEN ({fails_primary}) ELSE ({fails_junior}) END),
       {sums}
FROM sections GROUP BY d, level
"""


def _summary_sql(standard: Standard, districts: int) -> str:
    values, sums = [], []
    for n, ind in enumerate(standard.indicators):
        total = " + ".join(f"t.{name}" for name in ind.fields)
        factor = float(ind.scale) * ind.per
        values.append(
            f"CAST({total} AS DOUBLE PRECISION) * {factor!r} "
            f"/ CAST(t.enrolled AS DOUBLE PRECISION) AS x{n}"
        )
        # p + 0 * x is NULL where x is: Σ Pᵢ over the sections reporting the indicator
        sums.append(f"COUNT(x{n}), SUM(p + 0 * x{n}), SUM(p * x{n}), SUM(p * x{n} * x{n})")
    share = float(standard.rest_share)

    def fails(level: str) -> str:
        required = [float(ind.standard[level]) for ind in standard.indicators]
        floor = " AND ".join(f"x{n} >= {share * r!r}" for n, r in enumerate(required))
        met = " + ".join(
            f"(CASE WHEN x{n} >= {r!r} THEN 1 ELSE 0 END)" for n, r in enumerate(required)
        )
        return f"CASE WHEN {floor} AND {met} >= %(meet)s THEN 0 ELSE 1 END"

    return SUMMARY_SQL.format(
        values=", ".join(values),
        districts=", ".join(f"%(d{i})s" for i in range(districts)) if districts else "NULL",
        xs=", ".join(f"x{n}" for n in range(len(standard.indicators))),
        fails_primary=fails("primary"),
        fails_junior=fails("junior"),
        sums=", ".join(sums),
    )


def summaries(district_ids, school_year: int) -> dict[int, list[LevelSummary]]:
    """Each county's levels (schools, schools below the standard, every 差异系数) in one SQL
    aggregate: the sums Σ P, Σ PX (Σ R) and Σ PX² (Σ R²/P) per indicator give X̄, S and the CV
    (`moments`).
    The same numbers as `evaluate_many`, without the schools."""
    from django.db import connection

    standard = standard_for("balanced", school_year)
    ids = list(district_ids)
    if not ids:
        return {}
    sql = _summary_sql(standard, len(ids))
    names = {f"d{i}": pk for i, pk in enumerate(ids)}
    params = {"year": school_year, "meet": standard.meet_at_least, **names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[int, dict[str, LevelSummary]] = defaultdict(dict)
    for row in rows:
        district, level, schools, failing = row[:4]
        dispersions = []
        threshold = float(standard.cv_max[level])
        for n, ind in enumerate(standard.indicators):
            counted, weight, px, pxx = row[4 + 4 * n : 8 + 4 * n]
            dispersions.append(
                Dispersion(ind, level, counted, *moments(weight, px, pxx), threshold)
            )
        found[district][level] = LevelSummary(
            level, standard.levels[level], schools, failing, dispersions
        )
    return {d: [found[d][lv] for lv in LEVELS if lv in found[d]] for d in ids}
