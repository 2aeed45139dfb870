"""Linking a chat to a Sigap account with a one-time code shown in the app."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbot.conversation.models import ChatSession, LinkCode
from chatbot.conversation.rules import chat_is_personal
from chatbot.error_codes import ChatbotErrorCode
from core.exceptions import ApplicationError, NotFound, RateLimited
from core.models import ChannelIdentity, User

LINKABLE_CHANNELS = ("telegram", "whatsapp")


def _ttl() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CHATBOT_LINK_CODE_TTL_SECONDS)


def code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"chat-link:{code}".encode(), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: dt.datetime


@transaction.atomic
def link_code_create(*, user: User) -> IssuedCode:
    """A fresh 6-digit code; the user's earlier unused codes stop working."""
    now = timezone.now()
    LinkCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    for _ in range(10):
        code = f"{secrets.randbelow(10**6):06d}"
        digest = code_hash(code)
        # Two live codes with one hash would make a code ambiguous.
        if not LinkCode.objects.filter(
            code_hash=digest, used_at__isnull=True, expires_at__gt=now
        ).exists():
            break
    expires_at = now + _ttl()
    LinkCode.objects.create(
        user=user, code_hash=digest, created_at=now, expires_at=expires_at
    )
    return IssuedCode(code=code, expires_at=expires_at)


def _attempts_check(row: ChatSession, now: dt.datetime) -> None:
    window = dt.timedelta(seconds=settings.CHATBOT_LINK_WINDOW_SECONDS)
    if row.link_window_started_at is None or now - row.link_window_started_at > window:
        row.link_failures = 0
        row.link_window_started_at = now
    if row.link_failures >= settings.CHATBOT_LINK_MAX_ATTEMPTS:
        wait = row.link_window_started_at + window - now
        raise RateLimited(
            "Terlalu banyak kode salah.",
            code=ChatbotErrorCode.LINK_LOCKED,
            fields={"minutes": max(1, int(wait.total_seconds() // 60) + 1)},
        )


def chat_link(*, channel: str, chat_id: str, code: str) -> User:
    """Use a code to link this chat. Wrong codes count against the chat (a few per
    window), so six digits cannot be guessed by trying."""
    if channel not in LINKABLE_CHANNELS or not chat_is_personal(channel, chat_id):
        raise ApplicationError(
            "Kanal ini tidak dapat dihubungkan.", code=ChatbotErrorCode.NOT_LINKABLE
        )
    now = timezone.now()
    with transaction.atomic():
        row, _ = ChatSession.objects.select_for_update().get_or_create(
            channel=channel, chat_id=chat_id
        )
        _attempts_check(row, now)
        found = (
            LinkCode.objects.select_for_update()
            .select_related("user")
            .filter(
                code_hash=code_hash(code.strip()),
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .first()
            if code.strip().isdigit() and len(code.strip()) == 6
            else None
        )
        if found is None or not found.user.is_active:
            row.link_failures += 1
            row.save(update_fields=["link_failures", "link_window_started_at"])
    # The failure counter is committed even though the link is refused.
    if found is None or not found.user.is_active:
        raise ApplicationError(
            "Kode salah, sudah dipakai, atau kedaluwarsa.",
            code=ChatbotErrorCode.LINK_CODE_INVALID,
        )
    with transaction.atomic():
        used = LinkCode.objects.filter(pk=found.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not used:
            raise ApplicationError(
                "Kode salah, sudah dipakai, atau kedaluwarsa.",
                code=ChatbotErrorCode.LINK_CODE_INVALID,
            )
        user = found.user
        # One identity per chat and one per user per channel: re-linking moves it.
        ChannelIdentity.objects.filter(channel=channel, external_id=chat_id).exclude(
            user=user
        ).delete()
        ChannelIdentity.objects.update_or_create(
            user=user,
            channel=channel,
            defaults={"external_id": chat_id, "linked_at": now},
        )
        ChatSession.objects.filter(channel=channel, chat_id=chat_id).update(
            link_failures=0, link_window_started_at=None
        )
    return user


def link_code_discard(*, code: str) -> None:
    """Void a code that was shown where others could read it (sent in a group): no
    one can use it any more. Says nothing about whether it was a live code."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return
    LinkCode.objects.filter(
        code_hash=code_hash(code), used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())


@transaction.atomic
def chat_unlink(*, channel: str, chat_id: str) -> bool:
    deleted, _ = ChannelIdentity.objects.filter(
        channel=channel, external_id=chat_id
    ).delete()
    return bool(deleted)


@transaction.atomic
def identity_delete(*, user: User, channel: str) -> None:
    """The app's DELETE: unlink the user's chat on one channel."""
    deleted, _ = ChannelIdentity.objects.filter(user=user, channel=channel).delete()
    if not deleted:
        raise NotFound(
            "Tidak ada chat yang terhubung di kanal ini.",
            code=ChatbotErrorCode.NOT_LINKED,
        )
