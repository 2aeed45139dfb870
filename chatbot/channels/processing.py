"""Processing stored updates: parse -> engine -> outbox, once, in order per chat."""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbot.channels.models import Channel, Chat, InboundUpdate
from chatbot.channels.outbox import replies_enqueue
from chatbot.channels.parsing import (
    TelegramParsed,
    UnreadableUpdate,
    parse_telegram,
    parse_whatsapp,
    whatsapp_quoted_id,
)
from chatbot.channels.rendering import TelegramContext
from chatbot.channels.selectors import offered_choices_quoted
from chatbot.conversation.types import Inbound, Reply

logger = logging.getLogger(__name__)


def engine_handle(inbound: Inbound) -> list[Reply]:
    from chatbot.conversation.engine import handle

    return handle(inbound)


def engine_admin_request(inbound: Inbound) -> bool:
    from chatbot.conversation.engine import admin_request

    return admin_request(inbound)


# getChatMember statuses of a group's admins.
ADMIN_STATUSES = ("creator", "administrator")


def _telegram_sender_admin(chat_id: str, parsed: TelegramParsed) -> bool:
    """Whether the member who wrote is one of the group's admins. An admin writing
    anonymously writes as the group itself. A platform refusal counts as "no", and
    so does an answer too slow (`CHATBOT_TELEGRAM_MEMBER_TIMEOUT`): the member gets
    the "only admins" note rather than the whole group waiting on retries. Any other
    outage raises, and the update is retried."""
    from chatbot.channels.clients import SendError, TelegramClient

    if parsed.sender_is_chat:
        return True
    if parsed.sender_id is None:
        return False
    try:
        status = TelegramClient().chat_member_status(
            chat_id,
            parsed.sender_id,
            timeout=settings.CHATBOT_TELEGRAM_MEMBER_TIMEOUT,
        )
    except SendError as exc:
        if exc.kind == "permanent":
            logger.info("getChatMember refused")
            return False
        if exc.timed_out:
            logger.info("getChatMember timed out")
            return False
        raise
    return status in ADMIN_STATUSES


def _telegram_inbound(update: InboundUpdate) -> tuple[Inbound | None, TelegramParsed]:
    parsed = parse_telegram(update.payload)
    if parsed.callback_query_id and update.attempts == 0:
        # First, so the tapper's spinner stops before the replies (paced at 1 msg/s
        # per chat) go out; only on the first attempt, so a retry does not answer
        # again.
        _answer_callback_query(parsed.callback_query_id)
    inbound = parsed.inbound
    if inbound is not None and not inbound.private and engine_admin_request(inbound):
        admin = _telegram_sender_admin(update.chat_id, parsed)
        inbound = dataclasses.replace(inbound, sender_admin=admin)
    if inbound is not None and inbound.private and parsed.quoted_id:
        inbound = _with_quoted(update, inbound, parsed.quoted_id)
    return inbound, parsed


def _with_quoted(update: InboundUpdate, inbound: Inbound, quoted_id: str) -> Inbound:
    """The numbered choices of the bot's message this one quotes, if it had any."""
    quoted = offered_choices_quoted(
        channel=update.channel, chat_id=update.chat_id, platform_message_id=quoted_id
    )
    if quoted is None:
        return inbound
    return dataclasses.replace(inbound, quoted_choices=quoted)


def _telegram_context(
    chat: Chat, inbound: Inbound, parsed: TelegramParsed, replies: list[Reply]
) -> TelegramContext:
    """Where the answer goes (the topic), whom it names (a group member who tapped)
    and whether it takes away the "share location" keyboard: once, on the first
    answer that no longer asks for a location (a photo sent meanwhile leaves the
    step waiting, and the keyboard up)."""
    remove = False
    if inbound.private and replies and not inbound.unsupported:
        asks = any(r.request_location for r in replies)
        remove = chat.location_keyboard_shown and not asks
        if asks != chat.location_keyboard_shown:
            chat.location_keyboard_shown = asks
            chat.save(update_fields=["location_keyboard_shown"])
    mention = None
    if parsed.callback_query_id and not inbound.private and parsed.sender_id:
        mention = (parsed.sender_id, parsed.sender_name)
    return TelegramContext(
        thread_id=parsed.thread_id, remove_location_keyboard=remove, mention=mention
    )


