"""The province page (省教育厅): cities side by side on the indicators their plans share."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
    rows = [
        {
            "key": row.key,
            "name": row.name,
            "behind": row.behind,
            "cells": [
                (cell, describe(cell.target, cell.progress) if cell else "")
                for cell in (row.cells.get(city.pk) for city in comparison.cities)
            ],
        }
        for row in comparison.indicators
    ]
    context = {
        "comparison": comparison,
        "rows": rows,
        "years": range(year - 4, year + 2),
        "any_demo": any(p.is_demo for p in comparison.plans.values()),
    }
    return render(request, "plans/province.html", context)
