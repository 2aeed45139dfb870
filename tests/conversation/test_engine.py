from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chatbot.conversation.models import ChatSession
from chatbot.conversation.services import chat_link, link_code_create
from core.exceptions import ApplicationError
from core.models import ChannelIdentity
from tests.conversation.helpers import Chat


def test_it_greets_with_the_menu(chat):
    chat.send("/start")
    assert "Halo" in chat.text
    assert {"m:selfcheck", "m:zone", "m:isolation", "m:consult", "m:hoax"} <= set(
        chat.choices
    )
    assert all(len(c.title) <= 24 for r in chat.last for c in r.choices)


def test_it_switches_language_and_remembers_it(chat, alice, link_chat):
    chat.send("bahasa")
    assert chat.choices == ["lang:id", "lang:en"]
    chat.send(choice="lang:en")
    assert "English" in chat.text
    chat.send("menu")
    assert "Pick a service" in chat.text
    assert ChatSession.objects.get(chat_id=chat.chat_id).language == "en"
    # Remembered for a linked account too.
    linked = link_chat(alice, chat_id="5550099")
    linked.send(choice="lang:en")
    alice.refresh_from_db()
    assert alice.language == "en"


def test_a_new_chat_of_a_linked_user_uses_the_account_language(alice, link_chat):
    alice.language = "en"
    alice.save(update_fields=["language"])
    web = Chat(channel="web", chat_id=f"user-{alice.pk}", user_id=alice.pk)
    web.send("menu")
    assert "Pick a service" in web.text


def test_an_idle_flow_expires_back_to_the_menu(chat, settings):
    settings.CHATBOT_CONVERSATION_IDLE_MINUTES = 30
    chat.send(choice="m:selfcheck")
    assert ChatSession.objects.get(chat_id=chat.chat_id).flow == "selfcheck"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        chat.send("42")
    assert "30 menit" in chat.text
    assert "m:selfcheck" in chat.choices
    assert ChatSession.objects.get(chat_id=chat.chat_id).flow == ""


def test_a_flow_within_the_idle_time_continues(chat):
    chat.send(choice="m:selfcheck")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        chat.send("42")
    assert "(2/" in chat.text


def test_cancel_returns_to_the_menu(chat):
    chat.send(choice="m:selfcheck")
    chat.send("batal")
    assert "Dibatalkan" in chat.text
    assert ChatSession.objects.get(chat_id=chat.chat_id).flow == ""


def test_state_survives_a_cache_loss(chat):
    from django.core.cache import cache

    chat.send(choice="m:selfcheck")
    cache.clear()
    chat.send("42")
    assert "(2/" in chat.text


# --- linking ---------------------------------------------------------------------


def test_it_links_with_a_code_and_unlinks(chat, alice):
    code = link_code_create(user=alice).code
    chat.send(choice="m:link")
    assert "kode 6 angka" in chat.text
    chat.send(code)
    assert "terhubung" in chat.text
    identity = ChannelIdentity.objects.get(channel="telegram")
    assert (identity.user, identity.external_id) == (alice, chat.chat_id)
    chat.send("putuskan")
    assert not ChannelIdentity.objects.filter(user=alice).exists()


def test_a_code_is_single_use(chat, alice):
    code = link_code_create(user=alice).code
    chat.send(f"/link {code}")
    other = Chat(chat_id="5550002")
    other.send(f"/link {code}")
    assert "salah, sudah dipakai" in other.text
    assert ChannelIdentity.objects.get(user=alice).external_id == chat.chat_id


def test_an_expired_code_is_refused(chat, alice):
    code = link_code_create(user=alice).code
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        chat.send(f"/link {code}")
    assert "kedaluwarsa" in chat.text
    assert not ChannelIdentity.objects.exists()


def test_a_wrong_code_is_refused_and_guessing_is_locked(chat, alice, settings):
    settings.CHATBOT_LINK_MAX_ATTEMPTS = 3
    code = link_code_create(user=alice).code
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(3):
        chat.send(f"/link {wrong}")
        assert "salah" in chat.text
    chat.send(f"/link {code}")
    assert "Terlalu banyak" in chat.text
    assert not ChannelIdentity.objects.exists()


def test_relinking_moves_the_identity(alice):
    first, second = Chat(chat_id="1"), Chat(chat_id="2")
    first.send(f"/link {link_code_create(user=alice).code}")
    second.send(f"/link {link_code_create(user=alice).code}")
    assert list(
        ChannelIdentity.objects.filter(user=alice).values_list("external_id", flat=True)
    ) == ["2"]


def test_a_new_code_replaces_the_previous_one(chat, alice):
    old = link_code_create(user=alice).code
    link_code_create(user=alice)
    chat.send(f"/link {old}")
    assert not ChannelIdentity.objects.exists()


def test_services_needing_an_account_ask_to_link(chat):
    chat.send(choice="m:isolation")
    assert "/link" in chat.text
    assert "NIK" in chat.text


def test_the_link_service_refuses_a_group_chat_id(alice):
    code = link_code_create(user=alice).code
    with pytest.raises(ApplicationError):
        chat_link(channel="telegram", chat_id="-1001234567890", code=code)
    assert not ChannelIdentity.objects.exists()
    # Whatever was stored before, a group chat id never resolves to an account.
    ChannelIdentity.objects.create(
        user=alice, channel="telegram", external_id="-1001234567890"
    )
    group = Chat(chat_id="-1001234567890", private=False)
    group.send(choice="m:isolation")
    assert "chat pribadi" in group.text
