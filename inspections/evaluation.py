"""A county's standing in a 督导 evaluation: what the statistics give (inspections.balanced or
inspections.preschool) and what the city records (inspections.models.CountyItem).

Standing: **certified** when the city recorded the county's 国家督导评估认定; **ready** when every
indicator the statistics give meets its threshold, every recorded item is met and 社会认可度
reaches its minimum; otherwise **gaps**, each named.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from departments.models import District
from inspections import balanced, preschool
from inspections.models import CERTIFICATION, POPULATION, RECOGNITION, CountyItem, Kind, Status
from inspections.standards import Standard, standard_for

STANDINGS = {
    "certified": _("certified"),
    "ready": _("ready for evaluation"),
    "gaps": _("gaps"),
}


@dataclass
class ItemRow:
    part: str
    part_name: str
    number: int
    text: str
    item: CountyItem | None

    @property
    def status(self) -> str:
        return self.item.status if self.item else Status.NOT_ASSESSED

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass
class CountyEvaluation:
    kind: str
    district: District
    school_year: int
    standard: Standard
    resources: balanced.Resources | None = None
    coverage: preschool.Coverage | None = None
    items: list[ItemRow] = field(default_factory=list)
    recognition: CountyItem | None = None
    population: CountyItem | None = None
    certification: CountyItem | None = None

    @cached_property
    def statistics_pass(self) -> bool:
        part = self.resources if self.kind == Kind.BALANCED else self.coverage
        return bool(part and part.passes)

    @cached_property
    def items_met(self) -> int:
        return sum(1 for row in self.items if row.status == Status.MET)

    @cached_property
    def items_not_met(self) -> int:
        return sum(1 for row in self.items if row.status == Status.NOT_MET)

    @property
    def recognition_value(self) -> Decimal | None:
        return self.recognition.value if self.recognition else None

    @property
    def recognition_passes(self) -> bool:
        value = self.recognition_value
        return value is not None and value >= self.standard.recognition_min

    @property
    def certified(self) -> bool:
        return bool(self.certification and self.certification.status == Status.MET)

    @cached_property
    def standing(self) -> str:
        if self.certified:
            return "certified"
        if self.statistics_pass and self.items_met == len(self.items) and self.recognition_passes:
            return "ready"
        return "gaps"

    @property
    def standing_label(self) -> str:
        return str(STANDINGS[self.standing])

    @cached_property
    def gaps(self) -> list[str]:
        """What stands between the county and the evaluation, in a few words each."""
        out = []
        if self.kind == Kind.BALANCED and self.resources:
            for level in self.resources.levels:
                failing = level.failing_count
                if failing:
                    out.append(f"{level.label}{failing}所学校资源配置未达标")
                high = [d for d in level.dispersions if not d.meets]
                if high:
                    out.append(f"{level.label}{len(high)}项差异系数超标")
            if not self.resources.levels:
                out.append("无义务教育学校统计数据")
        if self.kind == Kind.PRESCHOOL and self.coverage:
            for m in self.coverage.measures:
                if m.value is None:
                    out.append(f"{m.indicator.name}无法计算")
                elif not m.meets:
                    out.append(f"{m.indicator.name}未达标")
        if self.items_not_met:
            out.append(f"{self.items_not_met}项评估内容未达到")
        open_items = len(self.items) - self.items_met - self.items_not_met
        if open_items:
            out.append(f"{open_items}项评估内容未评估")
        if self.recognition_value is None:
            out.append(f"{self.standard.recognition_name}未评估")
        elif not self.recognition_passes:
            out.append(f"{self.standard.recognition_name}低于{self.standard.recognition_min}%")
        return out


def evaluate_many(
    kind: str, districts: list[District], school_year: int, *, summary: bool = False
) -> list[CountyEvaluation]:
    """The evaluation of each district (in the order given): one query for the items, one or
    two for the statistics, whatever the number of districts. `summary`: for 优质均衡, the
    levels without the schools (one SQL aggregate: the page of all counties)."""
    if kind not in Kind.values:
        raise ValueError(kind)
    standard = standard_for(kind, school_year)
    ids = [d.pk for d in districts]
    recorded: dict[int, dict[tuple[str, int], CountyItem]] = {pk: {} for pk in ids}
    rows = CountyItem.objects.filter(kind=kind, school_year=school_year, district_id__in=ids)
    for item in rows:
        recorded[item.district_id][(item.part, item.number)] = item
    out = []
    if kind == Kind.BALANCED and summary:
        results = {
            pk: balanced.Resources(pk, school_year, standard, levels, [])
            for pk, levels in balanced.summaries(ids, school_year).items()
        }
    elif kind == Kind.BALANCED:
        results = balanced.evaluate_many(ids, school_year)
    else:
        populations = {
            pk: found[(POPULATION, 0)].value
            for pk, found in recorded.items()
            if (POPULATION, 0) in found and found[(POPULATION, 0)].value
        }
        results = preschool.evaluate_many(ids, school_year, populations)
    for district in districts:
        mine = recorded[district.pk]
        evaluation = CountyEvaluation(
            kind=kind,
            district=district,
            school_year=school_year,
            standard=standard,
            items=[
                ItemRow(part, name, number, text, mine.get((part, number)))
                for part, name, number, text in _item_keys(standard)
            ],
            recognition=mine.get((RECOGNITION, 0)),
            population=mine.get((POPULATION, 0)),
            certification=mine.get((CERTIFICATION, 0)),
        )
        if kind == Kind.BALANCED:
            evaluation.resources = results[district.pk]
        else:
            evaluation.coverage = results[district.pk]
        out.append(evaluation)
    return out


def evaluate(kind: str, district: District, school_year: int) -> CountyEvaluation:
    return evaluate_many(kind, [district], school_year)[0]


def _item_keys(standard: Standard):
    for part in standard.parts:
        for number, text in enumerate(part.items, 1):
            yield part.key, part.name, number, text
