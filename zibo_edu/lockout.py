"""Brute-force protection with django-axes: the project's three hooks.

- `AddressAwareHandler` locks a username at one address after AXES_FAILURE_LIMIT failures, and an
  address for names no account has after ZIBO_ADDRESS_FAILURE_LIMIT of them (higher); it never
  locks an address for its accounts: a bureau's PCs share one address.
- `client_username` is the name that failed, cut to the length axes stores (a longer one, which
  no account has, made PostgreSQL refuse the failure's row: a 500 instead of a failed log-in).
- `client_ip` is the address that failed: REMOTE_ADDR, or behind ZIBO_PROXY_COUNT trusted
  reverse proxies the address they put into X-Forwarded-For.
- `lockout_response` says so clearly: the login page with the message (429), or JSON on the API.
The city admin unlocks in the admin (访问尝试: delete the row; they see their city's accounts'
rows and the unknown names tried at their accounts' addresses), or `manage.py axes_reset`.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class AddressAwareHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is [[username, ip_address]]: an account is locked at one address
    after AXES_FAILURE_LIMIT failures, and never the address for everyone (a bureau's PCs share
    one, and 20 guesses at `root` must not lock the city admin out). Names no account has are
    counted by address as well: after ZIBO_ADDRESS_FAILURE_LIMIT of them the address is locked
    for names no account has, so guessing names stops while the office's accounts still sign
    in. axes compares one count with one limit: the address's count is scaled to it."""

    def get_failures(self, request, credentials=None) -> int:
        by_user = super().get_failures(request, credentials)
        if is_account(get_client_username(request, credentials)):
            return by_user
        by_address = (
            unknown_names(
                AccessAttempt.objects.filter(
                    ip_address=request.axes_ip_address,
                    attempt_time__gte=get_cool_off_threshold(request),
                )
            ).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.ZIBO_ADDRESS_FAILURE_LIMIT
        return max(by_user, scaled)


def is_account(username: str | None) -> bool:
    return bool(username) and User.objects.filter(username=username).exists()


def unknown_names(records: QuerySet) -> QuerySet:
    """Sign-in records (axes) of names no account has."""
    return records.exclude(username__in=User.objects.values("username"))


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
