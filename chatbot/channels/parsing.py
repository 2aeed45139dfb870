"""Platform payloads -> `Inbound` (Telegram through python-telegram-bot's Update)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from telegram import Update

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
# WhatsApp message types of that kind; "reaction", "system" and the like get no answer.
WHATSAPP_UNREADABLE = (
    "audio",
    "voice",
    "sticker",
    "image",
    "video",
    "document",
    "contacts",
    "unsupported",
    "unknown",
)


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


def telegram_chat_id(payload: dict) -> str:
    """The chat of a raw update, read without building objects (intake hot path)."""
    for key in ("message", "edited_message", "channel_post"):
        if isinstance(payload.get(key), dict):
            return str(payload[key].get("chat", {}).get("id", ""))
    query = payload.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message") or {}
        chat = message.get("chat") or query.get("from") or {}
        return str(chat.get("id", ""))
    for value in payload.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return str(value["from"].get("id", ""))
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
        (message.location.latitude, message.location.longitude)
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


@dataclass(frozen=True)
class WhatsAppMessage:
    external_id: str
    chat_id: str
    payload: dict  # {"message": ..., "contact": ..., "phone_number_id": ...}


def whatsapp_messages(body: dict) -> tuple[list[WhatsAppMessage], list[dict]]:
    """Split a webhook delivery into its messages and its status callbacks."""
    messages: list[WhatsAppMessage] = []
    statuses: list[dict] = []
    for entry in body.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") not in (None, "messages"):
                continue
            phone_number_id = (value.get("metadata") or {}).get("phone_number_id", "")
            contacts = {c.get("wa_id"): c for c in value.get("contacts") or []}
            for message in value.get("messages") or []:
                if not message.get("id") or not message.get("from"):
                    continue
                messages.append(
                    WhatsAppMessage(
                        external_id=str(message["id"]),
                        chat_id=str(message["from"]),
                        payload={
                            "message": message,
                            "contact": contacts.get(message["from"]) or {},
                            "phone_number_id": phone_number_id,
                        },
                    )
                )
            statuses += [s for s in value.get("statuses") or [] if s.get("id")]
    return messages, statuses


def whatsapp_quoted_id(payload: dict) -> str:
    """The wamid of the message a WhatsApp message replies to (context.id), "" when
    it quotes none. Forwards carry a context without an id."""
    context = (payload.get("message") or {}).get("context") or {}
    return str(context.get("id") or "")


def parse_whatsapp(chat_id: str, payload: dict) -> Inbound | None:
    message = payload.get("message") or {}
    if message.get("group_id"):
        # A group of the Groups API: its members would share the sender's chat with
        # the bot, and Sigap serves no WhatsApp groups (replies go 1:1 only).
        return None
    kind = message.get("type")
    text = choice = location = None
    if kind == "text":
        text = (message.get("text") or {}).get("body")
    elif kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get(interactive.get("type") or "") or {}
        choice = reply.get("id")  # button_reply / list_reply
    elif kind == "button":  # legacy quick-reply button of a template message
        button = message.get("button") or {}
        choice = button.get("payload") or None
        text = None if choice else button.get("text")
    elif kind == "location":
        loc = message.get("location") or {}
        try:
            location = (float(loc["latitude"]), float(loc["longitude"]))
        except (KeyError, TypeError, ValueError):
            return None
    elif kind in ("image", "video", "document"):
        text = (message.get(kind) or {}).get("caption")
    unsupported = False
    if text is None and choice is None and location is None:
        if kind not in WHATSAPP_UNREADABLE:
            return None  # reactions, system messages, …
        unsupported = True
    context = message.get("context") or {}
    profile = (payload.get("contact") or {}).get("profile") or {}
    return Inbound(
        channel="whatsapp",
        chat_id=chat_id,
        text=text,
        choice=choice,
        location=location,
        unsupported=unsupported,
        forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
        display_name=profile.get("name") or "",
    )
