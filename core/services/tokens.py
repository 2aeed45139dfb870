"""API tokens: issued at sign-in, listed to their owner, revoked one by one."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.error_codes import CoreErrorCode
from core.exceptions import NotFound
from core.i18n import tr
from core.models import ApiToken, User
from core.models.tokens import token_digest

KEY_PREFIX = "sgt_"


def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns (row, key). The key is shown this once."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        prefix=key[: len(KEY_PREFIX) + 4],
        name=name[:100],
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.SIGAP_TOKEN_TTL_DAYS),
    )
    return token, key


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (another's is 404)."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(
            tr({"id": "Sesi tidak ditemukan.", "en": "Session not found."}),
            code=CoreErrorCode.SESSION_NOT_FOUND,
        )


@transaction.atomic
def token_revoke_all(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted
