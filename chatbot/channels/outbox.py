"""The outbox: engine replies become rendered platform messages, sent after commit.

Each chat's messages go out one at a time in creation order; every send passes the
platform's token buckets. 429 waits as told, 5xx/network errors back off, 4xx fail.
Nothing pending is ever dropped by an outage: the periodic sweep resumes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatbot.channels import ratelimit
from chatbot.channels.clients import SendError, client_for
from chatbot.channels.models import Broadcast, OfferedChoices, OutboundMessage
from chatbot.channels.rendering import TelegramContext, render, telegram_adjust
from chatbot.channels.rules import outbound_backoff
from chatbot.conversation.types import Reply

logger = logging.getLogger(__name__)


def replies_enqueue(
    *,
    channel: str,
    chat_id: str,
    replies: Iterable[Reply],
    key: str,
    broadcast: Broadcast | None = None,
    send_after: dt.datetime | None = None,
    telegram: TelegramContext | None = None,
) -> list[OutboundMessage]:
    """Queue replies to one chat. Idempotent on `key`: a retry queues nothing new.

    The first platform message is keyed `key`, any further ones `key#2`, `key#3`, …
    (rendering is deterministic, so a retry produces the same keys). `telegram`:
    the topic, keyboard and member the answer to one Telegram update is for."""
    payloads = [p for reply in replies for p in render(channel, reply)]
    if telegram is not None and channel == "telegram":
        payloads = telegram_adjust(payloads, telegram)
    if not payloads:
        return []
    now = timezone.now()
    keys = [key if i == 0 else f"{key}#{i + 1}" for i in range(len(payloads))]
    with transaction.atomic():
        OutboundMessage.objects.bulk_create(
            [
                OutboundMessage(
                    channel=channel,
                    chat_id=chat_id,
                    key=k,
                    payload=p,
                    broadcast=broadcast,
                    created_at=now,
                    send_after=send_after or now,
                )
                for k, p in zip(keys, payloads, strict=True)
            ],
            ignore_conflicts=True,
        )
        rows = list(OutboundMessage.objects.filter(key__in=keys).order_by("id"))
    pending = [r for r in rows if r.status == OutboundMessage.Status.PENDING]
    if pending:
        first = pending[0].pk
        delay = max((pending[0].send_after - now).total_seconds(), 0.0)
        transaction.on_commit(lambda: enqueue_delivery(first, countdown=delay))
    return rows


def enqueue_delivery(message_id: int, countdown: float = 0.0) -> None:
    from chatbot.channels.tasks import deliver_outbound

    try:
        # No publish retries: a broker outage must not stall the caller.
        deliver_outbound.apply_async(
            (message_id,), countdown=countdown if countdown > 0 else None, retry=False
        )
    except Exception:  # broker down: the periodic sweep delivers it
        logger.warning(
            "could not enqueue outbound %s; the sweep will send it", message_id
        )


def _head(channel: str, chat_id: str) -> int | None:
    return (
        OutboundMessage.objects.filter(
            channel=channel, chat_id=chat_id, status=OutboundMessage.Status.PENDING
        )
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )


def _send_head(message_id: int) -> float | None:
    """Send one message if it is due. Returns 0 (go on with the chat), a wait in
    seconds, or None (another worker holds it, or it is no longer pending)."""
    try:
        return _send_head_locked(message_id)
    except Exception as exc:
        # Not a platform error (those are SendError): a bug, or an answer we could
        # not read after the request went out. Rolled back, the row would stay
        # pending with no attempt counted and be resent forever, holding every
        # later message of its chat; count it and give up after a few.
        return _unexpected_error_record(message_id, exc)


def _unexpected_error_record(message_id: int, exc: Exception) -> float | None:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = (
        f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        if tb is not None
        else "?"
    )
    now = timezone.now()
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboundMessage.Status.PENDING)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        # The type and place only: an exception's text may quote the message.
        row.last_error = f"unexpected {type(exc).__name__} at {where}"[:200]
        delay = outbound_backoff(row.attempts)
        if row.attempts >= settings.CHATBOT_OUTBOX_MAX_ATTEMPTS:
            row.status = OutboundMessage.Status.FAILED
            delay = 0.0
        row.send_after = now + dt.timedelta(seconds=delay)
        row.save(update_fields=["attempts", "last_error", "status", "send_after"])
    logger.error(
        "outbound %s: unexpected %s at %s (attempt %s, %s)",
        row.pk,
        type(exc).__name__,
        where,
        row.attempts,
        row.status,
    )
    return delay


def _send_head_locked(message_id: int) -> float | None:
    now = timezone.now()
    with transaction.atomic():
        qs = OutboundMessage.objects.filter(
            pk=message_id, status=OutboundMessage.Status.PENDING
        )
        if settings.IS_POSTGRES:
            qs = qs.select_for_update(skip_locked=True)
        row = qs.first()
        if row is None:
            return None
        if row.send_after > now:
            return (row.send_after - now).total_seconds()
        age = (now - row.created_at).total_seconds()
        if age > settings.CHATBOT_OUTBOX_MAX_AGE_SECONDS:
            row.status = OutboundMessage.Status.FAILED
            row.last_error = "expired: " + row.last_error[:180]
            row.save(update_fields=["status", "last_error"])
            return 0.0
        wait = ratelimit.acquire(ratelimit.limits_for(row.channel, row.chat_id))
        if wait > 0:
            return wait
        row.attempts += 1
        try:
            sent_id = client_for(row.channel).send(row.chat_id, row.payload)
        except SendError as exc:
            row.last_error = str(exc)[:200]
            if exc.kind == "permanent":
                row.status = OutboundMessage.Status.FAILED
                delay = 0.0
            elif exc.kind == "retry_after":
                delay = exc.retry_after or outbound_backoff(row.attempts)
            else:
                delay = outbound_backoff(row.attempts)
            row.send_after = now + dt.timedelta(seconds=delay)
            row.save(update_fields=["attempts", "last_error", "status", "send_after"])
            logger.info("outbound %s not sent (%s)", row.pk, exc.kind)
            return delay
        row.platform_message_id = str(sent_id)[:128]
        if row.payload.get("_numbered") and row.platform_message_id:
            offered_choices_record(
                channel=row.channel,
                chat_id=row.chat_id,
                platform_message_id=row.platform_message_id,
                choices=row.payload["_numbered"],
            )
        row.status = OutboundMessage.Status.SENT
        row.sent_at = now
        row.last_error = ""
        row.save(
            update_fields=[
                "attempts",
                "status",
                "sent_at",
                "last_error",
                "platform_message_id",
            ]
        )
    return 0.0


def offered_choices_record(
    *, channel: str, chat_id: str, platform_message_id: str, choices: list[str]
) -> None:
    """Remember a sent message's numbered choices under its platform id, keeping
    only the chat's last `OfferedChoices.KEPT_PER_CHAT`."""
    OfferedChoices.objects.update_or_create(
        channel=channel,
        chat_id=chat_id,
        platform_message_id=platform_message_id,
        defaults={"choices": list(choices)},
    )
    kept = OfferedChoices.objects.filter(channel=channel, chat_id=chat_id).order_by(
        "-id"
    )[: OfferedChoices.KEPT_PER_CHAT]
    OfferedChoices.objects.filter(channel=channel, chat_id=chat_id).exclude(
        pk__in=list(kept.values_list("pk", flat=True))
    ).delete()


