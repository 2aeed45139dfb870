"""Reads of the chat adapters."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chatbot.channels.models import Broadcast, OfferedChoices
from chatbot.error_codes import ChatbotErrorCode
from core.exceptions import NotFound


def broadcast_get(*, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        raise NotFound(
            "Siaran tidak ditemukan.", code=ChatbotErrorCode.BROADCAST_NOT_FOUND
        )
    return broadcast


# A quoted list older than WhatsApp's 24-hour customer service window is no longer
# answered from: its entries may have changed since.
OFFERED_CHOICES_MAX_AGE = dt.timedelta(hours=24)


def offered_choices_quoted(
    *, channel: str, chat_id: str, platform_message_id: str
) -> tuple[str, ...] | None:
    """The numbered choices of the chat's own message `platform_message_id` (the one
    a reply quotes); None when it offered none, is unknown or too old."""
    if not platform_message_id:
        return None
    row = (
        OfferedChoices.objects.filter(
            channel=channel,
            chat_id=chat_id,
            platform_message_id=platform_message_id,
            sent_at__gte=timezone.now() - OFFERED_CHOICES_MAX_AGE,
        )
        .values_list("choices", flat=True)
        .first()
    )
    return tuple(str(c) for c in row) if row else None
