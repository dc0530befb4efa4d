"""Brute-force protection with django-axes: the project's three hooks.

- `AddressAwareHandler` locks a username at one address after AXES_FAILURE_LIMIT failures and a
  whole address after ZIBO_ADDRESS_FAILURE_LIMIT (higher: a bureau's PCs share one address).
- `client_username` is the name that failed, cut to the length axes stores (a longer one, which
  no account has, made PostgreSQL refuse the failure's row: a 500 instead of a failed log-in).
- `client_ip` is the address that failed: REMOTE_ADDR, or behind ZIBO_PROXY_COUNT trusted
  reverse proxies the address they put into X-Forwarded-For.
- `lockout_response` says so clearly: the login page with the message (429), or JSON on the API.
The city admin unlocks in the admin (访问尝试: delete the row), or `manage.py axes_reset`.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class AddressAwareHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is [[username, ip_address], ip_address]; axes compares the larger
    of the two counts with one limit, so the address's count is scaled to that limit: locked
    when user+address ≥ AXES_FAILURE_LIMIT or address ≥ ZIBO_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        by_user, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.ZIBO_ADDRESS_FAILURE_LIMIT
        return max(by_user, scaled)


USERNAME_STORED = AccessAttempt._meta.get_field("username").max_length


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_STORED] if isinstance(username, str) else username


def client_ip(request: HttpRequest) -> str:
    proxies = settings.ZIBO_PROXY_COUNT
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed log-ins: this account is locked from this address for %(minutes)d "
        "minutes (even with the right password). Ask the city admin to unlock it sooner."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original=None, credentials=None) -> HttpResponse:
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": lockout_message()}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    context = {"locked_out": lockout_message(), "form": None}
    return render(request, "registration/login.html", context, status=status)
