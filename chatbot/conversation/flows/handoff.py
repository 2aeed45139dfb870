"""Bicara dengan petugas: while a handoff is open every message goes to the staff
inbox; "selesai" ends it (staff can end it too)."""

from __future__ import annotations

from chatbot.conversation.flows.base import Ctx
from chatbot.conversation.selectors import open_handoff_for_chat
from chatbot.conversation.services import (
    handoff_close_by_chat,
    handoff_message_in,
    handoff_open,
)

FLOW = "handoff"
END_WORDS = {"selesai", "/selesai", "done", "/done", "end", "/end"}


def start(ctx: Ctx) -> None:
    handoff = handoff_open(
        channel=ctx.inbound.channel,
        chat_id=ctx.inbound.chat_id,
        user=ctx.user,
        language=ctx.lang,
    )
    ctx.goto(FLOW, "open", {"handoff": handoff.pk})
    ctx.say(ctx.t("handoff_open"))


def is_open(ctx: Ctx) -> bool:
    """False (and the flow dropped) when staff closed it meanwhile."""
    handoff = open_handoff_for_chat(
        channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id
    )
    if handoff is None:
        ctx.end()
        return False
    return True


def step(ctx: Ctx) -> None:
    if ctx.text.lower() in END_WORDS:
        handoff_close_by_chat(channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id)
        ctx.end()
        ctx.say(ctx.t("handoff_closed"), [ctx.menu_choice()])
        return
    handoff = open_handoff_for_chat(
        channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id
    )
    text = ctx.text
    if not text and ctx.inbound.location is not None:
        text = "📍 {:.5f}, {:.5f}".format(*ctx.inbound.location)
    if not text and ctx.choice:
        text = f"[{ctx.choice}]"
    if not text:
        return
    handoff_message_in(handoff=handoff, text=text)
    ctx.say(ctx.t("handoff_received"))
