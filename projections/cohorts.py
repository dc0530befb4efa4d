"""学龄人口预测: the grade-progression (cohort-survival) arithmetic. Pure functions on plain
numbers, no ORM: projections.outlook reads the database and hands the series in.

A series is `{grade: {school_year: students}}` (grades as schools.statistics.GRADES codes:
小班 −2 … 大班 0, 一年级 1 … 高三 12) and births `{calendar_year: births}`.

- Progression: students of grade g+1 in year t+1 = students of grade g in year t × the mean
  progression ratio of the last three years (ratio of year t = students in g+1 in t ÷ students
  in g in t−1). Junior entry (七年级) comes from 六年级 and senior entry (高一) from 九年级 the
  same way.
- Entry from births: 一年级 in year t = births in t−6 × the mean entry ratio of the last three
  years (ratio = 一年级 in t ÷ births in t−6); 小班 likewise from births in t−3.
- A ratio whose data are missing (or whose denominator is 0) is left out of the mean; the mean of
  the ratios that remain is used, and how many there were is kept (`Ratio.years`).
- Births not yet known (a year after the last recorded one): the last known births are used and
  every number that descends from them is marked *assumed*. Never extrapolated silently.
"""

from dataclasses import dataclass, field

RATIO_YEARS = 3  # the mean of the last three years' ratios
BACKTEST_YEARS = 3  # the backtest projects the last known year from the data three years before
HORIZONS = (5, 10)

# An entry grade from births: grade → years from birth to that grade's school year.
FROM_BIRTHS = {1: 6, -2: 3}
# Every other grade comes from the grade below it a year earlier.
FROM_GRADE = {-1: -2, 0: -1, **{g: g - 1 for g in range(2, 13)}}
GRADES = list(range(-2, 13))

Series = dict[int, dict[int, float]]


@dataclass(frozen=True)
class Ratio:
    value: float | None  # None: no year had the data
    years: tuple[int, ...]  # the years whose ratio went into the mean


@dataclass
class Projection:
    base_year: int  # the last school year of data
    values: Series  # grade → projected school year → students (floats; shown rounded)
    ratios: dict[int, Ratio]  # grade → the ratio that carries students into it
    assumed: set[tuple[int, int]] = field(default_factory=set)  # (grade, year) on assumed births
    assumed_births: dict[int, int] = field(default_factory=dict)  # year → births used instead

    def total(self, grades, year: int) -> float | None:
        """The students of these grades in a projected year; None if any grade has no value."""
        values = [self.values.get(g, {}).get(year) for g in grades]
        return None if not values or any(v is None for v in values) else sum(values)

    def is_assumed(self, grades, year: int) -> bool:
        return any((g, year) in self.assumed for g in grades)


def _mean(ratios: list[tuple[int, float]]) -> Ratio:
    if not ratios:
        return Ratio(None, ())
    return Ratio(sum(r for _, r in ratios) / len(ratios), tuple(y for y, _ in ratios))


def _ratio(top: float | None, bottom: float | None) -> float | None:
    return None if top is None or not bottom else top / bottom


def ratios(students: Series, births: dict[int, float], base_year: int) -> dict[int, Ratio]:
    """Each grade's mean ratio over the school years base_year−2 … base_year."""
    years = range(base_year - RATIO_YEARS + 1, base_year + 1)
    out = {}
    for grade in GRADES:
        found = []
        for t in years:
            top = students.get(grade, {}).get(t)
            if grade in FROM_BIRTHS:
                bottom = births.get(t - FROM_BIRTHS[grade])
            else:
                bottom = students.get(FROM_GRADE[grade], {}).get(t - 1)
            r = _ratio(top, bottom)
            if r is not None:
                found.append((t, r))
        out[grade] = _mean(found)
    return out


def project(students: Series, births: dict[int, float], base_year: int, horizon: int) -> Projection:
    """The school years base_year+1 … base_year+horizon, from data up to base_year."""
    students = {
        g: {t: n for t, n in by_year.items() if t <= base_year} for g, by_year in students.items()
    }
    births = {y: n for y, n in births.items() if y <= base_year}
    carried = ratios(students, births, base_year)
    result = Projection(base_year, {g: {} for g in GRADES}, carried)
    last_birth_year = max(births) if births else None
    for t in range(base_year + 1, base_year + horizon + 1):
        for grade in GRADES:
            ratio = carried[grade].value
            if ratio is None:
                continue
            if grade in FROM_BIRTHS:
                born = t - FROM_BIRTHS[grade]
                if born in births:
                    source = births[born]
                elif last_birth_year is not None and born > last_birth_year:
                    source = births[last_birth_year]
                    result.assumed.add((grade, t))
                    result.assumed_births[born] = births[last_birth_year]
                else:
                    continue
            else:
                below = FROM_GRADE[grade]
                if t - 1 == base_year:
                    source = students.get(below, {}).get(base_year)
                else:
                    source = result.values[below].get(t - 1)
                if source is None:
                    continue
                if (below, t - 1) in result.assumed:
                    result.assumed.add((grade, t))
            result.values[grade][t] = source * ratio
    return result


@dataclass(frozen=True)
class Error:
    projected: float
    actual: float

    @property
    def students(self) -> float:
        return self.projected - self.actual

    @property
    def percent(self) -> float | None:
        return None if not self.actual else 100 * (self.projected - self.actual) / self.actual


def backtest(
    students: Series, births: dict[int, float], last_year: int, levels: dict[str, tuple]
) -> dict[str, Error]:
    """Each level's error when last_year is projected from the data three years before it
    (ratios too are those known then): projected − actual, in students and in % of actual."""
    base = last_year - BACKTEST_YEARS
    earlier = project(students, births, base, BACKTEST_YEARS)
    out = {}
    for level, grades in levels.items():
        projected = earlier.total(grades, last_year)
        actual = [students.get(g, {}).get(last_year) for g in grades]
        if projected is None or any(a is None for a in actual):
            continue
        out[level] = Error(projected, sum(actual))
    return out


# The use of places: below 70% a surplus (schools to consolidate), above 100% a shortfall.
SURPLUS_BELOW = 0.70
FULL_FROM = 0.90
SHORTFALL_ABOVE = 1.00


def use_of_places(students: float | None, places: float | None) -> float | None:
    return None if students is None or not places else students / places


BANDS = ("surplus", "fits", "full", "shortfall", "unknown")


def band(use: float | None) -> str:
    """surplus (< 70%), fits (70–90%), full (90–100%), shortfall (> 100%), or unknown."""
    if use is None:
        return "unknown"
    if use < SURPLUS_BELOW:
        return "surplus"
    if use > SHORTFALL_ABOVE:
        return "shortfall"
    return "full" if use >= FULL_FROM else "fits"


def first_year(uses: dict[int, float | None], warning: str) -> int | None:
    """The first school year whose use of places is in the warning's band."""
    return next((y for y in sorted(uses) if band(uses[y]) == warning), None)
