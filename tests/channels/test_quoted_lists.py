"""A reply that quotes one of the bot's suggestion lists picks from that list, not
from the newest one. WhatsApp: the webhook's messages[].context.id is that message's
wamid, from the send response's messages[0].id; Telegram: the message's
reply_to_message is the bot's message, by the message_id sendMessage returned."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chatbot.channels.models import OfferedChoices, OutboundMessage
from tests.channels.helpers import (
    TelegramChat,
    WhatsAppChat,
    tg_message_update,
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


# --- Telegram: reply_to_message -----------------------------------------------------------
def _tg_sent_list(chat: TelegramChat) -> str:
    """The message_id the Bot API gave the suggestions just received."""
    row = (
        OutboundMessage.objects.filter(chat_id=str(chat.chat_id), channel="telegram")
        .exclude(payload___numbered=None)
        .order_by("id")
        .last()
    )
    assert row.platform_message_id
    return row.platform_message_id


def _tg_quoting(chat: TelegramChat, text: str, message_id: str, *, bot=True):
    """A reply to one of the bot's messages, as the Bot API delivers it."""
    replied = {
        "message_id": int(message_id),
        "from": {"id": 7000000001, "is_bot": bot, "first_name": "Sigap"},
        "chat": {"id": chat.chat_id, "first_name": "Alice", "type": "private"},
        "date": 1700000000,
        "text": "…",
    }
    return chat._post(
        tg_message_update(text, chat_id=chat.chat_id, reply_to_message=replied)
    )


def test_telegram_a_number_replying_to_an_older_list_answers_from_it(
    telegram_api, faq_answers
):
    suggested, answers = faq_answers
    chat = TelegramChat(telegram_api, chat_id=5550131)
    other = TelegramChat(telegram_api, chat_id=5550132)
    chat.send("vaksin")
    vaksin = _tg_sent_list(chat)
    chat.send("masker")
    other.send("masker")

    _tg_quoting(chat, "2", vaksin)
    assert answers[suggested["vaksin"][1]] in chat.text
    assert answers[suggested["masker"][1]] not in chat.text
    # A reply to the resident's own message (not the bot's) picks from the newest.
    chat.send("masker")
    _tg_quoting(chat, "1", vaksin, bot=False)
    assert answers[suggested["masker"][0]] in chat.text
    # The note of the choices never reaches the Bot API.
    assert not any(
        k.startswith("_") for m in telegram_api.methods("sendMessage") for k in m
    )


def test_telegram_message_ids_repeat_across_chats(db):
    """Telegram numbers messages per chat: message 42 of one chat is not another's."""
    from chatbot.channels.outbox import offered_choices_record
    from chatbot.channels.selectors import offered_choices_quoted

    for chat_id, choices in (("5550141", ["faq:1"]), ("5550142", ["faq:2"])):
        offered_choices_record(
            channel="telegram",
            chat_id=chat_id,
            platform_message_id="42",
            choices=choices,
        )
    for chat_id, choice in (("5550141", "faq:1"), ("5550142", "faq:2")):
        assert offered_choices_quoted(
            channel="telegram", chat_id=chat_id, platform_message_id="42"
        ) == (choice,)
