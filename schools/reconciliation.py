"""Derived against entered: for a target linked to an indicator, each district's and year's
entered figure beside the value derived from the statistics, both in the target's terms; where
both exist and differ by more than the indicator's tolerance, the figure is 待核对 (to check).
Nothing is overwritten: taking the derived value is the district's choice, recorded through
targets.figures like every other channel."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from departments.models import District
from schools import indicators
from schools.display import indicator_value
from schools.indicators import Derived, Indicator
from schools.models import SchoolYearStatistics
from schools.statistics import school_year_label
from targets import figures
from targets.models import Figure, FigureChange, Target


@dataclass(frozen=True)
class Comparison:
    district: District | None  # None: the city
    year: int
    entered: Decimal | None
    derived: Derived | None
    tolerance: Decimal
    figure: Figure | None = None

    @property
    def derived_value(self) -> Decimal | None:
        return None if self.derived is None else _in_target_terms(self.derived)

    @property
    def to_check(self) -> bool:
        """待核对: both values exist and differ beyond the indicator's tolerance."""
        derived = self.derived_value
        if self.entered is None or derived is None:
            return False
        return abs(self.entered - derived) > self.tolerance


def _in_target_terms(derived: Derived) -> Decimal | None:
    return derived.value


def _entered(target: Target, figure: Figure | None) -> Decimal | None:
    if figure is None:
        return None
    if target.entry == Target.Entry.FRACTION:
        return figure.measure
    return figure.value


def compare(
    target: Target, indicator: Indicator, districts: list[District], years: list[int], user
) -> tuple[list[tuple[District, list[Comparison]]], list[Comparison]]:
    """Every district's row (the districts given: those the user sees) and the city's."""
    school_years = [indicators.school_year_of(indicator, y) for y in years]
    by_district, city = indicators.derive(indicator, target.task.part.plan.city_id, school_years)
    figures = {
        (f.district_id, f.year): f
        for f in Figure.objects.for_user(user)
        .filter(target=target, year__in=years, district__in=districts)
        .select_related("target")
    }
    rows = []
    for district in districts:
        row = []
        for year, school_year in zip(years, school_years, strict=True):
            figure = figures.get((district.pk, year))
            row.append(
                Comparison(
                    district,
                    year,
                    _entered(target, figure),
                    by_district.get((district.pk, school_year)),
                    indicator.tolerance,
                    figure,
                )
            )
        rows.append((district, row))
    city_row = [
        Comparison(None, y, None, city.get(sy), indicator.tolerance)
        for y, sy in zip(years, school_years, strict=True)
    ]
    return rows, city_row


def derived_for(target: Target, indicator: Indicator, district: District, year: int):
    """The derived value of one district and year, or None when the statistics hold none."""
    school_year = indicators.school_year_of(indicator, year)
    by_district, _city = indicators.derive(
        indicator,
        district.city_id,
        [school_year],
        SchoolYearStatistics.objects.filter(school__district=district),
    )
    return by_district.get((district.pk, school_year))


def take_derived(
    target: Target, district: District, year: int, *, user, version: int | None
) -> figures.Outcome:
    """Record the derived value as the district's figure (a draft, to submit as any other),
    through the one figures path: its rules, its version check (`version`: the figure's as the
    user saw it, 0 when absent), its lock on submitted and approved figures, and an audit row
    with the channel 统计数据. The figure's note stays; its source names the statistics."""
    indicator = indicators.get(target.indicator)
    derived = None if indicator is None else derived_for(target, indicator, district, year)
    if derived is None:
        raise NothingDerived
    key = figures.Key(target.pk, district.pk, year)
    current = figures.existing([key])
    data = figures.FigureInput.of(current[key]) if key in current else figures.FigureInput()
    if target.entry == Target.Entry.FRACTION:
        data.numerator, data.denominator = derived.numerator, derived.denominator
    else:
        data.value = derived.value.quantize(Decimal("0.01"))
    data.source = source_text(indicator, year)
    if not data.note:
        data.note = source_text(indicator, year)
    errors = figures.check(target, data)
    if errors:
        raise NotTakeable("; ".join(errors.values()))
    return figures.record(
        [figures.Entry(key, data, version)],
        user=user,
        channel=FigureChange.Channel.STATISTICS,
        current=current,
        comment=_("derived from the education statistics (%(card)s v%(version)s)")
        % {"card": indicator.key, "version": indicator.version},
    )


def source_text(indicator: Indicator, year: int) -> str:
    school_year = indicators.school_year_of(indicator, year)
    return _("Education statistics, %(year)s (counted on %(day)s)") % {
        "year": school_year_label(school_year),
        "day": indicator.census_day,
    }


class NothingDerived(Exception):
    """The statistics hold no value for this district and year."""


class NotTakeable(ValueError):
    """The derived value breaks one of the target's entry rules (named)."""


def review_flags(waiting: list[Figure]) -> dict[int, str]:
    """The review queue's 待核对: a waiting district figure of a target linked to an indicator
    whose derived value differs beyond the tolerance, with both values. One aggregate per
    indicator and city among the figures."""
    linked: dict[tuple[str, int], list[Figure]] = {}
    for figure in waiting:
        indicator = indicators.get(figure.target.indicator)
        if indicator is not None and figure.district_id is not None:
            city = figure.district.city_id
            linked.setdefault((indicator.key, city), []).append(figure)
    flags = {}
    for (key, city), group in linked.items():
        indicator = indicators.get(key)
        years = sorted({indicators.school_year_of(indicator, f.year) for f in group})
        by_district, _city = indicators.derive(indicator, city, years)
        for figure in group:
            school_year = indicators.school_year_of(indicator, figure.year)
            derived = by_district.get((figure.district_id, school_year))
            comparison = Comparison(
                figure.district,
                figure.year,
                _entered(figure.target, figure),
                derived,
                indicator.tolerance,
                figure,
            )
            if comparison.to_check:
                text = _("To check: entered %(entered)s, derived %(derived)s") % {
                    "entered": indicator_value(comparison.entered, indicator.value_kind),
                    "derived": indicator_value(comparison.derived_value, indicator.value_kind),
                }
                query = urlencode(
                    {
                        "district": figure.district.slug,
                        "year": figure.year,
                        "entered": f"{comparison.entered:.2f}",
                    }
                )
                url = reverse("indicator_detail", args=[key]) + f"?{query}#behind"
                flags[figure.pk] = format_html(
                    '{} <a href="{}">{}</a>', text, url, _("the schools that weigh most")
                )
    return flags
