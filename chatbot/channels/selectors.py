"""Reads of the chat adapters."""

from __future__ import annotations

from chatbot.channels.models import Broadcast
from chatbot.error_codes import ChatbotErrorCode
from core.exceptions import NotFound


def broadcast_get(*, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        raise NotFound(
            "Siaran tidak ditemukan.", code=ChatbotErrorCode.BROADCAST_NOT_FOUND
        )
    return broadcast
