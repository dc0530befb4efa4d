"""Per-client API tokens: made (the secret shown once), recognised, revoked.

A secret is 32 random bytes (`zibo_` + URL-safe base64); the database keeps its sha256 only, so
a copy of the database opens nothing. The API (zibo_edu.views.api_auth) finds the token through
settings.API_TOKEN_AUTHENTICATOR, which names `authenticate` here: zibo_edu knows no app.
"""

import datetime
import hashlib
import hmac
import secrets

from django.db.models import Q
from django.utils import timezone

from departments.models import ApiToken

PREFIX = "zibo_"
# Last use is written at most once a minute per token, so reading stays a read.
USE_RECORDED_EVERY = datetime.timedelta(minutes=1)
MAX_SECRET_LENGTH = 100


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def issue(token: ApiToken) -> str:
    """Give an unsaved token its secret (returned, never stored) and save it."""
    secret = new_secret()
    token.prefix = secret[:12]
    token.digest = digest(secret)
    token.save()
    return secret


def revoke(tokens) -> int:
    """Revoke the tokens of a queryset that are not yet; returns how many were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate(request, secret: str) -> ApiToken | None:
    """The live token whose secret this is (not revoked, its account active), its use recorded;
    None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > MAX_SECRET_LENGTH:
        return None
    wanted = digest(secret)
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=wanted, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, wanted):
        return None
    record_use(token)
    return token


def record_use(token: ApiToken) -> None:
    """Note when the token was last used, writing at most once a minute (the condition holds in
    the database too, so workers racing write once)."""
    now = timezone.now()
    stale = now - USE_RECORDED_EVERY
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
    ).update(last_used_at=now)
    token.last_used_at = now
