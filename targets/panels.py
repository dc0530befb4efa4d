"""What the apps above add to a target's progress page (the schools app: the indicator's 口径
card and the value derived from the statistics beside the entered figures). Each provider,
registered from its app's `AppConfig.ready()`, returns HTML for the page or "" when it has
nothing to say; this app never imports the apps above."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from plans.models import Plan
from targets.models import Target

Provider = Callable[[HttpRequest, Target, Plan], str]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def render_panels(request: HttpRequest, target: Target, plan: Plan) -> SafeString:
    """The providers' HTML, in registration order (each rendered by a template of its app)."""
    return mark_safe("".join(provider(request, target, plan) for provider in _providers))
