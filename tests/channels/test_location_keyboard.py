"""Telegram's "share location" button is a reply keyboard: it stays under the typing
field until a message removes it. The first answer that leaves the step asking for a
location removes it (ReplyKeyboardRemove), once."""

from __future__ import annotations

import pytest

from chatbot.channels.models import Chat
from tests.channels.helpers import TelegramChat, tg_message_update

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]

REMOVE = {"remove_keyboard": True}


def _removals(api) -> list[dict]:
    return [m for m in api.methods("sendMessage") if m.get("reply_markup") == REMOVE]


def _asks_location(sent: list[dict]) -> bool:
    return any(
        button.get("request_location")
        for m in sent
        for row in (m.get("reply_markup") or {}).get("keyboard", [])
        for button in row
    )


def _zone(api, chat_id) -> TelegramChat:
    chat = TelegramChat(api, chat_id=chat_id)
    chat.send("menu")
    chat.tap("m:zone")
    assert _asks_location(chat.last)
    return chat


def test_cancelling_removes_the_keyboard_once(telegram_api, db):
    chat = _zone(telegram_api, 5551201)
    chat.send("batal")
    assert "Dibatalkan" in chat.last[0]["text"]
    assert chat.last[0]["reply_markup"] == REMOVE
    # The menu after it keeps its buttons.
    assert "inline_keyboard" in chat.last[1]["reply_markup"]
    chat.send("menu")
    assert len(_removals(telegram_api)) == 1
    assert not Chat.objects.get(chat_id="5551201").location_keyboard_shown


def test_a_tap_back_to_the_menu_removes_it_and_keeps_the_buttons(telegram_api, db):
    chat = _zone(telegram_api, 5551202)
    chat.tap("menu")
    first, buttons = chat.last
    assert first["reply_markup"] == REMOVE
    assert "Pilih layanan" in first["text"]
    assert "m:selfcheck" in str(buttons["reply_markup"]["inline_keyboard"])
    chat.tap("m:selfcheck")
    chat.send("42")
    assert len(_removals(telegram_api)) == 1


def test_typing_a_place_instead_removes_it_when_the_step_ends(
    telegram_api, regions_semarang
):
    chat = _zone(telegram_api, 5551203)
    chat.send("Kota Antah Berantah")  # not found: asked again, keyboard stays
    assert _asks_location(chat.last) and not _removals(telegram_api)
    # A photo gets a note, and the step (and its keyboard) keeps waiting.
    photo = {"file_id": "AgACAgQ", "file_unique_id": "AQAD", "width": 9, "height": 6}
    chat._post(tg_message_update(chat_id=5551203, photo=[photo]))
    assert not _removals(telegram_api)
    chat.send("tembalang")  # places of that name: "did you mean", no location
    assert "Maksud Anda" in chat.last[0]["text"]
    assert chat.last[0]["reply_markup"] == REMOVE
    # The places follow under a short label, as buttons.
    places = [
        b["callback_data"]
        for m in chat.last
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
        if b["callback_data"].startswith("z:a:")
    ]
    assert places
    chat.tap(places[0])
    assert "Tembalang" in chat.text
    chat.tap("menu")
    assert len(_removals(telegram_api)) == 1


def test_a_chat_never_shown_the_keyboard_gets_no_removal(telegram_api, db):
    chat = TelegramChat(telegram_api, chat_id=5551204)
    chat.send("menu")
    chat.tap("m:selfcheck")
    chat.send("batal")
    assert not _removals(telegram_api)
