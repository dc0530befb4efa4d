"""GET /api/public/…: what the public pages show, as JSON, for anyone (no authentication). The
same answers as the pages' JSON downloads (public.content), from the same cache, in the language
of the client's Accept-Language."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from public.views import pages
from zibo_edu.views.api_input import PUBLIC_READ, refusals

router = Router(auth=None, tags=["public"])
# What a public endpoint answers: the JSON of its page, or an unknown plan, target or district
# (404), or too many requests from one address (429).
ANSWERS = {200: dict, **refusals(PUBLIC_READ)}


def _serve(request: HttpRequest, plan: str, make) -> HttpResponse:
    response = pages._serve(request, plan, make, language=request.LANGUAGE_CODE)
    if response.status_code == 429:  # the pages' plain-text refusal, as the API's JSON one
        refused = JsonResponse(
            {"error": response.content.decode()},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
        refused["Retry-After"] = response["Retry-After"]
        return refused
    response["Vary"] = "Accept-Language"
    return response


@router.get(
    "/{plan}",
    response=ANSWERS,
    summary="A published plan: chapters, tasks, targets and their statuses",
)
def public_plan(request: HttpRequest, plan: str):
    return _serve(request, plan, pages.plan_made("json"))


@router.get(
    "/{plan}/data", response=ANSWERS, summary="Everything published of a plan, one row per value"
)
def public_data(request: HttpRequest, plan: str):
    return _serve(request, plan, pages.data_made("json"))


@router.get(
    "/{plan}/targets/{key}", response=ANSWERS, summary="A published target: its values by year"
)
def public_target(request: HttpRequest, plan: str, key: str):
    return _serve(request, plan, pages.target_made(key, "json"))


@router.get(
    "/{plan}/districts/{slug}",
    response=ANSWERS,
    summary="A district's published targets and statuses",
)
def public_district(request: HttpRequest, plan: str, slug: str):
    return _serve(request, plan, pages.district_made(slug, "json"))