def _answer_callback_query(callback_query_id: str) -> None:
    """Stop the tapped button's spinner. Cosmetic (it stops by itself after a
    while), so a failure is only logged and never holds the reply."""
    from chatbot.channels.clients import SendError, TelegramClient

    try:
        TelegramClient().answer_callback_query(
            callback_query_id, timeout=settings.CHATBOT_TELEGRAM_MEMBER_TIMEOUT
        )
    except SendError:
        logger.info("answerCallbackQuery failed")


def _remove_tapped_keyboard(chat_id: str, message_id: int) -> None:
    """In a private chat, take the keyboard off the tapped message (cosmetic)."""
    from chatbot.channels.clients import SendError, TelegramClient

    try:
        TelegramClient().remove_inline_keyboard(chat_id, message_id)
    except SendError:  # e.g. the message is older than 48 hours
        logger.info("editMessageReplyMarkup failed")


def _whatsapp_inbound(update: InboundUpdate) -> Inbound | None:
    inbound = parse_whatsapp(update.chat_id, update.payload)
    if inbound is None:
        return None
    return _with_quoted(update, inbound, whatsapp_quoted_id(update.payload))


def _process_one(update: InboundUpdate, chat: Chat) -> None:
    callback_message_id = parsed = None
    if update.channel == Channel.TELEGRAM:
        inbound, parsed = _telegram_inbound(update)
        if inbound is not None and inbound.private:
            # In a group the buttons are every member's: they stay for the others.
            callback_message_id = parsed.callback_message_id
    else:
        inbound = _whatsapp_inbound(update)
    if inbound is None:
        status = InboundUpdate.Status.IGNORED
    else:
        replies = engine_handle(inbound)
        telegram = None
        if parsed is not None:
            telegram = _telegram_context(chat, inbound, parsed, replies)
        replies_enqueue(
            channel=update.channel,
            chat_id=update.chat_id,
            replies=replies,
            key=f"in-{update.channel}-{update.external_id}",
            telegram=telegram,
        )
        status = InboundUpdate.Status.DONE
    update.status = status
    update.attempts += 1
    update.processed_at = timezone.now()
    update.last_error = ""
    update.save(update_fields=["attempts", "processed_at", "status", "last_error"])
    if callback_message_id is not None:
        chat_id = update.chat_id
        transaction.on_commit(
            lambda: _remove_tapped_keyboard(chat_id, callback_message_id)
        )


def _unreadable_record(update: InboundUpdate, reason: str) -> None:
    """A payload that can never be read: failed at once, so it does not hold the
    chat's later messages through retries that would all fail the same way."""
    update.status = InboundUpdate.Status.FAILED
    update.attempts += 1
    update.processed_at = timezone.now()
    update.last_error = f"unreadable: {reason}"[:200]
    update.save(update_fields=["attempts", "processed_at", "status", "last_error"])
    # The reason names a field, never its content: no payload, no traceback.
    logger.warning("inbound %s unreadable: %s", update.pk, reason)


def _error_place(exc: Exception) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return "?"
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"


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
        chat = Chat.objects.get(channel=channel, chat_id=chat_id)
        pending = list(
            InboundUpdate.objects.filter(
                channel=channel, chat_id=chat_id, status=InboundUpdate.Status.PENDING
            ).order_by("id")[:batch]
        )
        for update in pending:
            try:
                with transaction.atomic():
                    _process_one(update, chat)
            except UnreadableUpdate as exc:
                chat.refresh_from_db()
                _unreadable_record(update, str(exc))
                processed += 1
                continue
            except Exception as exc:
                chat.refresh_from_db()  # its rolled-back changes are gone
                update.attempts += 1
                update.last_error = f"{type(exc).__name__}"[:200]
                failed = update.attempts >= settings.CHATBOT_INBOUND_MAX_ATTEMPTS
                if failed:
                    update.status = InboundUpdate.Status.FAILED
                update.save(update_fields=["attempts", "last_error", "status"])
                # The type and place only: an exception's text may quote the
                # message (a ValueError quoting what it could not convert).
                logger.error(
                    "inbound %s: %s at %s (attempt %s)",
                    update.pk,
                    type(exc).__name__,
                    _error_place(exc),
                    update.attempts,
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
