"""A main-menu button's label typed as a message (residents copy what they see)
does what the button does, in either language; a question that merely contains
such a word is still a question."""

from __future__ import annotations

import pytest
import time_machine

from chatbot.conversation.models import ChatSession
from chatbot.models import UnansweredQuestion
from tests.channels.helpers import (
    GROUP_CHAT_ID,
    TelegramChat,
    WhatsAppChat,
    tg_group_message_update,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]


def _flow(channel: str, chat_id) -> str:
    return ChatSession.objects.get(channel=channel, chat_id=str(chat_id)).flow


def test_a_typed_label_starts_its_flow_on_telegram(telegram_api, db):
    chat = TelegramChat(telegram_api, chat_id=5551101)
    chat.send("Cek gejala")
    assert "(1/" in chat.text
    assert _flow("telegram", 5551101) == "selfcheck"
    chat.send("  ZONA RISIKO ")  # another label, typed mid-flow: like a tap
    assert "Ketik nama kelurahan" in chat.text
    assert _flow("telegram", 5551101) == "zone"
    chat.send("🩺 Symptom check")  # the English label, with an emoji
    assert "(1/" in chat.text
    chat.send("Kembali ke menu")
    assert "m:selfcheck" in str(chat.last)
    assert _flow("telegram", 5551101) == ""
    chat.send("Bahasa / Language")
    assert "lang:en" in str(chat.last)
    chat.send("Konsultasi")  # needs a linked account, as the button does
    assert "m:link" in str(chat.last)
    assert not UnansweredQuestion.objects.exists()


def test_a_question_containing_a_label_is_still_a_question(telegram_api, db):
    chat = TelegramChat(telegram_api, chat_id=5551102)
    chat.send("konsultasi dokter bayar gak?")
    assert _flow("telegram", 5551102) == ""
    assert list(UnansweredQuestion.objects.values_list("text", flat=True)) == [
        "konsultasi dokter bayar gak?"
    ]


def test_a_typed_label_books_a_consultation_over_whatsapp(graph_api, alice, schedule):
    from chatbot.conversation.services import link_code_create
    from core.services.accounts import consent_give
    from isolation.teleconsult.models import Booking
    from tests.teleconsult.helpers import NOW

    consent_give(user=alice)
    with time_machine.travel(NOW, tick=False):
        chat = WhatsAppChat(graph_api, wa_id="6281234501103")
        chat.send(f"/link {link_code_create(user=alice).code}")
        chat.send(" konsultasi ")
        slots = [c for c in chat.offered() if c.startswith("c:s:")]
        assert len(slots) == 3
        chat.tap(slots[0])
        assert Booking.objects.get().patient == alice
        chat.send("Consultation")  # the English label: the booking just made
        assert any(c.startswith("c:cancel:") for c in chat.offered())
    assert not UnansweredQuestion.objects.exists()


def test_a_typed_label_in_a_group_answers_as_its_button_does(telegram_api, db):
    chat = TelegramChat(telegram_api, chat_id=GROUP_CHAT_ID)
    chat._post(tg_group_message_update("Cek gejala"))
    assert "chat pribadi" in chat.text
    assert _flow("telegram", GROUP_CHAT_ID) == ""
    assert not UnansweredQuestion.objects.exists()
