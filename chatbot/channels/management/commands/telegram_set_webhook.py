from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chatbot.channels.clients import SendError, TelegramClient

# Telegram sends only these kinds (allowed_updates), the membership ones included:
# chatbot.channels.parsing stores them under their chat (README "Chatbot on Telegram
# and WhatsApp"). chat_member needs the bot to be an admin of the group.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"]


class Command(BaseCommand):
    help = (
        "Point the Telegram bot at this server: setWebhook URL with "
        "TELEGRAM_WEBHOOK_SECRET as secret_token (URL e.g. "
        "https://sigap.example.go.id/api/v1/chatbot/telegram/webhook)."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")

    def handle(self, *args, url: str, **options):
        if not url.startswith("https://") and not settings.DEBUG:
            raise CommandError("Telegram only calls https:// webhooks.")
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError(
                "Set TELEGRAM_WEBHOOK_SECRET first (1-256 of A-Za-z0-9_-)."
            )
        try:
            TelegramClient().set_webhook(
                url=url,
                secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                allowed_updates=ALLOWED_UPDATES,
            )
        except SendError as exc:
            raise CommandError(f"setWebhook failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Webhook set to {url}"))
