"""The public pages (政务公开): anonymous, read-only, cached, and without a session.

Every page, download and endpoint of a published plan is served by `_serve`: the address's rate
is counted, the plan is looked up with its version, and the answer comes from the cache (keyed by
plan, version, language and path) or is made by a `public.content` function and stored. Nothing
here reads the user or the session, renders a CSRF token or sets a cookie (the templates are
rendered without the request's context processors), so the answers are the same for everyone
and may be cached by any proxy too. The language is the URL's (?lang=en), never a cookie's.
"""

import csv
import io
import json
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans import documents
from public import access, content
from public.content import Basis
from zibo_edu.lockout import client_ip

ENGLISH = "en"
CHINESE = "zh-hans"


def _language(request: HttpRequest) -> str:
    return ENGLISH if request.GET.get("lang") == ENGLISH else CHINESE


def over_rate(request) -> bool:
    """Counts the request; True past the address's limit. A fixed window a minute long per
    address: past the limit, 429 until the minute is over. Nobody is locked out: the next minute
    counts afresh. (public.front counts the pages it serves before Django here too.)"""
    limit = settings.ZIBO_PUBLIC_RATE_PER_MINUTE
    if not limit:
        return False
    key = f"public-rate:{client_ip(request)}"
    cache.add(key, 0, 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 60)
        count = 1
    return count > limit


