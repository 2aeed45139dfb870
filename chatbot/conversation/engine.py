"""The channel-agnostic dialogue engine: one inbound message in, replies out.

`handle()` is synchronous and runs everything in one database transaction: the
chat's state, links, handoff messages and any record a flow writes commit together,
and side effects (cache refresh, outbox sends, websocket pushes) are registered
on commit. A message that fails leaves no trace, so the caller may retry it.
Callers serialise messages of one chat.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.db import transaction
from django.utils import translation

from chatbot import richtext
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
from chatbot.conversation.flows.base import Ctx, choice, faq_choice
from chatbot.conversation.selectors import linked_user
from chatbot.conversation.services import (
    session_get,
    session_save,
    subscriptions_language_set,
    subscriptions_opt_out,
)
from chatbot.conversation.types import Inbound, Reply
from chatbot.index import snapshot_get
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

MENU_WORDS = {"menu", "start", "help", "bantuan", "mulai", "halo", "hai", "hi"}
LANGUAGE_WORDS = {"bahasa", "language", "lang"}
CANCEL_WORDS = {"batal", "cancel", "kembali", "back"}
STOP_WORDS = {"berhenti", "stop", "unsubscribe"}
UNLINK_WORDS = {"putuskan", "unlink"}
LINK_WORDS = {"link", "hubungkan"}
LINK_COMMAND = re.compile(r"^/?(?:link|hubungkan)\s+(\d{6})$")


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
    )


def _user(inbound: Inbound) -> User | None:
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


def _command(text: str) -> str:
    return " ".join(text.lower().split()).lstrip("/")


def _dispatch(ctx: Ctx, *, first_contact: bool, expired: bool) -> None:
    inbound, session = ctx.inbound, ctx.session
    command = _command(ctx.text)

    if session.flow == "handoff" and handoff.is_open(ctx):
        handoff.step(ctx)
        return

    # Commands and menu choices work everywhere.
    if command in MENU_WORDS or ctx.choice == "menu":
        ctx.end()
        menu(ctx, welcome=first_contact or command == "start")
        return
    if command in LANGUAGE_WORDS or ctx.choice == "m:lang":
        _language_ask(ctx)
        return
    if ctx.choice.startswith("lang:"):
        _language_set(ctx, ctx.choice.removeprefix("lang:"))
        return
    if command in CANCEL_WORDS:
        ctx.end()
        ctx.say(ctx.t("cancelled"))
        menu(ctx)
        return
    if command in STOP_WORDS:
        _unsubscribe(ctx)
        return
    if command in UNLINK_WORDS or ctx.choice == "m:unlink":
        link.unlink(ctx)
        return
    match = LINK_COMMAND.match(command)
    if match:
        link.link(ctx, match.group(1))
        return
    if command in LINK_WORDS or ctx.choice == "m:link":
        link.start(ctx)
        return
    if ctx.choice.startswith("m:") and ctx.choice[2:] in MENU_FLOWS:
        ctx.end()
        FLOWS[ctx.choice[2:]].start(ctx)
        return
    if ctx.choice.startswith("faq:"):
        # A FAQ entry offered anywhere (suggestions, related questions, beside a
        # possibly related claim) answers and ends the flow it was offered in.
        ctx.end()
        _faq(ctx, ctx.choice.removeprefix("faq:"))
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
    if ctx.text:
        _free_text(ctx)
        return
    menu(ctx, welcome=first_contact)


def menu(ctx: Ctx, *, welcome: bool = False) -> None:
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


def _faq(ctx: Ctx, raw_id: str) -> None:
    entry = snapshot_get().faq.get(int(raw_id)) if raw_id.isdigit() else None
    if entry is None:
        ctx.say(ctx.t("faq_unknown"), [ctx.menu_choice()])
        return
    ctx.say(entry.answer, [ctx.menu_choice()])


def _free_text(ctx: Ctx) -> None:
    """FAQ answer, top-3 suggestions as choices, or a hoax verdict for a forward."""
    if ctx.inbound.forwarded:
        hoax.check(ctx, ctx.text, offer_report=True)
        return
    from chatbot.services import message_answer

    result = message_answer(
        text=ctx.text, language=ctx.lang, user=ctx.user, channel=ctx.inbound.channel
    )
    if result.kind == "faq_suggestions":
        ctx.say(
            result.reply,
            [faq_choice(s) for s in result.suggestions[:3]] + [ctx.menu_choice()],
        )
        return
    if result.kind in ("hoax", "hoax_possible"):
        hoax.check(ctx, ctx.text, offer_report=False, result=result)
        return
    if result.kind == "fallback":
        ctx.say(
            result.reply,
            [choice("m:handoff", ctx.t("m_handoff")), ctx.menu_choice()],
        )
        return
    # An answer, with the other entries the question may be about under it.
    ctx.say(
        result.reply,
        [faq_choice(r) for r in result.related] + [ctx.menu_choice()],
        list_button=ctx.t("related_button"),
    )