def chat_outbound_deliver(*, message_id: int, max_messages: int = 50) -> float | None:
    """Deliver the pending messages of `message_id`'s chat in order.

    Returns None when the chat is drained (or another worker is on it), else the seconds
    after which the caller should try again."""
    ref = (
        OutboundMessage.objects.filter(pk=message_id)
        .values_list("channel", "chat_id")
        .first()
    )
    if ref is None:
        return None
    for _ in range(max_messages):
        head = _head(*ref)
        if head is None:
            return None
        result = _send_head(head)
        if result is None:
            return None
        if result > 0:
            return result
    return 0.0


def outbound_due_ids(limit: int = 500) -> list[int]:
    """The head message of each chat with something due (for the sweep)."""
    rows = (
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.PENDING, send_after__lte=timezone.now()
        )
        .order_by("id")
        .values_list("pk", "channel", "chat_id")[: limit * 4]
    )
    seen: dict[tuple[str, str], int] = {}
    for pk, channel, chat_id in rows:
        seen.setdefault((channel, chat_id), pk)
    return list(seen.values())[:limit]


def outbound_retry(*, message_ids: Iterable[int]) -> int:
    """Admin "retry failed": failed messages go back to the queue."""
    now = timezone.now()
    ids = list(
        OutboundMessage.objects.filter(
            pk__in=list(message_ids), status=OutboundMessage.Status.FAILED
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        OutboundMessage.objects.filter(pk__in=ids).update(
            status=OutboundMessage.Status.PENDING,
            attempts=0,
            send_after=now,
            created_at=now,
            last_error="",
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue_delivery(pk))
    return len(ids)
