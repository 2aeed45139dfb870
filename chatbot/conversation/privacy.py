"""What the dialogue engine holds about a person: their linked chats' state,
subscriptions and conversations with staff (UU PDP export and erasure)."""

from __future__ import annotations

from django.db import transaction

from chatbot.conversation.models import (
    ChatSession,
    Handoff,
    LinkCode,
    Subscription,
)
from core.models import ChannelIdentity, User


def _chats(user: User) -> list[tuple[str, str]]:
    chats = list(
        ChannelIdentity.objects.filter(user=user).values_list("channel", "external_id")
    )
    return [*chats, ("web", f"user-{user.pk}")]


def conversations_export(user: User) -> dict:
    chats = _chats(user)
    sessions, subscriptions = [], []
    for channel, chat_id in chats:
        for s in ChatSession.objects.filter(channel=channel, chat_id=chat_id):
            sessions.append(
                {
                    "channel": channel,
                    "language": s.language,
                    "flow": s.flow,
                    "updated_at": s.updated_at.isoformat(),
                }
            )
        subscriptions += [
            {
                "channel": channel,
                "region": sub.region_id,
                "created_at": sub.created_at.isoformat(),
                "opted_out": sub.opted_out,
            }
            for sub in Subscription.objects.filter(channel=channel, chat_id=chat_id)
        ]
    handoffs = [
        {
            "channel": h.channel,
            "status": h.status,
            "created_at": h.created_at.isoformat(),
            "messages": [
                {
                    "direction": m.direction,
                    "text": m.text,
                    "created_at": m.created_at.isoformat(),
                }
                for m in h.messages.all()
            ],
        }
        for h in Handoff.objects.filter(user=user).prefetch_related("messages")
    ]
    return {"sessions": sessions, "subscriptions": subscriptions, "handoffs": handoffs}


@transaction.atomic
def conversations_erase(user: User) -> None:
    """Runs before the account's chat identities are removed."""
    for channel, chat_id in _chats(user):
        ChatSession.objects.filter(channel=channel, chat_id=chat_id).delete()
        Subscription.objects.filter(channel=channel, chat_id=chat_id).delete()
        Handoff.objects.filter(channel=channel, chat_id=chat_id).delete()
    Handoff.objects.filter(user=user).delete()
    LinkCode.objects.filter(user=user).delete()
