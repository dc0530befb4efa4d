"""The city admin's preview: exactly what the public will see of a plan (published or not),
made by the same functions as the public pages, never cached."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from public import access, content
from public.views import pages


def _preview(request: HttpRequest, slug: str, make) -> HttpResponse:
    plan = access.get_plan_for_preview(request, slug)
    language = pages._language(request)
    base = content.basis(plan)
    base.root = f"/public/{plan.slug}/preview/"
    with translation.override(language):
        body, content_type = make(base, language)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def plan(request: HttpRequest, plan: str) -> HttpResponse:
    return _preview(request, plan, pages.plan_made("html"))


@login_required
@require_safe
def target(request: HttpRequest, plan: str, key: str) -> HttpResponse:
    return _preview(request, plan, pages.target_made(key, "html"))


@login_required
@require_safe
def district(request: HttpRequest, plan: str, slug: str) -> HttpResponse:
    return _preview(request, plan, pages.district_made(slug, "html"))
