"""The channel-agnostic dialogue engine: one inbound message in, replies out.

`handle()` is synchronous and runs everything in one database transaction: the
chat's state, links, handoff messages and any record a flow writes commit together,
and side effects (cache refresh, outbox sends, websocket pushes) are registered
on commit. A message that fails leaves no trace, so the caller may retry it.
Callers serialise messages of one chat.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import translation

from chatbot import richtext
from chatbot.conversation import answers, group
from chatbot.conversation.flows import (
    consult,
    handoff,
    hoax,
    hospitals,
    isolation,
    link,
    psc,
    selfcheck,
    zone,
)
from chatbot.conversation.flows.base import Ctx, choice
from chatbot.conversation.rules import (
    CANCEL_WORDS,
    KNOWN_COMMANDS,
    LANGUAGE_WORDS,
    LINK_WORDS,
    MENU_WORDS,
    STOP_WORDS,
    UNLINK_WORDS,
    command_parse,
    label_choice,
    label_key,
    link_code_in,
    number_pick,
    subscribe_request,
)
from chatbot.conversation.selectors import linked_user
from chatbot.conversation.services import (
    session_get,
    session_save,
    subscriptions_language_set,
    subscriptions_opt_out,
)
from chatbot.conversation.texts import t
from chatbot.conversation.types import Inbound, Reply
from core.exceptions import ApplicationError
from core.models import User

logger = logging.getLogger(__name__)

FLOWS = {
    "selfcheck": selfcheck,
    "zone": zone,
    "isolation": isolation,
    "consult": consult,
    "hoax": hoax,
    "handoff": handoff,
    "link": link,
    "hospitals": hospitals,
    "psc": psc,
}
MENU_FLOWS = (
    "selfcheck",
    "zone",
    "hospitals",
    "psc",
    "isolation",
    "consult",
    "hoax",
    "handoff",
)

# The main menu's buttons by their text key: a label typed (or pasted) as a message,
# in either language, does what tapping the button does.
MENU_LABELS = {
    "m:selfcheck": "m_selfcheck",
    "m:zone": "m_zone",
    "m:hospitals": "m_hospitals",
    "m:psc": "m_psc",
    "m:isolation": "m_isolation",
    "m:consult": "m_consult",
    "m:hoax": "m_hoax",
    "m:handoff": "m_handoff",
    "m:link": "m_link",
    "m:unlink": "m_unlink",
    "m:lang": "m_language",
    "menu": "back_menu",
}


@functools.cache
def _typed_labels() -> dict[str, str]:
    return {
        label_key(t(key, lang)): choice_id
        for choice_id, key in MENU_LABELS.items()
        for lang in ("id", "en")
    }


def handle(inbound: Inbound) -> list[Reply]:
    """Answer one message of one chat."""
    with transaction.atomic():
        session = session_get(channel=inbound.channel, chat_id=inbound.chat_id)
        ctx = Ctx(inbound=inbound, session=session, user=_user(inbound))
        first_contact = not session.updated_at
        _language_resolve(ctx)
        with translation.override(ctx.lang):
            expired = _expire(ctx)
            try:
                _dispatch(ctx, first_contact=first_contact, expired=expired)
            except ApplicationError as exc:
                # A service refused (consent, a taken slot, a closed isolation...):
                # tell the person, keep the flow where it was.
                ctx.say(ctx.t("error", message=exc.message), [ctx.menu_choice()])
        session_save(session)
    return [_plain(reply) for reply in ctx.replies]


def _plain(reply: Reply) -> Reply:
    # Texts carry the answers' light markup; the contract is plain text.
    return Reply(
        text=richtext.to_plain(reply.text),
        choices=reply.choices,
        request_location=reply.request_location,
        list_button=reply.list_button,
        numbered=reply.numbered,
    )


def _user(inbound: Inbound) -> User | None:
    if not inbound.private:
        return None  # a group chat is never anyone's account
    if inbound.channel == "web":
        if inbound.user_id is None:
            return None
        return (
            User.objects.select_related("profile")
            .filter(pk=inbound.user_id, is_active=True)
            .first()
        )
    return linked_user(channel=inbound.channel, chat_id=inbound.chat_id)


def _normalise_language(value: str | None) -> str:
    return "en" if (value or "").lower().startswith("en") else "id"


def _language_resolve(ctx: Ctx) -> None:
    """Chosen once per chat and remembered; a linked account's language wins for a
    chat that never chose."""
    if ctx.session.language:
        return
    if ctx.user is not None and ctx.user.language:
        ctx.session.language = _normalise_language(ctx.user.language)
    else:
        ctx.session.language = _normalise_language(ctx.inbound.language_hint)


def _expire(ctx: Ctx) -> bool:
    session = ctx.session
    if not session.flow or session.flow == "handoff" or not session.updated_at:
        return False
    idle = settings.CHATBOT_CONVERSATION_IDLE_MINUTES
    if time.time() - session.updated_at < idle * 60:
        return False
    session.reset()
    ctx.say(ctx.t("expired", minutes=idle))
    return True


def admin_request(inbound: Inbound) -> bool:
    """Whether a message asks to see or change the chat's language or to stop its
    area announcements: a group's own settings (in a group the adapter then asks the
    platform whether its sender is an admin)."""
    choice_id = (inbound.choice or "").strip()
    text = (inbound.text or "").strip()
    if not choice_id and text and not inbound.forwarded:
        choice_id = label_choice(text, _typed_labels()) or ""
    return (
        choice_id == "m:lang"
        or choice_id.startswith("lang:")
        or (not choice_id and command_parse(text).word in LANGUAGE_WORDS | STOP_WORDS)
    )


def _label_as_choice(ctx: Ctx) -> None:
    """A main-menu button's label typed as a whole message becomes that button's
    choice (a forward is a message to check, never a command)."""
    inbound = ctx.inbound
    if inbound.choice or inbound.forwarded or not ctx.text:
        return
    choice_id = label_choice(ctx.text, _typed_labels())
    if choice_id is not None:
        ctx.inbound = dataclasses.replace(inbound, text=None, choice=choice_id)


def _dispatch(ctx: Ctx, *, first_contact: bool, expired: bool) -> None:
    if not ctx.inbound.private:
        _label_as_choice(ctx)
        _group_dispatch(ctx)
        return
    inbound, session = ctx.inbound, ctx.session
    if inbound.unsupported:
        # Whatever flow is on waits for an answer it can read.
        ctx.say(ctx.t("unsupported"))
        return
    if session.flow == "handoff" and handoff.is_open(ctx):
        handoff.step(ctx)
        return
    _label_as_choice(ctx)
    inbound = ctx.inbound
    command = command_parse(ctx.text)
    word = command.word
    offered = answers.offered_take(ctx)

    number = number_pick(ctx.text)
    if number is not None and inbound.quoted_choices is not None:
        # A reply quoting one of the bot's suggestion lists picks from that list,
        # whichever was sent last and in whatever step the chat is.
        answers.pick_quoted(ctx, number, inbound.quoted_choices, offered)
        return

    # Commands and menu choices work everywhere.
    if word in MENU_WORDS or ctx.choice == "menu":
        ctx.end()
        menu(ctx, welcome=first_contact or word == "start")
        return
    if word in LANGUAGE_WORDS or ctx.choice == "m:lang":
        if command.arg in ("id", "en"):
            _language_set(ctx, command.arg)
        else:
            _language_ask(ctx)
        return
    if ctx.choice.startswith("lang:"):
        _language_set(ctx, ctx.choice.removeprefix("lang:"))
        return
    if word in CANCEL_WORDS:
        ctx.end()
        ctx.say(ctx.t("cancelled"))
        menu(ctx)
        return
    if word in STOP_WORDS:
        _unsubscribe(ctx)
        return
    place = subscribe_request(ctx.text) if not inbound.forwarded else None
    if place is not None:
        ctx.end()
        zone.subscribe_start(ctx, place)
        return
    if word in UNLINK_WORDS or ctx.choice == "m:unlink":
        link.unlink(ctx)
        return
    code = link_code_in(ctx.text)
    if code is not None:
        link.link(ctx, code)
        return
    if word in LINK_WORDS or ctx.choice == "m:link":
        link.start(ctx)
        return
    if command.slash and word not in KNOWN_COMMANDS:
        # Never a question for the FAQ (nor for the curators' inbox).
        ctx.say(ctx.t("unknown_command"), [ctx.menu_choice()])
        return
    if ctx.choice.startswith("m:") and ctx.choice[2:] in MENU_FLOWS:
        ctx.end()
        FLOWS[ctx.choice[2:]].start(ctx)
        return
    if ctx.choice.startswith("faq:"):
        # A FAQ entry offered anywhere (suggestions, related questions, beside a
        # possibly related claim) answers and ends the flow it was offered in.
        ctx.end()
        answers.faq(ctx, ctx.choice.removeprefix("faq:"))
        return

    if session.flow in FLOWS:
        FLOWS[session.flow].step(ctx)
        return
    if expired:
        menu(ctx)
        return
    if inbound.location is not None:
        zone.by_location(ctx)
        return
    if number is not None:
        answers.pick(ctx, number, offered)
        return
    if ctx.text:
        answers.free_text(ctx)
        return
    menu(ctx, welcome=first_contact)


def _group_dispatch(ctx: Ctx) -> None:
    command = command_parse(ctx.text)
    word = command.word
    # A group's language and its area announcements are the group's own; its
    # language is its admins' to choose.
    if (
        word in LANGUAGE_WORDS
        or ctx.choice == "m:lang"
        or ctx.choice.startswith("lang:")
    ):
        if not ctx.inbound.sender_admin:
            ctx.end()
            ctx.say(ctx.t("group_language_admins"))
        elif ctx.choice.startswith("lang:"):
            _language_set(ctx, ctx.choice.removeprefix("lang:"))
        else:
            _language_ask(ctx)
    elif word in STOP_WORDS:
        if ctx.inbound.sender_admin:
            _unsubscribe(ctx)
        else:
            ctx.end()
            ctx.say(ctx.t("group_stop_admins"))
    else:
        group.handle(ctx, command)


def menu(ctx: Ctx, *, welcome: bool = False) -> None:
    if not ctx.inbound.private:
        group.help(ctx)
        return
    name = (
        f" {ctx.inbound.display_name}" if welcome and ctx.inbound.display_name else ""
    )
    text = ctx.t("welcome", name=name[:40]) if welcome else ctx.t("menu")
    items = [
        choice("m:selfcheck", ctx.t("m_selfcheck")),
        choice("m:zone", ctx.t("m_zone")),
        choice("m:hospitals", ctx.t("m_hospitals")),
        choice("m:psc", ctx.t("m_psc")),
        choice("m:isolation", ctx.t("m_isolation")),
        choice("m:consult", ctx.t("m_consult")),
        choice("m:hoax", ctx.t("m_hoax")),
        choice("m:handoff", ctx.t("m_handoff")),
    ]
    if ctx.inbound.channel in ("telegram", "whatsapp"):
        items.append(
            choice("m:unlink", ctx.t("m_unlink"))
            if ctx.user is not None
            else choice("m:link", ctx.t("m_link"))
        )
    items.append(choice("m:lang", ctx.t("m_language")))
    ctx.say(text, items, list_button=ctx.t("menu_button"))


def _language_ask(ctx: Ctx) -> None:
    ctx.say(
        ctx.t("language_ask"),
        [choice("lang:id", "Bahasa Indonesia"), choice("lang:en", "English")],
    )


def _language_set(ctx: Ctx, value: str) -> None:
    if value not in ("id", "en"):
        _language_ask(ctx)
        return
    ctx.session.language = value
    if ctx.user is not None and ctx.user.language != value:
        ctx.user.language = value
        ctx.user.save(update_fields=["language"])
    subscriptions_language_set(
        channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id, language=value
    )
    with translation.override(value):
        ctx.say(ctx.t("language_set"))
        menu(ctx)


def _unsubscribe(ctx: Ctx) -> None:
    ctx.end()
    count = subscriptions_opt_out(
        channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id
    )
    key = "unsubscribed" if count else "unsubscribed_none"
    ctx.say(ctx.t(key, count=count), [ctx.menu_choice()])
