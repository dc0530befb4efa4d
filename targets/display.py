"""How a value is shown: figures, progress values, units, status labels and the palettes.

One module for the pages, the exports and the PDF reports, so they never disagree. The palettes
are the single source of the colours of the progress statuses (`PALETTE`) and of the evaluation's
verdicts (`VERDICT_PALETTE`): `status_css()` writes the stylesheet rules that pages load from
/assets/status.css and the PDF template inlines through `{% status_styles %}`, and `count_bar()`
draws the bar of counts the evaluation page and the monthly report show.
"""

import copy
import re
from decimal import Decimal

from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from targets.models import Figure, Target

# Status → (background, text colour, border). Colour plus a distinct border pattern, so the
# statuses read in grey and in print too. Keys are progress.Status values.
PALETTE: dict[str, tuple[str, str, str]] = {
    "met": ("#1d6b2c", "#fff", "1px solid #1d6b2c"),
    "on_track": ("#cfe8d3", "#134d1f", "1px solid transparent"),
    "due": ("#e6eefb", "#1f4e8c", "1px dashed #1f4e8c"),
    "accelerate": ("#ffe9a8", "#5c4300", "1px solid transparent"),
    "not_met": ("#fde2c4", "#6b3a00", "1px dotted #6b3a00"),
    "lagging": ("#f4a582", "#4a1300", "1px solid transparent"),
    "overdue": ("#c0492f", "#fff", "1px dashed #fff"),
    "regressing": ("#a61b1b", "#fff", "1px solid #a61b1b"),
    "missed": ("#6d0f0f", "#fff", "2px double #fff"),
    "no_final": ("#fff", "#6d0f0f", "1px dashed #6d0f0f"),
    "no_data": ("#f0f2f4", "#575f6a", "1px solid transparent"),
    "part": ("#fff", "#3a4450", "1px solid #a7afb8"),
}
BOLD = {"regressing", "missed"}

# Verdict → (background, text colour, border), keyed by reports.evaluation.Verdict values (and
# "part": a district's share of a city-wide count, judged only for the city). A verdict that says
# what a status says looks like it: 未到期, 缺最终数据, 缺数据 on the evaluation as on the boards.
VERDICT_PALETTE: dict[str, tuple[str, str, str]] = {
    "done": ("#1d6b2c", "#fff", "1px solid transparent"),
    "done_late": ("#3d7d4a", "#fff", "1px dashed #fff"),
    "mostly": ("#a9d3b0", "#134d1f", "1px solid transparent"),
    "on_track": PALETTE["on_track"],
    "not_due": PALETTE["due"],
    "accelerate": PALETTE["accelerate"],
    "lagging": ("#b5532b", "#fff", "1px solid transparent"),
    "not_done": ("#a61b1b", "#fff", "1px solid transparent"),
    "no_final": PALETTE["no_final"],
    "no_data": PALETTE["no_data"],
    "part": PALETTE["part"],
}
VERDICT_BOLD = {"not_done"}


def _rules(prefix: str, palette: dict[str, tuple[str, str, str]], bold: set[str]) -> list[str]:
    rules = []
    for name, (background, colour, border) in palette.items():
        weight = " font-weight: 700;" if name in bold else ""
        rules.append(
            f".{prefix}-{name} {{ background: {background}; color: {colour}; "
            f"border: {border};{weight} }}"
        )
    return rules


def status_css() -> str:
    """The `.status-<status>` and `.verdict-<verdict>` rules, from the one palette of each."""
    statuses = _rules("status", PALETTE, BOLD)
    return "\n".join(statuses + _rules("verdict", VERDICT_PALETTE, VERDICT_BOLD))


Palette = dict[str, tuple[str, str, str]]


def count_bar(counts: list[tuple[str, int]], palette: Palette, label: str) -> str:
    """One horizontal bar of counts (statuses or verdicts, in the order given), each part in its
    palette colours and labelled with its count (a table of the same counts is beside it)."""
    total = sum(n for _name, n in counts)
    if not total:
        return ""
    x, parts = 0.0, []
    for name, n in counts:
        if not n:
            continue
        background, colour, border = palette[name]
        stroke = border.split()[-1] if "transparent" not in border else "#fff"
        width = 600 * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="26" fill="{background}" '
            f'stroke="{stroke}"/><text x="{x + width / 2:.1f}" y="17" text-anchor="middle" '
            f'font-size="11" fill="{colour}">{n}</text>'
        )
        x += width
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 26" width="600" height="26" '
        'class="count-bar" '
        f'role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>'
    )


