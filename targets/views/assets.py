"""Stylesheets made from domain constants, served as files so that pages need no inline style."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from targets.display import status_css


@require_GET
@cache_control(public=True, max_age=3600)
def status_stylesheet(request: HttpRequest) -> HttpResponse:
    """The status colours of targets/display.py's one palette (the PDFs inline the same rules)."""
    return HttpResponse(status_css(), content_type="text/css; charset=utf-8")
