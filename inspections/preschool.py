"""学前教育普及普惠 (教督〔2020〕1号): the county's values of the method's quantitative indicators
from its kindergartens' statistics, each against its threshold.

Each indicator is Σ numerator / Σ denominator over the county's kindergartens (the numerator over
the kindergartens it names, e.g. 公办园 and 普惠性民办园 for 普惠性幼儿园覆盖率), × 100 for a rate:
never an average of the kindergartens' rates. 学前三年毛入园率 is the children in kindergarten over
the county's population aged 3–5, which the statistics do not give: the city admin records it per
county and year (without it the rate is not computed). Indicators judged per kindergarten too
(幼儿与教职工之比, 园均班额) list every kindergarten outside the threshold; the county's value
decides the county's standing ("普遍达到").

One query reads the kindergartens of every county asked for, one pass computes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from inspections.standards import PreschoolIndicator, Standard, standard_for
from schools.models import SchoolYearStatistics

HUNDRED = Decimal(100)
COLUMNS = ("school__code", "school__name", "school__inclusiveness", "school__district_id")


@dataclass
class KindergartenValue:
    code: str
    name: str
    value: Decimal | None


@dataclass
class Measure:
    indicator: PreschoolIndicator
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None
    outside: list[KindergartenValue] = field(default_factory=list)  # per-kindergarten failures

    @property
    def meets(self) -> bool | None:
        return self.indicator.meets(self.value)

    @property
    def gap(self) -> Decimal | None:
        """How far the value is from the threshold, positive when short of it."""
        if self.value is None:
            return None
        ind = self.indicator
        return ind.at_least - self.value if ind.at_least is not None else self.value - ind.at_most


@dataclass
class Coverage:
    district_id: int
    school_year: int
    standard: Standard
    kindergartens: int
    measures: list[Measure]

    @property
    def passes(self) -> bool:
        return bool(self.measures) and all(m.meets for m in self.measures)


def ratio(numerator: Decimal, denominator: Decimal | None, percent: bool) -> Decimal | None:
    if not denominator:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    return value * HUNDRED if percent else value


def _fields(standard: Standard) -> list[str]:
    names = {i.numerator for i in standard.indicators}
    names |= {i.denominator for i in standard.indicators if i.denominator}
    return sorted(names)


def evaluate_many(district_ids, school_year: int, populations: dict[int, Decimal]) -> dict:
    """Each county's Coverage; `populations`: the recorded population aged 3–5 by district."""
    standard = standard_for("preschool", school_year)
    names = _fields(standard)
    rows = SchoolYearStatistics.objects.filter(
        school_year=school_year, school__category="kindergarten"
    )
    if district_ids is not None:
        rows = rows.filter(school__district_id__in=list(district_ids))
    by_district: dict[int, list] = defaultdict(list)
    for row in rows.order_by("school__code").values_list(*COLUMNS, *names):
        by_district[row[3]].append((row[0], row[1], row[2], dict(zip(names, row[4:], strict=True))))
    ids = district_ids if district_ids is not None else set(by_district)
    return {d: county(d, school_year, standard, by_district[d], populations.get(d)) for d in ids}


def county(district_id, school_year, standard, kindergartens, population) -> Coverage:
    """kindergartens: (code, name, inclusiveness, {field: amount}) of the county's kindergartens."""
    measures = []
    for ind in standard.indicators:
        numerator = Decimal(0)
        denominator = Decimal(0)
        outside = []
        for code, name, inclusiveness, amounts in kindergartens:
            top = amounts.get(ind.numerator) or 0
            bottom = amounts.get(ind.denominator) or 0 if ind.denominator else 0
            if not ind.inclusiveness or inclusiveness in ind.inclusiveness:
                numerator += Decimal(top)
            denominator += Decimal(bottom)
            if ind.per_kindergarten:
                own = ratio(Decimal(top), Decimal(bottom), ind.percent)
                if own is not None and not ind.meets(own):
                    outside.append(KindergartenValue(code, name, own))
        if ind.denominator is None:
            denominator = population
        outside.sort(key=lambda k: -(k.value or 0) if ind.at_most is not None else (k.value or 0))
        value = ratio(numerator, denominator, ind.percent)
        measures.append(Measure(ind, numerator, denominator, value, outside))
    return Coverage(district_id, school_year, standard, len(kindergartens), measures)
