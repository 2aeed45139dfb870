"""Broadcasts: one announcement to the subscribers of an area, paced by the limits."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from chatbot.channels.models import Broadcast, OutboundMessage
from chatbot.channels.outbox import replies_enqueue
from chatbot.conversation.types import Reply
from core.areas.rules import code_within
from core.exceptions import ApplicationError
from core.models import Region, User

MAX_TEXT = 4000


def broadcast_create(
    *, actor: User, region_code: str, text_id: str, text_en: str = ""
) -> Broadcast:
    fields = {}
    region_code = (region_code or "").strip()
    if not Region.objects.filter(code=region_code).exists():
        fields["region_code"] = "Wilayah tidak dikenal. / Unknown region."
    elif (
        actor.role == User.Role.HEALTH_OFFICE
        and actor.region_id
        and not code_within(region_code, actor.region_id)
    ):
        # A health office announces to its own wilayah kerja; curators (the
        # province's chatbot team) to any area.
        fields["region_code"] = (
            "Wilayah di luar wilayah kerja Anda. / Outside your region."
        )
    if not (text_id or "").strip():
        fields["text_id"] = "Teks Bahasa Indonesia wajib diisi. / Required."
    for name, value in (("text_id", text_id), ("text_en", text_en)):
        if len(value or "") > MAX_TEXT:
            fields[name] = f"Maksimal {MAX_TEXT} karakter. / At most {MAX_TEXT}."
    if fields:
        raise ApplicationError(
            "Siaran tidak valid. / Invalid broadcast.", fields=fields
        )
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            region_code=region_code,
            text_id=text_id.strip(),
            text_en=(text_en or "").strip(),
            created_by=actor,
        )
        transaction.on_commit(lambda: _enqueue_fanout(broadcast.pk))
    return broadcast


def _enqueue_fanout(broadcast_id: int) -> None:
    from chatbot.channels.tasks import broadcast_fanout as task

    try:
        task.apply_async((broadcast_id,), retry=False)
    except Exception:  # broker down: the sweep fans it out (`broadcast_stale_ids`)
        pass


def broadcast_stale_ids(*, older_than_seconds: float = 60, limit: int = 100) -> list:
    """Broadcasts still queued a while after they were made: their fan-out was never
    enqueued (broker down) or its task was lost. Fanning out again is harmless."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return list(
        Broadcast.objects.filter(status=Broadcast.Status.QUEUED, created_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def _rate(channel: str) -> float:
    if channel == "telegram":
        return settings.CHATBOT_TELEGRAM_RATE
    return settings.CHATBOT_WHATSAPP_RATE


def broadcast_fanout(*, broadcast_id: int) -> int:
    """One outbox row per recipient, keyed so a re-run never sends twice. Rows are
    spread over time at the platform rate so the buckets are not stormed."""
    from chatbot.conversation.selectors import subscribers_for_area

    now = timezone.now()
    position: dict[str, int] = {}
    with transaction.atomic():
        # One fan-out at a time (a sweep may enqueue it beside a slow first run):
        # the second waits here, then finds it done.
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        if broadcast.status == Broadcast.Status.DONE:
            return broadcast.recipients
        recipients = list(subscribers_for_area(broadcast.region_code))
        Broadcast.objects.filter(pk=broadcast.pk).update(
            status=Broadcast.Status.SENDING
        )
        for channel, chat_id, language in recipients:
            n = position[channel] = position.get(channel, -1) + 1
            text = (
                broadcast.text_en
                if language == "en" and broadcast.text_en
                else broadcast.text_id
            )
            replies_enqueue(
                channel=channel,
                chat_id=chat_id,
                replies=[Reply(text=text)],
                key=f"broadcast-{broadcast.pk}-{channel}-{chat_id}",
                broadcast=broadcast,
                send_after=now + dt.timedelta(seconds=n / _rate(channel)),
            )
        Broadcast.objects.filter(pk=broadcast.pk).update(
            status=Broadcast.Status.DONE, recipients=len(recipients)
        )
    return len(recipients)


def broadcast_counts(broadcast: Broadcast) -> dict[str, int]:
    """Per recipient (a long text's continuation parts are not counted)."""
    statuses = OutboundMessage.Status
    counts = broadcast.messages.exclude(key__contains="#").aggregate(
        queued=Count("pk"),
        pending=Count("pk", filter=Q(status=statuses.PENDING)),
        sent=Count("pk", filter=Q(status=statuses.SENT)),
        failed=Count("pk", filter=Q(status=statuses.FAILED)),
    )
    return {"recipients": broadcast.recipients, **counts}
