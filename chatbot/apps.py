from __future__ import annotations

from django.apps import AppConfig


class ChatbotConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chatbot"
    verbose_name = "Chatbot"

    def ready(self) -> None:
        from chatbot import privacy
        from core.services.privacy import register_eraser, register_exporter

        register_exporter("chatbot_reports", privacy.reports_export)
        register_eraser("chatbot_reports", privacy.reports_erase)
