from __future__ import annotations

from django.apps import AppConfig


class ConversationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot.conversation"
    label = "chatbot_conversation"
    verbose_name = "Percakapan chatbot"

    def ready(self) -> None:
        from chatbot.conversation import privacy
        from core.services.privacy import register_eraser, register_exporter

        register_exporter("chatbot_conversations", privacy.conversations_export)
        register_eraser("chatbot_conversations", privacy.conversations_erase)
