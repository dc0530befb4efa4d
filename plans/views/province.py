"""The province page (省教育厅): cities side by side on the indicators their plans share."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst

from plans import province
from targets import access
from targets.display import describe


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
    return render(request, "plans/province.html", context)


PLACEHOLDER = 987654321


def _rows(comparison: province.Comparison) -> list[dict]:
    """Each cell as shown, worked out here once: at province size the page has about 800 cells,
    and a template tag per cell would cost more than reading the standings."""
    labels: dict[str, str] = {}
    # One reverse() for all the links: 800 of them would cost as much as the standings.
    link = reverse("progress_target", args=[PLACEHOLDER])
    query = {
        city.pk: "?" + urlencode({"plan": comparison.plans[city.pk].slug, "year": comparison.year})
        for city in comparison.cities
    }

    def shown(city, cell: province.Cell | None) -> dict | None:
        if cell is None:
            return None
        status = cell.progress.status
        if status not in labels:
            labels[status] = capfirst(cell.progress.label)
        return {
            "href": link.replace(str(PLACEHOLDER), str(cell.target.pk)) + query[city.pk],
            "text": describe(cell.target, cell.progress),
            "status": status,
            "label": labels[status],
            "goal": cell.target.value_text,
        }

    return [
        {
            "name": row.name,
            "cells": [shown(city, row.cells.get(city.pk)) for city in comparison.cities],
        }
        for row in comparison.indicators
    ]
