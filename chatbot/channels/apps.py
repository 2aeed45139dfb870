from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot.channels"
    label = "chatbot_channels"
    verbose_name = "Kanal chatbot (Telegram, WhatsApp)"
