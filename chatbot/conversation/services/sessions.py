"""Chat state: the database row is the durable copy, the cache (Redis when
REDIS_URL) the hot one. Every cache call is guarded so a Redis outage only costs a
query, never a conversation."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from chatbot.conversation.models import ChatSession

logger = logging.getLogger(__name__)

CACHE_TTL = 6 * 3600


@dataclass
class Session:
    channel: str
    chat_id: str
    language: str = ""
    flow: str = ""
    step: str = ""
    data: dict = field(default_factory=dict)
    updated_at: float = 0.0  # epoch seconds of the last message

    def reset(self) -> None:
        self.flow, self.step, self.data = "", "", {}

    def as_cached(self) -> dict:
        return {
            "language": self.language,
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "updated_at": self.updated_at,
        }


def _key(channel: str, chat_id: str) -> str:
    # Hashed: a WhatsApp chat id is a phone number.
    digest = hashlib.sha256(f"{channel}:{chat_id}".encode()).hexdigest()[:32]
    return f"chatbot:conv:{digest}"


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("conversation cache read failed; using the database")
        return None


def _cache_set(key: str, value: dict) -> None:
    try:
        cache.set(key, value, CACHE_TTL)
    except Exception:
        logger.warning("conversation cache write failed; the database has it")


def _cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("conversation cache delete failed")


def session_get(*, channel: str, chat_id: str) -> Session:
    cached = _cache_get(_key(channel, chat_id))
    if isinstance(cached, dict):
        return Session(channel=channel, chat_id=chat_id, **cached)
    row = ChatSession.objects.filter(channel=channel, chat_id=chat_id).first()
    if row is None:
        return Session(channel=channel, chat_id=chat_id)
    return Session(
        channel=channel,
        chat_id=chat_id,
        language=row.language,
        flow=row.flow,
        step=row.step,
        data=row.data or {},
        updated_at=row.updated_at.timestamp(),
    )


def session_save(session: Session) -> None:
    """Write the durable copy in the caller's transaction; refresh the cache only
    after commit (a rolled-back message leaves the old state everywhere)."""
    now = timezone.now()
    session.updated_at = now.timestamp()
    ChatSession.objects.update_or_create(
        channel=session.channel,
        chat_id=session.chat_id,
        defaults={
            "language": session.language,
            "flow": session.flow,
            "step": session.step,
            "data": session.data,
            "updated_at": now,
        },
    )
    key, value = _key(session.channel, session.chat_id), session.as_cached()
    transaction.on_commit(lambda: _cache_set(key, value))


def session_forget(*, channel: str, chat_id: str) -> None:
    ChatSession.objects.filter(channel=channel, chat_id=chat_id).delete()
    key = _key(channel, chat_id)
    transaction.on_commit(lambda: _cache_delete(key))


def session_reset_flow(*, channel: str, chat_id: str) -> None:
    """Drop a chat's current flow from outside the engine (staff closed a handoff)."""
    ChatSession.objects.filter(channel=channel, chat_id=chat_id).update(
        flow="", step="", data={}
    )
    key = _key(channel, chat_id)
    transaction.on_commit(lambda: _cache_delete(key))


def chat_language(*, channel: str, chat_id: str) -> str:
    return session_get(channel=channel, chat_id=chat_id).language or "id"
