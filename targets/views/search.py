from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from plans.access import plan_for_request
from plans.models import plan_query
from targets.search import MAX_LENGTH, find


def search(request: HttpRequest) -> HttpResponse:
    """The header's search box: what the words find in the plan, as the user may see it."""
    plan = plan_for_request(request)
    query = request.GET.get("q", "").strip()
    error = ""
    if len(query) > MAX_LENGTH:
        error = _("Search with at most %(n)d characters.") % {"n": MAX_LENGTH}
    hits = [] if error else find(request.user, plan, query)
    if keep := plan_query(request):  # ?plan= before a link's #fragment
        hits = [replace(hit, url=_with_query(hit.url, keep)) for hit in hits]
    context = {"plan": plan, "query": query, "hits": hits, "error": error}
    return render(request, "targets/search.html", context, status=400 if error else 200)


def _with_query(url: str, query: str) -> str:
    path, hash_, fragment = url.partition("#")
    return f"{path}{query}{hash_}{fragment}"
