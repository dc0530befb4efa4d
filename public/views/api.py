"""GET /api/public/…: what the public pages show, as JSON, for anyone (no authentication). The
same answers as the pages' JSON downloads (public.content), from the same cache, in the language
of the client's Accept-Language."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from public.views import pages

router = Router(auth=None, tags=["public"])


def _serve(request: HttpRequest, plan: str, make) -> HttpResponse:
    response = pages._serve(request, plan, make, language=request.LANGUAGE_CODE)
    response["Vary"] = "Accept-Language"
    return response


@router.get("/{plan}", summary="A published plan: chapters, tasks, targets and their statuses")
def public_plan(request: HttpRequest, plan: str):
    return _serve(request, plan, pages.plan_made("json"))


@router.get("/{plan}/data", summary="Everything published of a plan, one row per value")
def public_data(request: HttpRequest, plan: str):
    return _serve(request, plan, pages.data_made("json"))


@router.get("/{plan}/targets/{key}", summary="A published target: its values by year")
def public_target(request: HttpRequest, plan: str, key: str):
    return _serve(request, plan, pages.target_made(key, "json"))


@router.get("/{plan}/districts/{slug}", summary="A district's published targets and statuses")
def public_district(request: HttpRequest, plan: str, slug: str):
    return _serve(request, plan, pages.district_made(slug, "json"))
