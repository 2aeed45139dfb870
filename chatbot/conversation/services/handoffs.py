"""Conversations handed to staff, and staff replies going back to the chat."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from chatbot.conversation.hooks import replies_send
from chatbot.conversation.models import Handoff, HandoffMessage
from chatbot.conversation.services.sessions import session_reset_flow
from chatbot.conversation.texts import t
from chatbot.conversation.types import Reply
from chatbot.error_codes import ChatbotErrorCode
from core.exceptions import ApplicationError, Conflict
from core.models import User

logger = logging.getLogger(__name__)

MAX_TEXT = 4000


def web_group(chat_id: str) -> str:
    return f"chatbot.web.{chat_id}"


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(
            "Pesan kosong.",
            code=ChatbotErrorCode.BLANK,
            fields={"text": "Tulis pesannya."},
        )
    if len(text) > MAX_TEXT:
        raise ApplicationError(
            f"Pesan terlalu panjang (maksimal {MAX_TEXT} karakter).",
            code=ChatbotErrorCode.TOO_LONG,
            fields={"text": f"Maksimal {MAX_TEXT} karakter."},
        )
    return text


def handoff_facility_for(user: User | None):
    """The puskesmas that answers a linked resident: the one monitoring their
    isolation, else the puskesmas of their home kecamatan. None (curators answer)
    for unlinked chats."""
    if user is None:
        return None
    from isolation.models import Isolation
    from isolation.services.requests import home_puskesmas

    isolation = (
        Isolation.objects.filter(patient=user, status=Isolation.Status.ACTIVE)
        .select_related("facility")
        .first()
    )
    if isolation is not None:
        return isolation.facility
    return home_puskesmas(user)


@transaction.atomic
def handoff_open(
    *, channel: str, chat_id: str, user: User | None, language: str
) -> Handoff:
    """The chat's open handoff, or a new one (one open per chat, by constraint)."""
    existing = Handoff.objects.filter(
        channel=channel, chat_id=chat_id, status=Handoff.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Handoff.objects.create(
                channel=channel,
                chat_id=chat_id,
                user=user,
                language=language,
                facility=handoff_facility_for(user),
            )
    except IntegrityError:
        return Handoff.objects.get(
            channel=channel, chat_id=chat_id, status=Handoff.Status.OPEN
        )


@transaction.atomic
def handoff_message_in(*, handoff: Handoff, text: str) -> HandoffMessage:
    now = timezone.now()
    message = HandoffMessage.objects.create(
        handoff=handoff, direction=HandoffMessage.Direction.IN, text=_clean(text)
    )
    Handoff.objects.filter(pk=handoff.pk).update(last_message_at=now)
    return message


def _deliver(handoff: Handoff, reply: Reply, key: str) -> None:
    """Send one reply to the chat: the channels outbox (stored in this transaction,
    sent after commit) or the web chat's websocket group after commit."""
    if handoff.channel == "web":
        group = web_group(handoff.chat_id)
        frame = {
            "type": "chat.reply",
            "text": reply.text,
            "choices": [
                {"id": c.id, "title": c.title, "description": c.description}
                for c in reply.choices
            ],
            "request_location": reply.request_location,
        }

        def send() -> None:
            from asgiref.sync import async_to_sync
            from channels.layers import get_channel_layer

            layer = get_channel_layer()
            if layer is None:
                return
            try:
                async_to_sync(layer.group_send)(group, frame)
            except Exception:  # stored; the staff reply stays in the handoff
                logger.warning("web chat delivery failed", exc_info=True)

        transaction.on_commit(send)
        return
    replies_send(
        channel=handoff.channel, chat_id=handoff.chat_id, replies=[reply], key=key
    )


def _locked_open(handoff_id: int) -> Handoff:
    handoff = Handoff.objects.select_for_update().filter(pk=handoff_id).first()
    if handoff is None:
        raise ApplicationError(
            "Percakapan tidak ditemukan.",
            code=ChatbotErrorCode.HANDOFF_NOT_FOUND,
            status=404,
        )
    if handoff.status != Handoff.Status.OPEN:
        raise Conflict(
            "Percakapan ini sudah selesai.", code=ChatbotErrorCode.HANDOFF_CLOSED
        )
    return handoff


@transaction.atomic
def handoff_reply(*, actor: User, handoff_id: int, text: str) -> HandoffMessage:
    text = _clean(text)
    handoff = _locked_open(handoff_id)
    now = timezone.now()
    message = HandoffMessage.objects.create(
        handoff=handoff,
        direction=HandoffMessage.Direction.OUT,
        text=text,
        author=actor,
        created_at=now,
    )
    handoff.last_message_at = now
    handoff.save(update_fields=["last_message_at"])
    reply = Reply(text=t("handoff_reply", handoff.language, text=text))
    _deliver(handoff, reply, key=f"handoff-{message.pk}")
    return message


def _close(handoff: Handoff, *, by: User | None) -> None:
    handoff.status = Handoff.Status.CLOSED
    handoff.closed_at = timezone.now()
    handoff.closed_by = by
    handoff.save(update_fields=["status", "closed_at", "closed_by"])


@transaction.atomic
def handoff_close(*, actor: User, handoff_id: int) -> Handoff:
    """Staff end the conversation: the chat is told and goes back to the bot."""
    handoff = _locked_open(handoff_id)
    _close(handoff, by=actor)
    session_reset_flow(channel=handoff.channel, chat_id=handoff.chat_id)
    _deliver(
        handoff,
        Reply(text=t("handoff_closed", handoff.language)),
        key=f"handoff-close-{handoff.pk}",
    )
    return handoff


@transaction.atomic
def handoff_close_by_chat(*, channel: str, chat_id: str) -> bool:
    handoff = (
        Handoff.objects.select_for_update()
        .filter(channel=channel, chat_id=chat_id, status=Handoff.Status.OPEN)
        .first()
    )
    if handoff is None:
        return False
    _close(handoff, by=None)
    return True
