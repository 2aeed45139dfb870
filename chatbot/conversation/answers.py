"""Free text outside a flow: a FAQ answer, the top suggestions (tap one, or reply
with its number), a hoax verdict for a forward. In a group chat the same answers,
with nothing remembered and nothing personal offered."""

from __future__ import annotations

import time

from django.conf import settings

from chatbot import rules as chatbot_rules
from chatbot.conversation.flows import hoax, hospitals
from chatbot.conversation.flows.base import Ctx, choice, faq_choice
from chatbot.index import snapshot_get
from chatbot.matching.emergency import reports_emergency
from chatbot.matching.intents import asks_for_beds

# The suggestions last offered in a private chat (FAQ ids), for a reply by number.
OFFERED = "offered"
SUGGESTIONS_SHOWN = 3


def offered_take(ctx: Ctx) -> list[int] | None:
    """The suggestions offered by the previous message, taken out of the state (they
    answer the next message only); [] when they are too old, None when there were
    none."""
    session = ctx.session
    if session.flow or OFFERED not in session.data:
        return None
    offered = session.data.pop(OFFERED) or []
    idle = settings.CHATBOT_CONVERSATION_IDLE_MINUTES * 60
    return offered if time.time() - session.updated_at < idle else []


def faq(ctx: Ctx, raw_id: str) -> None:
    entry = snapshot_get().faq.get(int(raw_id)) if raw_id.isdigit() else None
    if entry is None:
        ctx.say(ctx.t("faq_unknown"), [ctx.menu_choice()])
        return
    ctx.say(entry.answer, [ctx.menu_choice()])


def pick(ctx: Ctx, number: int, offered: list[int] | None) -> None:
    """A bare number replying to "Balas dengan nomor pertanyaan …"."""
    if not ctx.inbound.private:
        ctx.say(ctx.t("group_pick_tap"))
        return
    if offered and 1 <= number <= len(offered):
        faq(ctx, str(offered[number - 1]))
        return
    if offered:
        ctx.session.data[OFFERED] = offered  # still open: ask again
        ctx.say(ctx.t("pick_range", count=len(offered)))
        return
    ctx.say(ctx.t("pick_none"), [ctx.menu_choice()])


def pick_quoted(
    ctx: Ctx, number: int, quoted: tuple[str, ...], offered: list[int] | None
) -> None:
    """A number replying to (quoting) one of the bot's suggestion lists: that list's
    entry, even when a newer list was sent since."""
    if 1 <= number <= len(quoted):
        ctx.end()
        choice_id = quoted[number - 1]
        faq(ctx, choice_id.removeprefix("faq:"))
        return
    if offered:
        ctx.session.data[OFFERED] = offered  # the newest list stays open
    ctx.say(ctx.t("pick_range", count=len(quoted)))


def free_text(ctx: Ctx) -> None:
    """FAQ answer, top-3 suggestions as choices, or a hoax verdict for a forward."""
    private = ctx.inbound.private
    if ctx.inbound.forwarded and private:
        hoax.check(ctx, ctx.text, offer_report=True)
        return
    if private and _wants_hospital(ctx):
        return
    from chatbot.services import message_answer

    result = message_answer(
        text=ctx.text, language=ctx.lang, user=ctx.user, channel=ctx.inbound.channel
    )
    if result.kind in ("hoax", "hoax_possible"):
        if private:
            hoax.check(ctx, ctx.text, offer_report=False, result=result)
        else:  # a verdict, and no report to follow up on in a shared chat
            ctx.say(
                result.reply,
                [faq_choice(s) for s in result.suggestions[:SUGGESTIONS_SHOWN]],
            )
        return
    if result.kind == "faq_suggestions":
        shown = result.suggestions[:SUGGESTIONS_SHOWN]
        reply = result.reply
        numbered = 0
        if private:
            ctx.session.data[OFFERED] = [s.id for s in shown]
            numbered = len(shown)
        else:  # a number picks nothing in a group (a tester was told to send one)
            reply = chatbot_rules.suggestions_to_tap(reply)
        ctx.say(
            reply,
            [faq_choice(s) for s in shown] + [ctx.menu_choice()],
            numbered=numbered,
        )
        return
    if result.kind == "fallback":
        staff = [choice("m:handoff", ctx.t("m_handoff"))] if private else []
        ctx.say(result.reply, [*staff, ctx.menu_choice()])
        return
    # An answer, with the other entries the question may be about under it.
    ctx.say(
        result.reply,
        [faq_choice(r) for r in result.related] + [ctx.menu_choice()],
        list_button=ctx.t("related_button"),
    )


def _wants_hospital(ctx: Ctx) -> bool:
    """A message asking for the nearest hospital or free beds ("rumah sakit
    terdekat", "ICU beds") starts *Cari rumah sakit*; when it also reports a danger
    sign, 119 comes first."""
    analysis = snapshot_get().engine.normaliser.analyse(ctx.text)
    if not asks_for_beds(analysis):
        return False
    if reports_emergency(analysis):
        ctx.say(chatbot_rules.EMERGENCY_LINE[ctx.lang])
    hospitals.start(ctx)
    return True
