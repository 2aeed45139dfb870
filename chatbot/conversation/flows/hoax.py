"""Cek hoaks: the forwarded text gets the verdict with explanation and source; an
unknown claim can be reported to the curators."""

from __future__ import annotations

from chatbot import richtext
from chatbot import rules as chatbot_rules
from chatbot.conversation.flows.base import Ctx, choice, faq_choice
from chatbot.services import hoax_report_create, message_answer

FLOW = "hoax"
VERDICT_KINDS = ("hoax",)


def start(ctx: Ctx) -> None:
    ctx.goto(FLOW, "ask")
    ctx.say(ctx.t("hoax_ask"), [ctx.menu_choice()])


def step(ctx: Ctx) -> None:
    if ctx.choice == "h:report":
        report(ctx)
        return
    if ctx.text and ctx.session.step == "report" and not ctx.inbound.forwarded:
        # The report offer stays a button; a message typed after it is a new
        # question, not another forward (an outside tester's "berapa lama isolasi
        # mandiri?" got "not in our fact-check data, report?").
        from chatbot.conversation import answers

        ctx.end()
        answers.free_text(ctx)
        return
    if ctx.text:
        check(ctx, ctx.text, offer_report=True)
        return
    start(ctx)


def check(ctx: Ctx, text: str, *, offer_report: bool, result=None) -> None:
    """Answer a message; when it is not a known claim, offer to report it."""
    if result is None:
        result = message_answer(
            text=text, language=ctx.lang, user=ctx.user, channel=ctx.inbound.channel
        )
    if result.kind in VERDICT_KINDS:
        ctx.end()
        ctx.say(richtext.to_plain(result.reply), [ctx.menu_choice()])
        return
    if result.kind == "hoax_possible":
        ctx.say(richtext.to_plain(result.reply))
    elif result.kind == "faq" and offer_report:
        # A forwarded question the FAQ answers ("makan durian setelah vaksin
        # boleh?"): its answer first, then the offer to have the message checked.
        ctx.say(richtext.to_plain(result.reply))
    if offer_report or result.kind == "hoax_possible":
        ctx.goto(FLOW, "report", {"text": text[:4000]})
        # The FAQ's entries on the question, when it is one (a "faq:" choice works
        # in any flow).
        faq = [faq_choice(s) for s in result.suggestions[:3]]
        # Not "this message is not in our data" right after a claim it may be.
        offer = (
            "report_offer_possible"
            if result.kind == "hoax_possible"
            else "report_offer"
        )
        ctx.say(
            ctx.t(f"{offer}_or_faq" if faq else offer),
            [choice("h:report", ctx.t("report")), *faq, ctx.menu_choice()],
            list_button=ctx.t("options_button"),
        )
        return
    ctx.end()
    ctx.say(richtext.to_plain(result.reply), [ctx.menu_choice()])


def report(ctx: Ctx) -> None:
    text = ctx.session.data.get("text")
    if not text:
        ctx.say(ctx.t("hoax_nothing"))
        start(ctx)
        return
    result = hoax_report_create(
        text=text, user=ctx.user, language=ctx.lang, channel=ctx.inbound.channel
    )
    ctx.end()
    known = result.known
    claim = ""
    if known is not None:
        claim = known.claim_en if ctx.lang == "en" and known.claim_en else known.claim
    reply = chatbot_rules.reply_report(
        known_claim=claim or None,
        known_verdict=known.verdict if known else None,
        language=ctx.lang,
    )
    ctx.say(richtext.to_plain(reply), [ctx.menu_choice()])
