"""The province page (省教育厅): cities side by side on the indicators their plans share."""

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from departments import access
from targets import province
from targets.display import dated


@login_required
def province_page(request: HttpRequest) -> HttpResponse:
    access.require(access.may_compare_cities(request.user))
    default = timezone.localdate().year - 1  # the year being reported now
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default
    comparison = province.compare(year)
    context = {
        "comparison": comparison,
        "rows": _rows(comparison),
        "years": range(year - 4, year + 2),
        "any_demo": any(p.is_demo for p in comparison.plans.values()),
    }
    return render(request, "targets/province.html", context)


PLACEHOLDER = 987654321


def _rows(comparison: province.Comparison) -> list[dict]:
    """Each row's cells as HTML, made here once: at province size the page has about 800 cells,
    and rendering each through template tags (or `format_html`, which checks every argument
    for lazy text) costs several times what reading their standings does. Every value is
    escaped with the standard library's `html.escape`."""
    labels: dict[str, str] = {}
    # One reverse() for all the links: 800 of them would cost as much as the standings.
    link = reverse("progress_target", args=[PLACEHOLDER])
    query = {
        city.pk: "?" + urlencode({"plan": comparison.plans[city.pk].slug, "year": comparison.year})
        for city in comparison.cities
    }
    goal, absent = escape(_("target")), escape(_("not in its plan"))
    absent = f'<td><span class="muted">{absent}</span></td>'

    def shown(city, cell: province.Cell | None) -> str:
        if cell is None:
            return absent
        status = cell.progress.status
        if status not in labels:
            labels[status] = escape(capfirst(cell.progress.label))
        href = escape(link.replace(str(PLACEHOLDER), str(cell.target.pk)) + query[city.pk])
        text = escape(dated(cell.target.shape, cell.progress))  # with the value's year
        return (
            f'<td><a href="{href}">{text}</a> <span class="status status-{escape(status)}">'
            f'{labels[status]}</span><br><span class="muted small">{goal} '
            f"{escape(cell.target.value_text)}</span></td>"
        )

    return [
        {
            "name": row.name,
            "cells": mark_safe(
                "".join(shown(city, row.cells.get(city.pk)) for city in comparison.cities)
            ),
        }
        for row in comparison.indicators
    ]
