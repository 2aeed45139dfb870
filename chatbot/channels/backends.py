"""core notification backends for Telegram and WhatsApp, through the chatbot outbox
(so platform limits, retries and ordering apply to notifications too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chatbot.channels.outbox import replies_enqueue
from chatbot.conversation.types import Reply
from core.models import ChannelIdentity
from core.notifications.backends import BaseBackend, DeliveryError

if TYPE_CHECKING:
    from core.models import Notification


class _ChatBackend(BaseBackend):
    channel = ""

    def send(self, notification: Notification) -> None:
        identity = ChannelIdentity.objects.filter(
            user_id=notification.user_id, channel=self.channel
        ).first()
        if identity is None:
            raise DeliveryError(f"no {self.channel} chat linked", transient=False)
        replies_enqueue(
            channel=self.channel,
            chat_id=identity.external_id,
            replies=[Reply(text=notification.body)],
            key=f"notification-{notification.pk}",
        )


class TelegramBackend(_ChatBackend):
    channel = "telegram"


class WhatsAppBackend(_ChatBackend):
    channel = "whatsapp"