# Statuses in a few letters, for the heat map's cells (the full label is in each cell's title and
# in the legend): Chinese labels are short already and stay whole.
SHORT_STATUS = {
    "met": pgettext_lazy("status, short", "Met"),
    "on_track": pgettext_lazy("status, short", "On track"),
    "accelerate": pgettext_lazy("status, short", "Speed up"),
    "lagging": pgettext_lazy("status, short", "Lagging"),
    "regressing": pgettext_lazy("status, short", "Receding"),
    "not_met": pgettext_lazy("status, short", "Not met"),
    "missed": pgettext_lazy("status, short", "Missed"),
    "no_final": pgettext_lazy("status, short", "No final"),
    "due": pgettext_lazy("status, short", "Not due"),
    "overdue": pgettext_lazy("status, short", "Overdue"),
    "no_data": pgettext_lazy("status, short", "No data"),
    "part": pgettext_lazy("status, short", "To city"),
}


def short_status(status: str) -> str:
    """A status in a heat-map cell's few letters: "No final" for "final figure missing"."""
    return str(SHORT_STATUS[status])


def status_labels(statuses) -> dict[str, tuple[str, str]]:
    """Each status's few letters and its full label (capitalised), as plain text in the active
    language: a heat map writes them into thousands of cells, and a lazy translation would be
    looked up again in each."""
    return {status: (short_status(status), capfirst(str(status.label))) for status in statuses}


# Units: Chinese measure words read as such in Chinese and are translated for English readers;
# a unit the catalogue does not know is shown as the plan writes it.
PERCENTAGE_POINTS = gettext_lazy("percentage points")
UNITS = {
    "所": pgettext_lazy("unit", "schools"),
    "个": pgettext_lazy("unit", "units"),
    "名": pgettext_lazy("unit", "people"),
    "万元": pgettext_lazy("unit", "10,000 yuan"),
    "元": pgettext_lazy("unit", "yuan"),
    "次": pgettext_lazy("unit", "times"),
    "场": pgettext_lazy("unit", "sessions"),
    "课时": pgettext_lazy("unit", "class hours"),
    "项": pgettext_lazy("unit", "items"),
    "百分点": PERCENTAGE_POINTS,
}


_UNIT_WORDS = "|".join(map(re.escape, UNITS))
_UNIT_AFTER_NUMBER = re.compile(rf"(?<=\d) ({_UNIT_WORDS})(?= |$)")


def binding_label(target: Target) -> str:
    """约束性, 预期性 or 未标注 (a plan without the 属性 column)."""
    return str(Target.Binding(target.binding).label)


def warning_label() -> str:
    """序时进度 预警: a 约束性 target behind its path from the mid-term on (progress.is_warned)."""
    return str(pgettext_lazy("behind the path", "early warning"))


def requirement(target: Target) -> str:
    """The target in a few symbols ("≥ 10 个", "≥ 1 名 / 5 幼儿园"), its unit in the reader's
    language; the plan's nouns (幼儿园) stay as the plan writes them."""
    return _UNIT_AFTER_NUMBER.sub(lambda m: f" {UNITS[m.group(1)]}", target.requirement)


def unit_of(target: Target) -> str:
    """The unit a figure of the target is counted in, in the reader's language."""
    unit = target.figure_unit
    return str(UNITS[unit]) if unit in UNITS else unit


