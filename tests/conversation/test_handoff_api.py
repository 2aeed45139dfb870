from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chatbot.conversation.models import ChatSession, Handoff, HandoffMessage, LinkCode
from chatbot.conversation.services.links import code_hash
from tests.conversation.helpers import Chat

# --- handoff in chat + staff API ---------------------------------------------------


@pytest.fixture
def handoff_chat(db, alice, link_chat):
    chat = link_chat(alice)
    chat.send(choice="m:handoff")
    assert "selesai" in chat.text
    chat.send("Saya demam sudah 3 hari, harus ke mana?")
    assert "diterima" in chat.text
    chat.send("menu")  # while the handoff is open, everything goes to staff
    return chat


def test_messages_go_to_the_staff_inbox(handoff_chat, alice):
    handoff = Handoff.objects.get()
    assert (handoff.user, handoff.status) == (alice, "open")
    assert [m.text for m in handoff.messages.all()] == [
        "Saya demam sudah 3 hari, harus ke mana?",
        "menu",
    ]


def test_staff_list_and_reply_go_back_through_the_channel(
    handoff_chat, auth_client, curator, nurse
):
    from chatbot.channels.models import OutboundMessage

    listed = auth_client(nurse).get("/api/v1/chatbot/handoffs")
    assert listed.status_code == 200
    item = listed.json()["results"][0]
    assert item["resident"]["name"] == "Alice Wulandari"
    assert "chat_id" not in item
    assert len(item["messages"]) == 2

    handoff = Handoff.objects.get()
    # Alice's puskesmas handed it to the curator (assigned: the curator's to answer).
    Handoff.objects.filter(pk=handoff.pk).update(assigned_to=curator)
    url = f"/api/v1/chatbot/handoffs/{handoff.pk}/reply"
    reply = auth_client(curator).post(
        url, {"text": "Silakan ke puskesmas."}, format="json"
    )
    assert reply.status_code == 201, reply.json()
    message = HandoffMessage.objects.get(direction="out")
    assert message.author == curator
    out = OutboundMessage.objects.get(key__startswith=f"handoff-{message.pk}")
    assert (out.channel, out.chat_id) == ("telegram", handoff_chat.chat_id)
    assert "Silakan ke puskesmas." in str(out.payload)

    closed = auth_client(curator).post(f"/api/v1/chatbot/handoffs/{handoff.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert ChatSession.objects.get(chat_id=handoff_chat.chat_id).flow == ""
    # The chat is back with the bot.
    handoff_chat.send("menu")
    assert "m:selfcheck" in handoff_chat.choices
    again = auth_client(curator).post(url, {"text": "halo?"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "handoff_closed"


def test_the_resident_ends_the_handoff(handoff_chat):
    handoff_chat.send("selesai")
    assert Handoff.objects.get().status == "closed"
    assert "selesai" in handoff_chat.text.lower()


def test_handoff_api_errors(handoff_chat, auth_client, alice, curator, api_client):
    handoff = Handoff.objects.get()
    url = f"/api/v1/chatbot/handoffs/{handoff.pk}/reply"
    assert api_client.get("/api/v1/chatbot/handoffs").status_code == 401
    assert auth_client(alice).get("/api/v1/chatbot/handoffs").status_code == 403
    assert auth_client(alice).post(url, {"text": "x"}, format="json").status_code == 403
    staff = auth_client(curator)
    blank = staff.post(url, {"text": ""}, format="json")
    assert blank.status_code == 400
    assert "text" in blank.json()["error"]["fields"]
    unknown = staff.post(url, {"text": "x", "extra": 1}, format="json")
    assert unknown.status_code == 400
    missing = staff.post(
        "/api/v1/chatbot/handoffs/999999/reply", {"text": "x"}, format="json"
    )
    assert missing.status_code == 404
    assert HandoffMessage.objects.filter(direction="out").count() == 0
    bad = staff.get("/api/v1/chatbot/handoffs?status=nope")
    assert bad.status_code == 400


# --- link codes API ----------------------------------------------------------------


def test_link_code_api(auth_client, alice, api_client, nurse):
    response = auth_client(alice).post("/api/v1/chatbot/link-code")
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code) == 6 and code.isdigit()
    row = LinkCode.objects.get()
    assert row.code_hash == code_hash(code) and code not in row.code_hash
    assert api_client.post("/api/v1/chatbot/link-code").status_code == 401
    assert auth_client(nurse).post("/api/v1/chatbot/link-code").status_code == 403

    chat = Chat(chat_id="777")
    chat.send(f"/link {code}")
    links = auth_client(alice).get("/api/v1/chatbot/links").json()
    assert [link["channel"] for link in links] == ["telegram"]
    assert (
        auth_client(alice).delete("/api/v1/chatbot/links/telegram").status_code == 204
    )
    gone = auth_client(alice).delete("/api/v1/chatbot/links/telegram")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_linked"
    assert auth_client(alice).delete("/api/v1/chatbot/links/sms").status_code == 404


def test_privacy_export_and_erase(handoff_chat, alice, auth_client):
    exported = auth_client(alice).get("/api/v1/me/export").json()
    conversations = exported["chatbot_conversations"]
    assert conversations["handoffs"][0]["messages"][0]["text"].startswith("Saya demam")
    from core.services.privacy import user_erase

    user_erase(user=alice)
    assert not Handoff.objects.exists()
    assert not ChatSession.objects.filter(chat_id=handoff_chat.chat_id).exists()


def test_an_open_handoff_does_not_expire(handoff_chat):
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        handoff_chat.send("masih di sana?")
    assert HandoffMessage.objects.filter(text="masih di sana?").exists()


def test_the_admin_page_replies_in_indonesian(handoff_chat, client, curator):
    curator.is_staff = True
    curator.save(update_fields=["is_staff"])
    client.force_login(curator)
    handoff = Handoff.objects.get()
    Handoff.objects.filter(pk=handoff.pk).update(assigned_to=curator)
    url = f"/admin/chatbot_conversation/handoff/{handoff.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Balas warga" in content and "Saya demam" in content
    assert handoff_chat.chat_id not in content
    response = client.post(url, {"reply": "Datang ke puskesmas ya.", "close": "on"})
    assert response.status_code == 302
    assert HandoffMessage.objects.get(direction="out").text == "Datang ke puskesmas ya."
    handoff.refresh_from_db()
    assert handoff.status == "closed"


def test_residents_do_not_see_the_admin_inbox(handoff_chat, client, alice):
    client.force_login(alice)
    assert client.get("/admin/chatbot_conversation/handoff/").status_code == 302
