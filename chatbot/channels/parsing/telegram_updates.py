"""Telegram updates -> `Inbound`, through python-telegram-bot's Update."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from telegram import Update

from chatbot.channels.parsing.shapes import (
    UnreadableUpdate,
    coordinates,
    int_id,
    obj,
    string,
)
from chatbot.conversation.types import Inbound

# What a person sends that the bot cannot read (without a caption): it says so.
TELEGRAM_UNREADABLE = (
    "photo",
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "contact",
    "poll",
    "dice",
)
# Telegram update kinds that carry a message with its chat.
TELEGRAM_MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)


def _telegram_message_check(message: dict) -> None:
    int_id(obj(message, "chat"), "chat")
    sender = obj(message, "from")
    if sender:
        int_id(sender, "from")
        string(sender, "first_name")
        string(sender, "language_code")
    string(message, "text")
    string(message, "caption")
    if message.get("location") is not None:
        coordinates(obj(message, "location"))
    for key in ("reply_to_message", "sender_chat", "forward_origin"):
        obj(message, key)


def telegram_update_check(payload: dict) -> None:
    """Raise `UnreadableUpdate` for an update whose shape the Bot API never sends:
    every field of an Update is an object; a message has a chat with an integer id,
    a text that is a string, a location of two numbers; a callback query has an id
    and a sender. Cheap enough for the webhook; kinds the bot ignores pass."""
    for key, value in payload.items():
        if key == "update_id":
            continue
        if not isinstance(value, dict):
            raise UnreadableUpdate(f"{key} is not an object")
        if key in TELEGRAM_MESSAGE_KINDS:
            _telegram_message_check(value)
        elif key == "callback_query":
            if not isinstance(value.get("id"), str):
                raise UnreadableUpdate("callback_query.id is not a string")
            sender = obj(value, "from")
            int_id(sender, "from")
            string(sender, "first_name")
            string(sender, "language_code")
            string(value, "data")
            message = obj(value, "message")
            if message:
                int_id(obj(message, "chat"), "chat")
        elif key in ("my_chat_member", "chat_member", "chat_join_request"):
            int_id(obj(value, "chat"), "chat")


@dataclass(frozen=True)
class TelegramParsed:
    inbound: Inbound | None  # None: an update kind the bot does not answer
    callback_query_id: str | None = None
    # The bot's message whose button was tapped: its keyboard is taken away, so an
    # old menu further up the chat cannot be tapped again out of turn.
    callback_message_id: int | None = None
    # Who wrote or tapped (a group answer names a member who tapped; only a group's
    # admins change its language), and whether they wrote as the group itself (an
    # anonymous admin).
    sender_id: int | None = None
    sender_name: str = ""
    sender_is_chat: bool = False
    # A forum topic's message_thread_id: every reply goes to that topic.
    thread_id: int | None = None
    # The bot's message this one replies to (reply_to_message.message_id), "" when
    # it quotes none: a number quoting a suggestions list picks from that list.
    quoted_id: str = ""


def _topic(message) -> int | None:
    """The forum topic of a message (None outside a topic, and for a reply thread
    of an ordinary group, which Telegram also numbers)."""
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    return getattr(message, "message_thread_id", None)


def _id_of(value) -> str:
    return str(value.get("id", "")) if isinstance(value, dict) else ""


def telegram_chat_id(payload: dict) -> str:
    """The chat of a raw update, read without building objects (intake hot path):
    the chat it happened in (a message's, a membership change's), else the chat of
    the tapped message, else the person's own (inline queries, polls)."""
    values = [v for k, v in payload.items() if k != "update_id" and isinstance(v, dict)]
    for value in values:
        if isinstance(value.get("chat"), dict):
            return _id_of(value["chat"])
    for value in values:
        if isinstance(value.get("message"), dict):  # callback_query
            chat = _id_of(value["message"].get("chat"))
            if chat:
                return chat
    for value in values:
        if isinstance(value.get("from"), dict):
            return _id_of(value["from"])
    return ""


def _command_for_us(text: str) -> str | None:
    """ "/start@SigapBot payload" -> "/start payload" (Telegram's form of a command in
    a group); None for a command addressed to another bot."""
    if not text.startswith("/"):
        return text
    head, sep, rest = text.partition(" ")
    command, at, bot = head.partition("@")
    if not at:
        return text
    ours = settings.TELEGRAM_BOT_USERNAME.lstrip("@").lower()
    if ours and bot.lower() != ours:
        return None
    return command + sep + rest


def parse_telegram(payload: dict) -> TelegramParsed:
    """Raises `UnreadableUpdate` for a payload that can never be read."""
    telegram_update_check(payload)
    if "message" not in payload and "callback_query" not in payload:
        # Edits, channel posts, membership changes, polls, …: nothing to answer,
        # and nothing to build (a kind newer than this library must not fail).
        return TelegramParsed(None)
    try:
        return _parse_telegram(payload)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # python-telegram-bot builds objects without checking types: a shape the
        # check above does not know fails here, the same way on every attempt.
        raise UnreadableUpdate(f"{type(exc).__name__} while parsing") from None


def _parse_telegram(payload: dict) -> TelegramParsed:
    update = Update.de_json(payload, None)
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat = message.chat.id if message else query.from_user.id
        return TelegramParsed(
            Inbound(
                channel="telegram",
                chat_id=str(chat),
                choice=query.data,
                display_name=query.from_user.first_name or "",
                language_hint=query.from_user.language_code,
                # Without its message the button was on an inline-mode message; the
                # chat is then the user's own.
                private=message is None or message.chat.type == "private",
            ),
            callback_query_id=query.id,
            callback_message_id=query.message.message_id if query.message else None,
            sender_id=query.from_user.id,
            sender_name=query.from_user.first_name or "",
            thread_id=_topic(message),
        )
    message = update.message
    if message is None:  # edits, channel posts, membership changes, …
        return TelegramParsed(None)
    user = message.from_user
    location = (
        coordinates(
            {
                "latitude": message.location.latitude,
                "longitude": message.location.longitude,
            }
        )
        if message.location
        else None
    )
    text = message.text or message.caption
    private = message.chat.type == "private"
    if text is None and location is None:
        if not any(getattr(message, kind, None) for kind in TELEGRAM_UNREADABLE):
            return TelegramParsed(None)  # service messages: members joining, pins, …
        return TelegramParsed(
            Inbound(
                channel="telegram",
                chat_id=str(message.chat.id),
                private=private,
                unsupported=True,
            ),
            thread_id=_topic(message),
        )
    if text is not None:
        text = _command_for_us(text)
        if text is None:
            return TelegramParsed(None)
    return TelegramParsed(
        Inbound(
            channel="telegram",
            chat_id=str(message.chat.id),
            private=private,
            text=text,
            location=location,
            forwarded=message.forward_origin is not None,
            display_name=(user.first_name or "") if user else "",
            language_hint=user.language_code if user else None,
        ),
        sender_id=user.id if user else None,
        sender_name=(user.first_name or "") if user else "",
        sender_is_chat=bool(
            message.sender_chat and message.sender_chat.id == message.chat.id
        ),
        thread_id=_topic(message),
        quoted_id=_quoted(message),
    )


def _quoted(message) -> str:
    replied = getattr(message, "reply_to_message", None)
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return ""
    return str(replied.message_id)