def number(value: Decimal) -> str:
    """A measure, as short as it is exact to one decimal: "12", "3.5"."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.1f}"


def percent(value: Decimal) -> str:
    """A percentage to one decimal: "52.1%"."""
    return f"{value:.1f}%"


def plain(value: Decimal) -> str:
    """A stored figure exactly as entered: "350", "0.75"."""
    return format(value.normalize(), "f")


def display_value(figure: Figure | None) -> str:
    """A figure as people read it: "87.5%（350/400）", "12 所", "是（2023-06-30）"."""
    if figure is None or not figure.is_filled:
        return "—"
    target = figure.target
    if target.entry == Target.Entry.FRACTION:
        if figure.numerator is None or not figure.denominator:
            return "—"
        ratio = target.measure(figure.numerator, figure.denominator)  # as progress reads it
        shown = percent(ratio) if target.is_percentage else per_unit(target, ratio)
        return f"{shown}（{plain(figure.numerator)}/{plain(figure.denominator)}）"
    if figure.value is not None:
        return f"{plain(figure.value)} {unit_of(target)}".strip()
    done = _("Yes") if figure.achieved else _("No")
    return f"{done}（{figure.achieved_on:%Y-%m-%d}）" if figure.achieved_on else done


def dated(target: Target, progress) -> str:
    """A progress value with the year it is of, as every page shows it beside a status:
    "54.6%（2025）", "49.9%（2024）" beside 缺最终数据; "—" alone when there is no value."""
    text = describe(target, progress)
    if progress.year and text != "—":
        text += f"（{progress.year}）"
    from targets.progress import Status  # progress imports this module

    if progress.years_met is not None and progress.status == Status.MISSED:
        # An every-year or annual rule missed although the last value meets it: say why.
        met, judged = progress.years_met
        text += " · " + _("met in %(met)s of %(judged)s years") % {"met": met, "judged": judged}
    return text


def describe(target: Target, progress) -> str:
    """A progress value as people read it: "52.1%", "7 / 11", "−1.2 百分点", "+9.0%"."""
    value = progress.value
    if progress.count is not None and target.entry != Target.Entry.YES_NO:
        met, total = progress.count  # the city's count of districts meeting a per-district rule
        return f"{met} / {total}"
    if value is None:
        return "—"
    if target.kind == Target.Kind.MILESTONE:
        return level(target, value)
    if target.entry == Target.Entry.YES_NO:
        if progress.count is None:  # a district's own answer, even to a share of districts
            return _("Yes") if value else _("No")
        met, total = progress.count
        return f"{percent(value)}（{met}/{total}）"
    if target.kind == Target.Kind.ANNUAL_CHANGE:
        if target.entry == Target.Entry.FRACTION:
            unit = f" {PERCENTAGE_POINTS}"
        else:
            unit = "%" if target.unit == "%" else f" {unit_of(target)}"
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        return f"{sign}{number(abs(value))}{unit}"
    return level(target, value)


def city_level(target: Target, at) -> str:
    """The city's value of one year in a district × year table (progress.city_at): a level as the
    districts' beside it ("53.0%", never "+53.0 百分点" for an annual change), or the count of
    districts meeting a per-district rule ("27.3%（3/11）")."""
    if at.count is not None:
        return describe(target, at)
    return level(target, at.value)


def level(target: Target, value: Decimal | None) -> str:
    """A measure as people read it, a level and never a change: "52.1%", "1.25", "12 所", "是";
    a share of districts is the city's, in percent. `describe` for a progress value."""
    if value is None:
        return "—"
    if target.kind == Target.Kind.MILESTONE:
        return "✓" if value else "✗"
    if target.kind == Target.Kind.DISTRICT_SHARE:
        return percent(value)
    if target.entry == Target.Entry.YES_NO:
        return _("Yes") if value else _("No")
    if target.entry == Target.Entry.FRACTION:
        return percent(value) if target.is_percentage else per_unit(target, value)
    return f"{number(value)} {unit_of(target)}".strip()


def per_unit(target: Target, value: Decimal) -> str:
    """A unit ratio says what it counts and per what, as its target does ("≥ 1 名 / 5 幼儿园"):
    "每中小学校 0.86 名", "每5幼儿园 1.09 名", never a bare "0.86"."""
    noun = target.denominator_label.removesuffix("数")
    per = f"{target.per_units}{noun}" if target.per_units != 1 else noun
    unit = UNITS.get(target.unit, target.unit)
    return _("%(value)s %(unit)s per %(per)s") % {"value": f"{value:.2f}", "unit": unit, "per": per}


GOAL_WORDS = {
    "city": gettext_lazy("by the city's target %(value)s"),
    "adjusted": gettext_lazy("by the adjusted target %(value)s"),
    "district": gettext_lazy("by the district's own target %(value)s"),
}


def goal_value(target: Target, goal: Decimal | None) -> str:
    """A target value in a few characters: "96%", "12 所"."""
    if goal is None:
        return "—"
    if target.entry == Target.Entry.FRACTION and not target.is_percentage:  # "每5幼儿园 1 名"
        noun = target.denominator_label.removesuffix("数")
        per = f"{target.per_units}{noun}" if target.per_units != 1 else noun
        unit = UNITS.get(target.unit, target.unit)
        return _("%(value)s %(unit)s per %(per)s") % {"value": plain(goal), "unit": unit,
                                                       "per": per}  # fmt: skip
    if (
        target.kind == Target.Kind.ANNUAL_CHANGE
    ):  # "降低 1 百分点": the change, in the target's unit
        judged = copy.copy(target)
        judged.value = goal
        return requirement(judged)
    unit = target.unit if target.unit == "%" else f" {unit_of(target)}" if target.unit else ""
    return f"{plain(goal)}{unit}"


def goal_used(target: Target, progress) -> str:
    """Which value a judgement used, as every page says it beside the judgement: "按分解目标
    96%", "按全市目标 95%", "按调整后目标 96%" (targets.progress.goal_of chose it)."""
    if progress.goal is None or progress.goal_basis not in GOAL_WORDS:
        return ""
    return str(GOAL_WORDS[progress.goal_basis]) % {"value": goal_value(target, progress.goal)}
