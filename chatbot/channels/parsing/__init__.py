"""Platform payloads -> `Inbound`: Telegram updates, WhatsApp deliveries."""

from __future__ import annotations

from chatbot.channels.parsing.shapes import UnreadableUpdate
from chatbot.channels.parsing.telegram_updates import (
    TELEGRAM_UNREADABLE,
    TelegramParsed,
    parse_telegram,
    telegram_chat_id,
    telegram_update_check,
)
from chatbot.channels.parsing.whatsapp_deliveries import (
    WHATSAPP_UNREADABLE,
    WhatsAppMessage,
    parse_whatsapp,
    whatsapp_messages,
    whatsapp_quoted_id,
)

__all__ = [
    "TELEGRAM_UNREADABLE",
    "WHATSAPP_UNREADABLE",
    "TelegramParsed",
    "UnreadableUpdate",
    "WhatsAppMessage",
    "parse_telegram",
    "parse_whatsapp",
    "telegram_chat_id",
    "telegram_update_check",
    "whatsapp_messages",
    "whatsapp_quoted_id",
]
