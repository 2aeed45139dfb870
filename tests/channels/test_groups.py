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
    tg_callback_update,
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
    assert "menu" not in _buttons(sent)  # a group has no menu to go back to
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


# --- Buttons, language and forum topics in groups ---------------------------------------
def _edits(api) -> list[dict]:
    return api.methods("editMessageReplyMarkup")


def test_a_tap_in_a_group_leaves_the_buttons_for_the_others(telegram_api, db):
    sent = _send(telegram_api, tg_group_callback_update("m:zone", user_id=77001))
    assert len(telegram_api.methods("answerCallbackQuery")) == 1
    assert _edits(telegram_api) == []
    # The answer, for the whole group, names the member who tapped.
    assert sent[0]["chat_id"] == str(GROUP_CHAT_ID)
    assert sent[0]["text"].startswith("Alice: ") and "chat pribadi" in _text(sent)
    (mention,) = sent[0]["entities"]
    assert mention["type"] == "text_mention" and mention["offset"] == 0
    assert mention["length"] == len("Alice") and mention["user"]["id"] == 77001
    # A private chat's tapped message still loses its keyboard.
    _send(telegram_api, tg_callback_update("menu", chat_id=555003))
    (edit,) = _edits(telegram_api)
    assert edit["chat_id"] == "555003" and "reply_markup" not in edit


def test_only_a_groups_admins_change_its_language(telegram_api, db):
    telegram_api.members[(GROUP_CHAT_ID, 77010)] = "administrator"
    telegram_api.members[(GROUP_CHAT_ID, 77011)] = "creator"
    for member, message in ((77001, "bahasa"), (77002, "Bahasa / Language")):
        sent = _send(telegram_api, tg_group_message_update(message, user_id=member))
        assert _text(sent) == (
            "Maaf, bahasa grup ini hanya dapat diganti oleh admin grup."
        )
        assert _buttons(sent) == []
    sent = _send(telegram_api, tg_group_callback_update("lang:en", user_id=77001))
    assert "hanya dapat diganti oleh admin" in _text(sent)
    assert _group_state().language == "id"
    asked = telegram_api.methods("getChatMember")
    assert [(c["chat_id"], c["user_id"]) for c in asked] == [
        (str(GROUP_CHAT_ID), str(m)) for m in (77001, 77002, 77001)
    ]

    sent = _send(telegram_api, tg_group_message_update("/bahasa", user_id=77010))
    assert _buttons(sent) == ["lang:id", "lang:en"]
    sent = _send(telegram_api, tg_group_callback_update("lang:en", user_id=77010))
    assert "In a group" in _text(sent)
    assert _group_state().language == "en"
    # Others are told so in the group's language, now English.
    sent = _send(telegram_api, tg_group_callback_update("lang:id", user_id=77003))
    assert "only the group's admins" in _text(sent)
    sent = _send(telegram_api, tg_group_callback_update("lang:id", user_id=77011))
    assert _group_state().language == "id"
    # Questions need no admin (nor a getChatMember call).
    before = len(telegram_api.methods("getChatMember"))
    _send(telegram_api, tg_group_message_update("berapa lama isoman?", user_id=77004))
    assert len(telegram_api.methods("getChatMember")) == before


def test_an_anonymous_admin_writes_as_the_group(telegram_api, db):
    """An admin posting anonymously: `from` is GroupAnonymousBot, `sender_chat` the
    group itself."""
    update = tg_group_message_update("bahasa")
    message = update["message"]
    message["from"] = {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    message["sender_chat"] = dict(message["chat"])
    sent = _send(telegram_api, update)
    assert _buttons(sent) == ["lang:id", "lang:en"]
    assert telegram_api.methods("getChatMember") == []


def test_replies_stay_in_the_forum_topic_they_answer(telegram_api, db):
    forum = {"id": GROUP_CHAT_ID, "title": "Warga RT 05", "type": "supergroup"}
    forum["is_forum"] = True
    telegram_api.members[(GROUP_CHAT_ID, 77010)] = "administrator"
    update = tg_group_message_update(
        "/bahasa", user_id=77010, message_thread_id=7, is_topic_message=True
    )
    update["message"]["chat"] = forum
    sent = _send(telegram_api, update)
    assert sent and all(m["message_thread_id"] == "7" for m in sent)
    tap = tg_group_callback_update("lang:en", user_id=77010)
    tap["callback_query"]["message"].update(
        chat=forum, message_thread_id=7, is_topic_message=True
    )
    sent = _send(telegram_api, tap)
    assert len(sent) == 2 and all(m["message_thread_id"] == "7" for m in sent)
    # A reply thread of an ordinary group is no topic: answered in the group.
    sent = _send(
        telegram_api,
        tg_group_message_update("berapa lama isoman?", message_thread_id=12),
    )
    assert sent and all("message_thread_id" not in m for m in sent)


def test_only_a_groups_admins_stop_its_announcements(telegram_api, regions_semarang):
    """A subscription the group holds (made before groups became stateless) is the
    group's: one member's "berhenti" does not stop it for everyone."""
    from chatbot.conversation.models import Subscription
    from chatbot.conversation.services import subscription_set
    from core.models import Region

    region = Region.objects.filter(level=Region.Level.DISTRICT).first()
    subscription_set(channel="telegram", chat_id=str(GROUP_CHAT_ID), region=region)
    telegram_api.members[(GROUP_CHAT_ID, 77010)] = "administrator"

    sent = _send(telegram_api, tg_group_message_update("berhenti", user_id=77001))
    assert "hanya dapat dihentikan oleh admin grup" in _text(sent)
    assert not Subscription.objects.get().opted_out

    sent = _send(telegram_api, tg_group_message_update("berhenti", user_id=77010))
    assert "hanya dapat dihentikan" not in _text(sent)
    assert Subscription.objects.get().opted_out


def test_a_slow_get_chat_member_counts_as_not_an_admin(telegram_api, settings):
    """The platform answering getChatMember too slowly does not stall the group on
    retries: that message gets the polite "only admins" note, at once."""
    settings.CHATBOT_TELEGRAM_MEMBER_TIMEOUT = 0.3
    telegram_api.members[(GROUP_CHAT_ID, 77010)] = "administrator"
    telegram_api.delays["getChatMember"] = 2
    sent = _send(telegram_api, tg_group_message_update("bahasa", user_id=77010))
    assert _text(sent) == "Maaf, bahasa grup ini hanya dapat diganti oleh admin grup."
    update = InboundUpdate.objects.get()
    assert (update.status, update.attempts) == ("done", 1)
    assert len(telegram_api.methods("getChatMember")) == 1
    telegram_api.delays.clear()
    sent = _send(telegram_api, tg_group_message_update("/bahasa", user_id=77010))
    assert _buttons(sent) == ["lang:id", "lang:en"]
