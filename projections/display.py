"""How the use of places is shown, on the pages and in the exports alike: each band's colours
are those of the one palette (targets.display.PALETTE, loaded by every page as the
`.status-<name>` rules), and a band is never told by colour alone: the % is written, with a word
and a symbol."""

from django.utils.translation import gettext_lazy as _

from projections import cohorts

# band → (the palette's status whose colours it wears, word, symbol)
BANDS = {
    "surplus": ("due", _("surplus"), "▽"),
    "fits": ("on_track", _("fits"), "✓"),
    "full": ("accelerate", _("nearly full"), "△"),
    "shortfall": ("regressing", _("shortfall"), "▲"),
    "unknown": ("no_data", _("no data"), "—"),
}


def band_class(band: str) -> str:
    return f"status-{BANDS[band][0]}"


def band_word(band: str) -> str:
    return str(BANDS[band][1])


def band_symbol(band: str) -> str:
    return BANDS[band][2]


def percent(use: float | None) -> str:
    """Whole per cent, but one decimal near a threshold, so that 100.2% (a shortfall) never
    reads 100%."""
    if use is None:
        return "—"
    value = 100 * use
    near = any(
        abs(value - 100 * t) < 0.5
        for t in (cohorts.SURPLUS_BELOW, cohorts.FULL_FROM, cohorts.SHORTFALL_ABOVE)
    )
    return f"{value:.1f}%" if near else f"{value:.0f}%"


def students(value: float | None) -> str:
    return "—" if value is None else f"{round(value):,}"
