"""Indicators (指标) with their 口径 card, shipped as versioned data: one YAML file per indicator
in this folder, its key the `Target.indicator` of the plans' targets it serves.

An indicator is a fraction over the schools' statistics: the numerator and the denominator each
sum some statistics fields over the schools of some kinds (`schools: {category: kindergarten,
inclusiveness: [public, inclusive_private]}`). A derived value is computed by the database, one
aggregate per indicator: Σ numerator / Σ denominator per district and year, and for the city the
sums of the districts' sums (never an average of percentages).

The year: a plan year Y reads the statistics of the Y学年 (Y/Y+1, counted on 1 September Y),
`school_year_of`; an indicator on a calendar-year basis would say so in its card.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.db.models import DecimalField, Q, Sum
from django.db.models.functions import Coalesce

from schools.models import School, SchoolYearStatistics
from schools.statistics import FIELD

FOLDER = Path(__file__).parent
AMOUNT = DecimalField(max_digits=20, decimal_places=2)
SCHOOL_KEYS = {"category": School.Category, "inclusiveness": School.Inclusiveness,
               "ownership": School.Ownership, "locality": School.Locality}  # fmt: skip
VALUE_KINDS = {"percent", "ratio"}
YEAR_BASES = {"school_year", "calendar_year"}
REQUIRED = ["key", "version", "name", "definition", "formula", "numerator", "denominator",
            "value_kind", "year_basis", "census_day", "document", "tolerance"]  # fmt: skip


class IndicatorError(ValueError):
    """An indicator file that does not say what it must (named by file and key)."""


@dataclass(frozen=True)
class Sum_:
    """One side of the fraction: the sum of `fields` over the schools matching `schools`."""

    fields: tuple[str, ...]
    schools: tuple[tuple[str, tuple[str, ...]], ...]

    def condition(self, prefix: str = "school__") -> Q:
        return Q(**{f"{prefix}{key}__in": values for key, values in self.schools})

    def expression(self, prefix: str = "school__"):
        """Σ of the fields over the matching rows, in SQL; a blank field counts nothing."""
        total = None
        for name in self.fields:
            part = Coalesce(Sum(name, filter=self.condition(prefix)), 0, output_field=AMOUNT)
            total = part if total is None else total + part
        return total

    @property
    def source_fields(self) -> list[str]:
        return [FIELD[name].header for name in self.fields]


@dataclass(frozen=True)
class Indicator:
    key: str
    version: int
    name: str
    definition: str
    formula: str
    numerator: Sum_
    denominator: Sum_
    value_kind: str
    year_basis: str
    census_day: str
    document: str
    tolerance: Decimal

    def value(self, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """The indicator's own reading: percent, or so many per one (生师比 14.2)."""
        if numerator is None or not denominator:
            return None
        share = Decimal(numerator) / Decimal(denominator)
        return share * 100 if self.value_kind == "percent" else share

    def source_tables(self) -> list[str]:
        names = self.numerator.fields + self.denominator.fields
        return sorted({FIELD[name].table for name in names})


def school_year_of(indicator: Indicator, plan_year: int) -> int:
    """The school year a plan year's figure reads: the Y学年 for the figure of year Y (both
    school-year and, with the statistics' single census day, calendar-year indicators)."""
    return plan_year


def _side(data, where: str) -> Sum_:
    if not isinstance(data, dict) or not data.get("fields"):
        raise IndicatorError(f"{where}: needs fields")
    for name in data["fields"]:
        if name not in FIELD:
            raise IndicatorError(f"{where}: {name} is no statistics field")
    schools = []
    for key, values in (data.get("schools") or {}).items():
        values = values if isinstance(values, list) else [values]
        if key not in SCHOOL_KEYS or not set(values) <= set(SCHOOL_KEYS[key].values):
            raise IndicatorError(f"{where}: schools {key}={values} is not allowed")
        schools.append((key, tuple(values)))
    return Sum_(tuple(data["fields"]), tuple(schools))


