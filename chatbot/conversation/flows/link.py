"""Linking a chat to a Sigap account with the one-time code from the app (never a
NIK or phone number typed into chat)."""

from __future__ import annotations

import re

from chatbot.conversation.flows.base import Ctx, choice
from chatbot.conversation.services import chat_link, chat_unlink
from chatbot.conversation.services.links import LINKABLE_CHANNELS
from core.exceptions import ApplicationError, RateLimited

FLOW = "link"
CODE = re.compile(r"^\d{6}$")


def start(ctx: Ctx) -> None:
    if ctx.inbound.channel not in LINKABLE_CHANNELS:
        ctx.end()
        ctx.say(ctx.t("link_web"), [ctx.menu_choice()])
        return
    ctx.goto(FLOW, "code")
    ctx.say(ctx.t("link_ask"), [ctx.menu_choice()])


def step(ctx: Ctx) -> None:
    code = ctx.text.replace(" ", "")
    if not CODE.match(code):
        ctx.say(ctx.t("link_ask"), [ctx.menu_choice()])
        return
    link(ctx, code)


def link(ctx: Ctx, code: str) -> None:
    if ctx.inbound.channel not in LINKABLE_CHANNELS:
        ctx.end()
        ctx.say(ctx.t("link_web"), [ctx.menu_choice()])
        return
    try:
        user = chat_link(
            channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id, code=code
        )
    except RateLimited as exc:
        ctx.end()
        ctx.say(ctx.t("link_locked", minutes=exc.fields.get("minutes", 15)))
        return
    except ApplicationError:
        ctx.end()
        ctx.say(
            ctx.t("link_bad"), [choice("m:link", ctx.t("m_link")), ctx.menu_choice()]
        )
        return
    ctx.user = user
    ctx.end()
    ctx.say(ctx.t("link_ok"), [ctx.menu_choice()])


def unlink(ctx: Ctx) -> None:
    ctx.end()
    removed = chat_unlink(channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id)
    ctx.user = None
    ctx.say(ctx.t("unlinked" if removed else "unlink_none"), [ctx.menu_choice()])
