"""Reads of the chat adapters."""

from __future__ import annotations

from chatbot.channels.models import Broadcast
from core.exceptions import NotFound


def broadcast_get(*, broadcast_id: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        raise NotFound("Siaran tidak ditemukan.", code="broadcast_not_found")
    return broadcast