def parse(text: str, name: str) -> Indicator:
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise IndicatorError(f"{name}: not a mapping")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise IndicatorError(f"{name}: missing {', '.join(missing)}")
    if data["value_kind"] not in VALUE_KINDS or data["year_basis"] not in YEAR_BASES:
        raise IndicatorError(f"{name}: value_kind or year_basis not allowed")
    return Indicator(
        key=data["key"], version=int(data["version"]), name=data["name"],
        definition=data["definition"], formula=data["formula"],
        numerator=_side(data["numerator"], f"{name} numerator"),
        denominator=_side(data["denominator"], f"{name} denominator"),
        value_kind=data["value_kind"], year_basis=data["year_basis"],
        census_day=data["census_day"], document=data["document"],
        tolerance=Decimal(str(data["tolerance"])),
    )  # fmt: skip


@cache
def indicators() -> dict[str, Indicator]:
    """Every shipped indicator, by key."""
    found = [parse(p.read_text("utf-8"), p.name) for p in sorted(FOLDER.glob("*.yaml"))]
    return {i.key: i for i in found}


def get(key: str) -> Indicator | None:
    return indicators().get(key) if key else None


@dataclass(frozen=True)
class Derived:
    numerator: Decimal
    denominator: Decimal
    indicator: Indicator

    @property
    def value(self) -> Decimal | None:
        return self.indicator.value(self.numerator, self.denominator)


def derive(
    indicator: Indicator, city_id: int, school_years: list[int], statistics=None
) -> tuple[dict[tuple[int, int], Derived], dict[int, Derived]]:
    """Per (district id, school year) and per school year for the city: Σ numerator and
    Σ denominator over the statistics, in one aggregate query."""
    rows = (statistics if statistics is not None else SchoolYearStatistics.objects).filter(
        school__district__city_id=city_id, school_year__in=school_years
    )
    sums = rows.values("school__district_id", "school_year").annotate(
        n=indicator.numerator.expression(), d=indicator.denominator.expression()
    )
    by_district: dict[tuple[int, int], Derived] = {}
    city: dict[int, list[Decimal]] = {}
    for row in sums.order_by():
        if not row["d"]:
            continue
        n, d = Decimal(row["n"]), Decimal(row["d"])
        by_district[(row["school__district_id"], row["school_year"])] = Derived(n, d, indicator)
        total = city.setdefault(row["school_year"], [Decimal(0), Decimal(0)])
        total[0] += n
        total[1] += d
    return by_district, {y: Derived(n, d, indicator) for y, (n, d) in city.items()}


def schools_behind(
    indicator: Indicator, district, school_year: int, against: Decimal | None = None
) -> list[tuple]:
    """The schools behind a district's value: (school, numerator, denominator, value, share of
    the difference). Without `against`, the largest denominators first. With it (the entered
    value, in the indicator's terms), each school's part of derived − entered, which is
    Σ dᵢ·(vᵢ − entered) / Σ d, largest first: the schools that weigh most in the difference."""
    rows = list(
        SchoolYearStatistics.objects.filter(school__district=district, school_year=school_year)
        .values("school")
        .annotate(n=indicator.numerator.expression(), d=indicator.denominator.expression())
        .filter(d__gt=0)
        .order_by("-d", "school")
    )
    schools = School.objects.in_bulk([r["school"] for r in rows])
    total = sum((Decimal(r["d"]) for r in rows), Decimal(0))
    found = []
    for r in rows:
        value = indicator.value(r["n"], r["d"])
        part = None if against is None else Decimal(r["d"]) * (value - against) / total
        found.append((schools[r["school"]], r["n"], r["d"], value, part))
    if against is not None:
        found.sort(key=lambda row: -abs(row[4]))
    return found


def card_note(key: str) -> str:
    """The 口径 card in one short line, for a report's notes under a value (the whole card is
    on the indicator's page); "" for no indicator."""
    indicator = get(key)
    if indicator is None:
        return ""
    basis = "学年" if indicator.year_basis == "school_year" else "自然年"
    day = indicator.census_day
    return f"口径 v{indicator.version}：{indicator.formula}（{basis}，统计时点{day}）"
