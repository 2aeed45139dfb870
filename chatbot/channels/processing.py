"""Processing stored updates: parse -> engine -> outbox, once, in order per chat."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbot.channels.models import Channel, Chat, InboundUpdate
from chatbot.channels.outbox import replies_enqueue
from chatbot.channels.parsing import parse_telegram, parse_whatsapp
from chatbot.conversation.types import Inbound, Reply

logger = logging.getLogger(__name__)


def engine_handle(inbound: Inbound) -> list[Reply]:
    from chatbot.conversation.engine import handle

    return handle(inbound)


def _answer_callback(
    callback_query_id: str, chat_id: str, message_id: int | None
) -> None:
    """Stop the tapped button's spinner and take the keyboard off its message. Both
    are cosmetic: the reply itself is already queued, so failures are only logged."""
    from chatbot.channels.clients import SendError, TelegramClient

    client = TelegramClient()
    try:
        client.answer_callback_query(callback_query_id)
    except SendError:
        logger.info("answerCallbackQuery failed")
    if message_id is not None:
        try:
            client.remove_inline_keyboard(chat_id, message_id)
        except SendError:  # e.g. the message is older than 48 hours
            logger.info("editMessageReplyMarkup failed")


def _process_one(update: InboundUpdate) -> None:
    callback_query_id = callback_message_id = None
    if update.channel == Channel.TELEGRAM:
        parsed = parse_telegram(update.payload)
        inbound, callback_query_id = parsed.inbound, parsed.callback_query_id
        callback_message_id = parsed.callback_message_id
    else:
        inbound = parse_whatsapp(update.chat_id, update.payload)
    if inbound is None:
        status = InboundUpdate.Status.IGNORED
    else:
        replies = engine_handle(inbound)
        replies_enqueue(
            channel=update.channel,
            chat_id=update.chat_id,
            replies=replies,
            key=f"in-{update.channel}-{update.external_id}",
        )
        status = InboundUpdate.Status.DONE
    update.status = status
    update.attempts += 1
    update.processed_at = timezone.now()
    update.last_error = ""
    update.save(update_fields=["attempts", "processed_at", "status", "last_error"])
    if callback_query_id:
        chat_id = update.chat_id
        transaction.on_commit(
            lambda: _answer_callback(callback_query_id, chat_id, callback_message_id)
        )


def chat_updates_process(*, update_id: int, batch: int = 50) -> int:
    """Process the pending updates of `update_id`'s chat, oldest first.

    The chat row is locked for the whole batch, so a chat's updates are handled one at
    a time; a row's status moves from pending inside that lock, so each is handled once
    even when its task runs twice. Returns how many were processed here."""
    ref = (
        InboundUpdate.objects.filter(pk=update_id)
        .values_list("channel", "chat_id")
        .first()
    )
    if ref is None:
        return 0
    channel, chat_id = ref
    Chat.objects.get_or_create(channel=channel, chat_id=chat_id)
    processed = 0
    with transaction.atomic():
        # UPDATE takes the row lock until commit: concurrent workers of this chat queue.
        Chat.objects.filter(channel=channel, chat_id=chat_id).update(
            last_seen=timezone.now()
        )
        pending = list(
            InboundUpdate.objects.filter(
                channel=channel, chat_id=chat_id, status=InboundUpdate.Status.PENDING
            ).order_by("id")[:batch]
        )
        for update in pending:
            try:
                with transaction.atomic():
                    _process_one(update)
            except Exception as exc:
                update.attempts += 1
                update.last_error = f"{type(exc).__name__}"[:200]
                failed = update.attempts >= settings.CHATBOT_INBOUND_MAX_ATTEMPTS
                if failed:
                    update.status = InboundUpdate.Status.FAILED
                update.save(update_fields=["attempts", "last_error", "status"])
                logger.exception(
                    "inbound %s failed (attempt %s)", update.pk, update.attempts
                )
                if not failed:
                    break  # keep the chat's order: the sweep retries from here
                continue
            processed += 1
    return processed


def inbound_stale_ids(*, older_than_seconds: float = 20, limit: int = 500) -> list[int]:
    """One pending update per chat, received a while ago (missed or failed enqueue)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    rows = (
        InboundUpdate.objects.filter(
            status=InboundUpdate.Status.PENDING, received_at__lte=cutoff
        )
        .order_by("id")
        .values_list("pk", "channel", "chat_id")[: limit * 4]
    )
    seen: dict[tuple[str, str], int] = {}
    for pk, channel, chat_id in rows:
        seen.setdefault((channel, chat_id), pk)
    return list(seen.values())[:limit]
