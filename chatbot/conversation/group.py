"""Group chats (Telegram groups and supergroups). Every member writes as the same
chat, so a flow's state or an account link would be shared by all of them: here
only stateless answers run (FAQ questions, hoax checks, a FAQ entry tapped) and
anything personal points to a private chat with the bot."""

from __future__ import annotations

from django.conf import settings

from chatbot.conversation import answers
from chatbot.conversation.flows.base import Ctx
from chatbot.conversation.rules import (
    CANCEL_WORDS,
    KNOWN_COMMANDS,
    LINK_WORDS,
    MENU_WORDS,
    UNLINK_WORDS,
    Command,
    link_code_in,
    number_pick,
)
from chatbot.conversation.services import link_code_discard


def _private_chat(ctx: Ctx) -> str:
    """Where the private chat is: ": https://t.me/<bot>" when the bot's username is
    configured."""
    username = settings.TELEGRAM_BOT_USERNAME.lstrip("@")
    if ctx.inbound.channel == "telegram" and username:
        return f": https://t.me/{username}"
    return ""


def help(ctx: Ctx) -> None:
    ctx.say(ctx.t("group_help", where=_private_chat(ctx)))


def private_only(ctx: Ctx) -> None:
    ctx.say(ctx.t("group_private_only", where=_private_chat(ctx)))


def handle(ctx: Ctx, command: Command) -> None:
    ctx.end()  # nothing of one member's message is kept for the next
    if ctx.inbound.unsupported:
        return  # members share photos and stickers with each other, not with us
    code = link_code_in(ctx.text)
    if code is not None:
        # Everyone in the group has read it: nobody may link with it any more.
        link_code_discard(code=code)
        ctx.say(ctx.t("group_code_discarded", where=_private_chat(ctx)))
        return
    if command.word in MENU_WORDS | CANCEL_WORDS or ctx.choice == "menu":
        help(ctx)
        return
    if ctx.choice.startswith("faq:"):
        answers.faq(ctx, ctx.choice.removeprefix("faq:"))
        return
    if command.slash and command.word not in KNOWN_COMMANDS:
        return  # another bot's command, or none at all: not ours to answer
    if (
        command.slash
        or command.word in LINK_WORDS | UNLINK_WORDS
        or ctx.choice
        or ctx.inbound.location is not None
    ):
        private_only(ctx)
        return
    number = number_pick(ctx.text)
    if number is not None:
        answers.pick(ctx, number, None)
        return
    if ctx.text:
        answers.free_text(ctx)
