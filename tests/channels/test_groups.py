"""Group chats: every member writes as the same chat, so nothing personal and no
multi-step flow runs there (Telegram groups and supergroups; WhatsApp groups are not
served)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client

from chatbot.channels.models import InboundUpdate
from chatbot.conversation.models import ChatSession
from chatbot.conversation.services import link_code_create
from core.models import ChannelIdentity
from isolation.models import CheckIn
from tests.channels.helpers import (
    GROUP_CHAT_ID,
    post_telegram,
    post_whatsapp,
    tg_group_callback_update,
    tg_group_message_update,
    tg_message_update,
    wa_text,
)
from tests.isolation.helpers import enrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]


@pytest.fixture(autouse=True)
def _bot_username(settings):
    settings.TELEGRAM_BOT_USERNAME = "SigapBot"


def _send(api, update) -> list[dict]:
    """Post one update to the webhook; the sendMessage calls it caused."""
    before = len(api.methods("sendMessage"))
    assert post_telegram(Client(), update).status_code == 200
    return api.methods("sendMessage")[before:]


def _text(sent: list[dict]) -> str:
    return "\n".join(m["text"] for m in sent)


def _buttons(sent: list[dict]) -> list[str]:
    return [
        b["callback_data"]
        for m in sent
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]


def _group_state() -> ChatSession:
    return ChatSession.objects.get(channel="telegram", chat_id=str(GROUP_CHAT_ID))


def test_it_links_no_group_and_voids_a_code_sent_there(telegram_api, alice):
    code = link_code_create(user=alice).code
    sent = _send(telegram_api, tg_group_message_update(f"/link@SigapBot {code}"))
    assert "chat pribadi" in _text(sent)
    assert "https://t.me/SigapBot" in _text(sent)
    assert sent[0]["chat_id"] == str(GROUP_CHAT_ID)
    assert not ChannelIdentity.objects.exists()
    # Every member read the code: not even a private chat can use it now.
    sent = _send(telegram_api, tg_message_update(f"/link {code}", chat_id=555002))
    assert "Kode salah" in _text(sent)
    assert not ChannelIdentity.objects.exists()


def test_an_old_group_link_gives_no_member_the_account(telegram_api, alice, nurse):
    enrol(nurse, alice)
    ChannelIdentity.objects.create(
        user=alice, channel="telegram", external_id=str(GROUP_CHAT_ID)
    )
    sent = _send(telegram_api, tg_group_callback_update("m:isolation", user_id=77001))
    assert "chat pribadi" in _text(sent) and "hari ke-" not in _text(sent)
    for step in ("i:none", "i:none", "i:skip", "i:skip", "m:consult", "m:psc"):
        sent = _send(telegram_api, tg_group_callback_update(step, user_id=77001))
        assert "chat pribadi" in _text(sent), step
    sent = _send(telegram_api, tg_group_message_update("/start@SigapBot"))
    assert "m:isolation" not in _buttons(sent) and "m:unlink" not in _buttons(sent)
    assert not CheckIn.objects.exists()
    # The migration that shipped with this rule removes such links.
    migration = import_module("chatbot.conversation.migrations.0003_unlink_group_chats")
    private = ChannelIdentity.objects.create(
        user=alice, channel="whatsapp", external_id="6281234500001"
    )
    migration.unlink_group_chats(apps, None)
    assert list(ChannelIdentity.objects.all()) == [private]


def test_multi_step_flows_do_not_start_in_a_group(telegram_api, db):
    for member, choice in (
        (77001, "m:selfcheck"),
        (77002, "m:zone"),
        (77003, "m:link"),
    ):
        sent = _send(telegram_api, tg_group_callback_update(choice, user_id=member))
        assert "chat pribadi" in _text(sent), choice
        assert _group_state().flow == ""
    sent = _send(telegram_api, tg_group_message_update("42", user_id=77002))
    assert "ketuk salah satu pilihan" in _text(sent)
    sent = _send(telegram_api, tg_group_message_update("/start@SigapBot"))
    assert "Di grup" in _text(sent)


def test_a_group_gets_faq_answers_and_hoax_verdicts(telegram_api, db):
    from chatbot.demo import chatbot_demo_seed
    from chatbot.models import HoaxEntry, HoaxReport

    chatbot_demo_seed()
    entry = HoaxEntry.objects.filter(status="published", verdict="hoax").first()
    forward = {
        "type": "hidden_user",
        "sender_user_name": "Grup Keluarga",
        "date": 1699990000,
    }
    sent = _send(
        telegram_api,
        tg_group_message_update(f"Sebarkan!! {entry.claim}", forward_origin=forward),
    )
    assert "HOAKS" in _text(sent).upper() and entry.source_url in _text(sent)
    assert "h:report" not in _buttons(sent)
    sent = _send(telegram_api, tg_group_message_update("berapa lama isoman?"))
    assert "isolasi" in _text(sent).lower()
    faq = next(c for c in _buttons(sent) if c.startswith("faq:"))
    sent = _send(telegram_api, tg_group_callback_update(faq, user_id=77009))
    assert _text(sent)
    assert _group_state().flow == "" and _group_state().data == {}
    assert not HoaxReport.objects.exists()
    # Suggestions in a group ask for a tap: a number picks nothing there.
    sent = _send(telegram_api, tg_group_message_update("vaksin"))
    assert "Ketuk pertanyaan yang Anda maksud." in _text(sent)
    assert "Balas dengan nomor" not in _text(sent)


def test_a_command_for_another_bot_in_a_group_is_left_alone(telegram_api, db):
    assert _send(telegram_api, tg_group_message_update("/start@OtherBot")) == []
    assert InboundUpdate.objects.get().status == "ignored"


def test_a_whatsapp_group_message_is_not_taken_for_the_senders_chat(graph_api, alice):
    """Groups API deliveries carry group_id; `from` is the member. Sigap serves no
    WhatsApp group, and the member's own chat state and link stay out of it."""
    ChannelIdentity.objects.create(
        user=alice, channel="whatsapp", external_id="6281234500001"
    )
    body = wa_text("status isolasi saya", wa_id="6281234500001")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["group_id"] = "Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD"
    assert post_whatsapp(Client(), body).status_code == 200
    assert graph_api.calls == []
    assert InboundUpdate.objects.get().status == "ignored"
    assert not ChatSession.objects.exists()
