"""Webhook intake: store each delivery once, acknowledge, process after commit.

The caller has already checked the platform's secret or signature; nothing reaches
these functions (and so the database) before that.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from chatbot.channels.models import Channel, InboundUpdate, OutboundMessage
from chatbot.channels.parsing import (
    UnreadableUpdate,
    telegram_chat_id,
    telegram_update_check,
    whatsapp_messages,
)
from chatbot.channels.rules import platform_status_advances
from chatbot.error_codes import ChatbotErrorCode
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


def _insert_once(*, channel: str, external_id: str, chat_id: str, payload: dict):
    """INSERT … ON CONFLICT DO NOTHING: a concurrent duplicate is a no-op, not an
    IntegrityError. Returns the new row's id, or None for a delivery seen before."""
    meta = InboundUpdate._meta
    table = connection.ops.quote_name(meta.db_table)
    payload_value = meta.get_field("payload").get_db_prep_save(payload, connection)
    received_at = meta.get_field("received_at").get_db_prep_value(
        timezone.now(), connection
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (channel, external_id, chat_id, payload, status, "
            "attempts, last_error, received_at) "
            "VALUES (%s, %s, %s, %s, %s, 0, '', %s) "
            "ON CONFLICT (channel, external_id) DO NOTHING RETURNING id",
            [
                channel,
                external_id[:128],
                chat_id[:64],
                payload_value,
                InboundUpdate.Status.PENDING,
                received_at,
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def enqueue_processing(update_id: int) -> None:
    from chatbot.channels.tasks import process_update

    try:
        # No publish retries: with the broker down the webhook must still answer fast.
        process_update.apply_async((update_id,), retry=False)
    except Exception:  # broker down: the periodic sweep processes it
        logger.warning(
            "could not enqueue inbound %s; the sweep will process it", update_id
        )


def _after_commit(ids: list[int]) -> None:
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue_processing(pk))


@transaction.atomic
def telegram_update_store(*, payload: dict) -> int | None:
    """Store one Telegram update (webhook or getUpdates). None when seen before."""
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise ApplicationError(
            "Update Telegram tidak valid: update_id wajib. / Invalid update.",
            code=ChatbotErrorCode.INVALID_UPDATE,
            fields={"update_id": "Wajib berupa bilangan bulat."},
        )
    try:
        telegram_update_check(payload)
    except UnreadableUpdate as exc:
        # Rejected here, it never reaches the chat's queue; kinds the bot ignores
        # still pass. The reason names the field, never its content.
        raise ApplicationError(
            "Update Telegram tidak valid. / Invalid update.",
            code=ChatbotErrorCode.INVALID_UPDATE,
            fields={"update": str(exc)},
        ) from None
    pk = _insert_once(
        channel=Channel.TELEGRAM,
        external_id=str(update_id),
        chat_id=telegram_chat_id(payload),
        payload=payload,
    )
    if pk is not None:
        _after_commit([pk])
    return pk


@transaction.atomic
def whatsapp_delivery_store(*, body: dict) -> dict:
    """Store every message of a WhatsApp webhook delivery; record status callbacks.

    A body that is not a delivery at all (another `object`, an `entry` that is not a
    list) is refused with 400; a malformed item inside one is skipped and the rest
    kept (see `whatsapp_messages`), as are changes for another business number."""
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise ApplicationError(
            "Payload WhatsApp tidak valid. / Invalid WhatsApp payload.",
            code=ChatbotErrorCode.INVALID_UPDATE,
            fields={"object": "Harus 'whatsapp_business_account'."},
        )
    if not isinstance(body.get("entry"), list):
        raise ApplicationError(
            "Payload WhatsApp tidak valid. / Invalid WhatsApp payload.",
            code=ChatbotErrorCode.INVALID_UPDATE,
            fields={"entry": "Harus berupa daftar."},
        )
    messages, statuses = whatsapp_messages(
        body, phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID or ""
    )
    created = []
    for message in messages:
        pk = _insert_once(
            channel=Channel.WHATSAPP,
            external_id=message.external_id,
            chat_id=message.chat_id,
            payload=message.payload,
        )
        if pk is not None:
            created.append(pk)
    _after_commit(created)
    recorded = whatsapp_statuses_record(statuses=statuses)
    return {"messages": len(created), "statuses": recorded}


def whatsapp_statuses_record(*, statuses: list[dict]) -> int:
    """sent / delivered / read / failed callbacks, recorded on the outbound row."""
    recorded = 0
    for status in statuses:
        new = str(status.get("status") or "")
        message_id = str(status.get("id") or "")
        if not message_id:
            continue
        rows = OutboundMessage.objects.select_for_update().filter(
            channel=Channel.WHATSAPP, platform_message_id=message_id
        )
        for row in rows:
            if not platform_status_advances(row.platform_status, new):
                continue
            row.platform_status = new
            fields = ["platform_status"]
            if new == "failed":
                errors = status.get("errors")
                first = errors[0] if isinstance(errors, list) and errors else {}
                first = first if isinstance(first, dict) else {}
                row.last_error = (
                    f"whatsapp failed: code {first.get('code')} "
                    f"{first.get('title', '')}"
                )[:200]
                fields.append("last_error")
            row.save(update_fields=fields)
            recorded += 1
    return recorded
