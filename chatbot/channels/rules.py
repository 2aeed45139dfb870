"""Pure rules of the chat adapters: signatures, backoff, token buckets. No ORM."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass


def secret_token_ok(received: str | None, expected: str) -> bool:
    """Telegram's X-Telegram-Bot-Api-Secret-Token, compared in constant time."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode(), expected.encode())


def whatsapp_signature(body: bytes, app_secret: str) -> str:
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def whatsapp_signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256: "sha256=" + HMAC-SHA256(raw body, app secret)."""
    if not app_secret or not header:
        return False
    expected = whatsapp_signature(body, app_secret)
    return hmac.compare_digest(header.strip().lower().encode(), expected.encode())


def outbound_backoff(attempt: int) -> float:
    """Seconds before retry `attempt` (1-based) after a 5xx/network error: 2, 4, … 900."""
    return float(min(2 ** max(attempt, 1), 900))


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph / line / word boundaries into parts of at most `limit`."""
    text = text or ""
    parts: list[str] = []
    while len(text) > limit:
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, 0, limit + 1)
            if cut > limit // 2:
                break
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return [p for p in parts if p] or [""]


@dataclass
class Bucket:
    """A token bucket: `rate` tokens per second, holding at most `capacity`."""

    rate: float
    capacity: float
    tokens: float | None = None
    updated: float = 0.0


def buckets_take(buckets: list[Bucket], now: float) -> float:
    """Take one token from every bucket, or none: returns 0, or seconds to wait."""
    wait = 0.0
    for b in buckets:
        if b.tokens is None:
            b.tokens, b.updated = b.capacity, now
        b.tokens = min(b.capacity, b.tokens + max(now - b.updated, 0.0) * b.rate)
        b.updated = now
        if b.tokens < 1.0:
            wait = max(wait, (1.0 - b.tokens) / b.rate)
    if wait == 0.0:
        for b in buckets:
            b.tokens -= 1.0
    return wait


# Status callbacks only move forward (a late "delivered" never overwrites "read").
_STATUS_RANK = {"": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def platform_status_advances(current: str, new: str) -> bool:
    return _STATUS_RANK.get(new, 0) > _STATUS_RANK.get(current, 0)


def mask_chat_id(channel: str, chat_id: str) -> str:
    """WhatsApp chat ids are phone numbers: show only the ends (admin, never logs)."""
    if channel == "whatsapp" and len(chat_id) > 6:
        return chat_id[:4] + "*" * (len(chat_id) - 7) + chat_id[-3:]
    return chat_id