def _over_rate(request: HttpRequest) -> HttpResponse | None:
    if not over_rate(request):
        return None
    response = HttpResponse(
        _("Too many requests from your address: please wait a minute."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _headers(response: HttpResponse, language: str) -> HttpResponse:
    response["Content-Language"] = language
    response["Cache-Control"] = f"public, max-age={settings.ZIBO_PUBLIC_MAX_AGE}"
    ancestors = settings.ZIBO_PUBLIC_FRAME_ANCESTORS
    if ancestors:  # the government's website may embed the pages
        response._csp_replace = {"frame-ancestors": ancestors}
        response.xframe_options_exempt = True
    return response


Made = tuple[bytes, str]  # body, content type


def _printing(request: HttpRequest) -> bool:
    return request.GET.get("print") == "1"


def _serve(
    request: HttpRequest,
    slug: str,
    make: Callable[[Basis, str], Made],
    language: str = "",
    variant: str = "",
) -> HttpResponse:
    """`language`: the API's, chosen by Accept-Language; a page's is its URL's. `variant`: what
    else the answer depends on (the print view)."""
    refused = _over_rate(request)
    if refused is not None:
        return refused
    plan, version = access.get_public_plan(slug)
    language = language or _language(request)
    key = f"public:{plan.pk}:{version}:{language}:{variant}:{request.path}"
    made = cache.get(key)
    if made is None:
        with translation.override(language):
            made = make(content.basis(plan), language)
        cache.set(key, made, settings.ZIBO_PUBLIC_CACHE_SECONDS)
    body, content_type = made
    return _headers(HttpResponse(body, content_type=content_type), language)


# Formats --------------------------------------------------------------------------------------


def _json(data: dict) -> Made:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return body, "application/json; charset=utf-8"


def _csv(rows: list[dict], columns: list[str], preamble: list[str] = ()) -> Made:
    """UTF-8 with a BOM, so that Excel in Chinese opens it right."""
    out = io.StringIO()
    for line in preamble:
        out.write(f"# {line}\r\n")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode(), "text/csv; charset=utf-8"


def _html(template: str, context: dict, language: str, printing: bool = False) -> Made:
    """`printing`: the print view (?print=1): a document without the site's navigation."""
    english = language == ENGLISH
    context = {
        **context,
        "lang_query": "?lang=en" if english else "",
        "language": language,
        "printing": printing,
        "print_query": "?lang=en&print=1" if english else "?print=1",
    }
    return render_to_string(template, context).encode(), "text/html; charset=utf-8"


TARGET_COLUMNS = ["key", "code", "name", "lead_department", "requirement", "deadline_year",
                  "value", "unit", "value_text", "year", "status", "status_label", "binding",
                  "binding_label", "goal", "goal_basis", "goal_text",
                  "original_requirement"]  # fmt: skip
DATA_COLUMNS = ["key", "code", "name", "district", "district_name", "year", "value", "unit",
                "value_text", "binding"]  # fmt: skip


def _target_table(page: dict) -> list[dict]:
    """A target's values as one table: the city's row per year, then each district's."""
    head = page["target"]
    rows = [content._data_row(head, "", _("whole city"), r) for r in page["city"]]
    for district in page["districts"]:
        rows += [
            content._data_row(head, district["district"], district["name"], r)
            for r in district["values"]
        ]
    return rows


# Pages ----------------------------------------------------------------------------------------


def plan_made(fmt: str, printing: bool = False) -> Callable[[Basis, str], Made]:
    def make(base: Basis, language: str) -> Made:
        page = content.plan_page(base)
        if fmt == "json":
            return _json(page)
        if fmt == "csv":
            return _csv(page["targets"], TARGET_COLUMNS)
        return _html("public/plan.html", {**page, "base": base}, language, printing)

    return make


def target_made(key: str, fmt: str, printing: bool = False) -> Callable[[Basis, str], Made]:
    def make(base: Basis, language: str) -> Made:
        target = base.by_key(key)
        page = content.target_page(base, target)
        if fmt == "json":
            return _json(page)
        if fmt == "csv":
            return _csv(_target_table(page), DATA_COLUMNS)
        chart = content.target_chart(base, target, page)
        context = {**page, "base": base, "chart": chart}
        return _html("public/target.html", context, language, printing)

    return make


def district_made(slug: str, fmt: str) -> Callable[[Basis, str], Made]:
    def make(base: Basis, language: str) -> Made:
        page = content.district_page(base, base.district(slug))
        if fmt == "json":
            return _json(page)
        if fmt == "csv":
            return _csv(page["targets"], TARGET_COLUMNS)
        return _html("public/district.html", {**page, "base": base}, language)

    return make


def data_made(fmt: str) -> Callable[[Basis, str], Made]:
    def make(base: Basis, language: str) -> Made:
        data = content.everything(base)
        if fmt == "json":
            return _json(data)
        preamble = [
            _("licence: %(licence)s") % {"licence": data["licence"]},
            _("data as of %(year)s, updated %(date)s")
            % {"year": data["as_of"], "date": data["data_updated"] or "—"},
        ]
        return _csv(data["rows"], DATA_COLUMNS, preamble)

    return make


def document_made(key: str, fmt: str) -> Callable[[Basis, str], Made]:
    def make(base: Basis, language: str) -> Made:
        found = documents.file(base.plan, key, fmt)
        if found is None:
            raise Http404
        return found.body, found.content_type

    return make


@require_safe
def document(request: HttpRequest, plan: str, key: str, fmt: str) -> HttpResponse:
    """A published evaluation's PDF or Word file, at a stable address (by kind and year)."""
    response = _serve(request, plan, document_made(key, fmt))
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{plan}-{key}.{fmt}"'
    return response


@require_safe
def plan(request: HttpRequest, plan: str, fmt: str = "html") -> HttpResponse:
    printing = fmt == "html" and _printing(request)
    return _serve(request, plan, plan_made(fmt, printing), variant="print" * printing)


@require_safe
def target(request: HttpRequest, plan: str, key: str, fmt: str = "html") -> HttpResponse:
    printing = fmt == "html" and _printing(request)
    return _serve(request, plan, target_made(key, fmt, printing), variant="print" * printing)


@require_safe
def district(request: HttpRequest, plan: str, slug: str, fmt: str = "html") -> HttpResponse:
    return _serve(request, plan, district_made(slug, fmt))


@require_safe
def data(request: HttpRequest, plan: str, fmt: str) -> HttpResponse:
    return _serve(request, plan, data_made(fmt))
