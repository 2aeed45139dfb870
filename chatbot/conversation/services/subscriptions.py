"""Area announcement subscriptions of a chat."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chatbot.conversation.models import Subscription
from core.models import Region


@transaction.atomic
def subscription_set(
    *, channel: str, chat_id: str, region: Region, language: str = "id"
) -> Subscription:
    """Subscribe (again) to one area; a repeat keeps the original row."""
    subscription, created = Subscription.objects.get_or_create(
        channel=channel,
        chat_id=chat_id,
        region=region,
        defaults={"language": language},
    )
    if not created:
        subscription.opted_out = False
        subscription.opted_out_at = None
        subscription.language = language
        subscription.save(update_fields=["opted_out", "opted_out_at", "language"])
    return subscription


@transaction.atomic
def subscriptions_opt_out(*, channel: str, chat_id: str) -> int:
    """ "berhenti"/"stop": no more announcements to this chat, for any area."""
    return Subscription.objects.filter(
        channel=channel, chat_id=chat_id, opted_out=False
    ).update(opted_out=True, opted_out_at=timezone.now())


def subscriptions_language_set(*, channel: str, chat_id: str, language: str) -> None:
    Subscription.objects.filter(channel=channel, chat_id=chat_id).update(
        language=language
    )
