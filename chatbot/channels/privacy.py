"""What the Telegram/WhatsApp adapters hold about a person (UU PDP erasure).

Inbound payloads carry the sender's profile name and whatever they typed (names, NIK,
symptoms); outbound rows what was sent to them; on WhatsApp the chat id *is* the phone
number. A person's chats are their linked chat accounts plus their own number on
WhatsApp; rows of other chats in which they typed their NIK or phone number go too."""

from __future__ import annotations

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from chatbot.channels.models import (
    Chat,
    InboundUpdate,
    OfferedChoices,
    OutboundMessage,
)
from core.models import ChannelIdentity, ResidentProfile, User


def person_chats(user: User) -> set[tuple[str, str]]:
    chats = set(
        ChannelIdentity.objects.filter(user=user).values_list("channel", "external_id")
    )
    chats.add(("whatsapp", user.phone.lstrip("+")))
    return chats


def person_chats_q(user: User) -> Q:
    """Rows of the person's chats (models with `channel` and `chat_id`)."""
    by_chat = Q(pk__in=[])
    for channel, chat_id in person_chats(user):
        by_chat |= Q(channel=channel, chat_id=chat_id)
    return by_chat


def _mentions(user: User) -> list[str]:
    digits = user.phone.lstrip("+")
    needles = [digits, "0" + digits[2:] if digits.startswith("62") else digits]
    nik = ResidentProfile.objects.filter(user=user).values_list("nik", flat=True)
    needles += [n for n in nik if n]
    return needles


def channels_export(user: User) -> list[dict]:
    """Messages exchanged with the person's chats on Telegram and WhatsApp, as the
    platforms delivered and received them."""
    by_chat = person_chats_q(user)
    received = [
        {
            "direction": "in",
            "channel": m.channel,
            "at": m.received_at.isoformat(),
            "payload": m.payload,
        }
        for m in InboundUpdate.objects.filter(by_chat)
    ]
    sent = [
        {
            "direction": "out",
            "channel": m.channel,
            "at": m.created_at.isoformat(),
            "status": m.status,
            "payload": m.payload,
        }
        for m in OutboundMessage.objects.filter(by_chat)
    ]
    return sorted(received + sent, key=lambda m: m["at"])


def offered_choices_export(user: User) -> list[dict]:
    """The numbered FAQ choices last offered in the person's chats: a reply quoting
    one of those messages picks from its list."""
    by_chat = person_chats_q(user)
    return [
        {
            "channel": o.channel,
            "platform_message_id": o.platform_message_id,
            "sent_at": o.sent_at.isoformat(),
            "choices": o.choices,
        }
        for o in OfferedChoices.objects.filter(by_chat).order_by("sent_at", "id")
    ]


def channels_erase(user: User) -> None:
    """Runs before the account's chat identities are removed."""
    by_chat = person_chats_q(user)
    for model in (InboundUpdate, OutboundMessage):
        model.objects.filter(by_chat).delete()
        text = model.objects.annotate(_text=Cast("payload", TextField()))
        for needle in _mentions(user):
            text.filter(_text__contains=needle).delete()
    OfferedChoices.objects.filter(by_chat).delete()
    Chat.objects.filter(by_chat).delete()
