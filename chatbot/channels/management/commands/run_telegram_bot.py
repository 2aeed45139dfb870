from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from chatbot.channels.clients import SendError, TelegramClient
from chatbot.channels.intake import telegram_update_store
from chatbot.channels.management.commands.telegram_set_webhook import ALLOWED_UPDATES
from core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Polling mode (no public URL needed): deleteWebhook, then getUpdates in a loop; "
        "updates go through the same intake as the webhook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=int, default=30, help="long-poll seconds")
        parser.add_argument(
            "--once", action="store_true", help="poll once and exit (tests, cron)"
        )

    def handle(self, *args, timeout: int, once: bool, **options):
        client = TelegramClient()
        try:
            client.delete_webhook()
        except SendError as exc:
            raise CommandError(f"deleteWebhook failed: {exc}") from exc
        self.stdout.write("Polling Telegram; Ctrl+C to stop.")
        offset: int | None = None
        stored = 0
        while True:
            try:
                updates = client.get_updates(
                    offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES
                )
            except SendError as exc:
                if once:
                    raise CommandError(f"getUpdates failed: {exc}") from exc
                self.stderr.write(f"getUpdates failed ({exc.kind}); retrying")
                time.sleep(exc.retry_after or 5)
                continue
            close_old_connections()
            for update in updates:
                offset = update.update_id + 1
                try:
                    pk = telegram_update_store(payload=update.to_dict())
                except ApplicationError:  # malformed: skipped, as the webhook's 400
                    self.stderr.write(f"update {update.update_id} malformed; skipped")
                    continue
                if pk is not None:
                    stored += 1
            if once:
                break
        self.stdout.write(f"{stored} updates stored.")
