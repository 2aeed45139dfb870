from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot.channels"
    label = "chatbot_channels"
    verbose_name = "Kanal chatbot (Telegram, WhatsApp)"

    def ready(self) -> None:
        from chatbot.channels.privacy import channels_erase, channels_export
        from core.services.privacy import register_eraser, register_exporter

        register_exporter("chat_messages", channels_export)
        register_eraser("chatbot_channels", channels_erase)
