from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot.channels"
    label = "chatbot_channels"
    verbose_name = "Kanal chatbot (Telegram, WhatsApp)"

    def ready(self) -> None:
        from chatbot.channels.outbox import replies_enqueue
        from chatbot.channels.privacy import (
            channels_erase,
            channels_export,
            offered_choices_export,
        )
        from chatbot.conversation.hooks import register_reply_sender
        from core.services.privacy import register_eraser, register_exporter

        register_exporter("chat_messages", channels_export)
        register_exporter("chat_offered_choices", offered_choices_export)
        register_eraser("chatbot_channels", channels_erase)
        register_reply_sender(replies_enqueue)
