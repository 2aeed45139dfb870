"""WhatsApp Cloud API webhook deliveries -> messages, statuses and `Inbound`."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.channels.parsing.shapes import (
    UnreadableUpdate,
    coordinates,
    dicts,
    obj,
    scalar_id,
    string,
)
from chatbot.conversation.types import Inbound

# WhatsApp message types the bot cannot read (without a caption): it says so;
# "reaction", "system" and the like get no answer.
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
class WhatsAppMessage:
    external_id: str
    chat_id: str
    payload: dict  # {"message": ..., "contact": ..., "phone_number_id": ...}


def whatsapp_messages(
    body: dict, *, phone_number_id: str = ""
) -> tuple[list[WhatsAppMessage], list[dict]]:
    """Split a webhook delivery into its messages and its status callbacks.

    A malformed item (an entry, change, message or status that is not an object, a
    message without a string id and sender) is skipped and the well-formed ones of
    the same delivery kept, as a message without an id always was: answering 400
    would make the platform deliver the good ones again and again. With
    `phone_number_id` set, changes for another business number are skipped: that
    number's users must not be answered from ours."""
    messages: list[WhatsAppMessage] = []
    statuses: list[dict] = []
    for entry in dicts(body.get("entry")):
        for change in dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict) or change.get("field") not in (
                None,
                "messages",
            ):
                continue
            metadata = value.get("metadata")
            number = (
                scalar_id(metadata.get("phone_number_id"))
                if isinstance(metadata, dict)
                else ""
            )
            if phone_number_id and number != phone_number_id:
                continue
            contacts = {}
            for contact in dicts(value.get("contacts")):
                wa_id = scalar_id(contact.get("wa_id"))
                if wa_id:
                    contacts[wa_id] = contact
            for message in dicts(value.get("messages")):
                message_id = scalar_id(message.get("id"))
                sender = scalar_id(message.get("from"))
                if not message_id or not sender:
                    continue
                messages.append(
                    WhatsAppMessage(
                        external_id=message_id,
                        chat_id=sender,
                        payload={
                            "message": message,
                            "contact": contacts.get(sender) or {},
                            "phone_number_id": number,
                        },
                    )
                )
            statuses += [
                s for s in dicts(value.get("statuses")) if scalar_id(s.get("id"))
            ]
    return messages, statuses


def whatsapp_quoted_id(payload: dict) -> str:
    """The wamid of the message a WhatsApp message replies to (context.id), "" when
    it quotes none. Forwards carry a context without an id."""
    message = payload.get("message")
    context = message.get("context") if isinstance(message, dict) else None
    if not isinstance(context, dict):
        return ""
    return scalar_id(context.get("id"))


def parse_whatsapp(chat_id: str, payload: dict) -> Inbound | None:
    """Raises `UnreadableUpdate` for a message that can never be read (a text body
    that is not a string, a context that is not an object, …)."""
    message = obj(payload, "message")
    if message.get("group_id"):
        # A group of the Groups API: its members would share the sender's chat with
        # the bot, and Sigap serves no WhatsApp groups (replies go 1:1 only).
        return None
    kind = message.get("type")
    if not isinstance(kind, str):
        raise UnreadableUpdate("type is not a string")
    text = choice = location = None
    if kind == "text":
        text = string(obj(message, "text"), "body")
    elif kind == "interactive":
        interactive = obj(message, "interactive")
        reply_kind = string(interactive, "type") or ""
        choice = string(obj(interactive, reply_kind), "id") if reply_kind else None
    elif kind == "button":  # legacy quick-reply button of a template message
        button = obj(message, "button")
        choice = string(button, "payload") or None
        text = None if choice else string(button, "text")
    elif kind == "location":
        location = coordinates(obj(message, "location"))
    elif kind in ("image", "video", "document"):
        text = string(obj(message, kind), "caption")
    unsupported = False
    if text is None and choice is None and location is None:
        if kind not in WHATSAPP_UNREADABLE:
            return None  # reactions, system messages, …
        unsupported = True
    context = obj(message, "context")
    profile = obj(obj(payload, "contact"), "profile")
    return Inbound(
        channel="whatsapp",
        chat_id=chat_id,
        text=text,
        choice=choice,
        location=location,
        unsupported=unsupported,
        forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
        display_name=string(profile, "name") or "",
    )
