from __future__ import annotations

from django.apps import AppConfig


class ConversationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot.conversation"
    label = "chatbot_conversation"
    verbose_name = "Percakapan chatbot"
