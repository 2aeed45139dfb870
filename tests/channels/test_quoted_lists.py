"""WhatsApp: a reply that quotes one of the bot's suggestion lists (the webhook's
messages[].context.id is that message's wamid, from the send response's
messages[0].id) picks from that list, not from the newest one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chatbot.channels.models import OfferedChoices, OutboundMessage
from tests.channels.helpers import (
    WhatsAppChat,
    wa_list_reply,
    wa_text,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]

WA_ID = "6281234501301"
BUSINESS = "15550783881"  # the bot's number, as context.from shows it


@pytest.fixture
def faq_answers(db):
    """The suggestions of two questions and every entry's plain answer."""
    from chatbot import richtext
    from chatbot.demo import chatbot_demo_seed
    from chatbot.index import engine_get, snapshot_get, thresholds

    chatbot_demo_seed()
    suggested = {}
    for question in ("vaksin", "masker"):
        out = engine_get().answer(question, thresholds=thresholds())
        assert out.kind == "faq_suggestions" and len(out.suggestions) == 3
        suggested[question] = [h.entry_id for h in out.suggestions]
    assert not set(suggested["vaksin"][:2]) & set(suggested["masker"][:2])
    snapshot = snapshot_get()
    return suggested, {
        pk: richtext.to_plain(entry.answer) for pk, entry in snapshot.faq.items()
    }


def _sent_list(chat: WhatsAppChat) -> str:
    """The wamid the Graph API gave the list just received."""
    assert any(m["type"] == "interactive" for m in chat.last)
    row = OutboundMessage.objects.filter(chat_id=chat.wa_id).order_by("id").last()
    assert row.payload["type"] == "interactive" and row.platform_message_id
    return row.platform_message_id


def _quoting(chat, text, wamid):
    return chat._post(
        wa_text(text, wa_id=chat.wa_id, context={"from": BUSINESS, "id": wamid})
    )


def test_a_number_quoting_an_older_list_answers_from_it(graph_api, faq_answers):
    suggested, answers = faq_answers
    chat = WhatsAppChat(graph_api, wa_id=WA_ID)
    chat.send("vaksin")
    vaksin = _sent_list(chat)
    chat.send("masker")
    masker = _sent_list(chat)

    _quoting(chat, "2", vaksin)
    assert answers[suggested["vaksin"][1]] in chat.text
    assert answers[suggested["masker"][1]] not in chat.text
    # The newest list is no longer open, the quoted ones still are.
    _quoting(chat, "nomor 1", masker)
    assert answers[suggested["masker"][0]] in chat.text
    _quoting(chat, "5", vaksin)
    assert "nomor 1–3" in chat.text
    # A tap on a row of the older list answers that row.
    chat._post(
        wa_list_reply(
            f"faq:{suggested['vaksin'][2]}",
            wa_id=WA_ID,
            context={"from": BUSINESS, "id": vaksin},
        )
    )
    assert answers[suggested["vaksin"][2]] in chat.text
    # Sigap's note of the choices never reaches the Cloud API.
    sent_keys = {k for _, call in graph_api.calls for k in call} - {"_auth"}
    assert "interactive" in sent_keys
    assert not any(k.startswith("_") for k in sent_keys)


def test_an_unknown_or_expired_quote_falls_back_to_the_newest_list(
    graph_api, faq_answers
):
    suggested, answers = faq_answers
    chat = WhatsAppChat(graph_api, wa_id=WA_ID)
    chat.send("vaksin")
    vaksin = _sent_list(chat)
    chat.send("masker")
    _quoting(chat, "1", "wamid.HBgMunknown0000")
    assert answers[suggested["masker"][0]] in chat.text
    # Quoting the bot's answer (no list on it) also picks from the newest list.
    answer = OutboundMessage.objects.filter(chat_id=WA_ID).order_by("id").last()
    chat.send("masker")
    _quoting(chat, "2", answer.platform_message_id)
    assert answers[suggested["masker"][1]] in chat.text
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        _quoting(chat, "2", vaksin)
    assert "sudah tidak berlaku" in chat.text


def test_only_the_last_five_lists_of_a_chat_are_kept(graph_api, faq_answers):
    suggested, answers = faq_answers
    chat = WhatsAppChat(graph_api, wa_id=WA_ID)
    other = WhatsAppChat(graph_api, wa_id="6281234501302")
    other.send("vaksin")
    chat.send("vaksin")
    first = _sent_list(chat)
    for _ in range(5):
        chat.send("masker")
    rows = OfferedChoices.objects.filter(chat_id=WA_ID)
    assert rows.count() == 5 and not rows.filter(platform_message_id=first).exists()
    assert OfferedChoices.objects.filter(chat_id=other.wa_id).count() == 1
    _quoting(chat, "2", first)  # forgotten: the newest list answers
    assert answers[suggested["masker"][1]] in chat.text
    # Another chat's list is not this chat's to pick from.
    theirs = OfferedChoices.objects.get(chat_id=other.wa_id).platform_message_id
    chat.send("masker")
    _quoting(chat, "1", theirs)
    assert answers[suggested["masker"][0]] in chat.text
