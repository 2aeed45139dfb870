"""Webhook intake: secrets and signatures before storage, once per delivery."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from chatbot.channels.models import InboundUpdate, OutboundMessage
from tests.channels.helpers import (
    TG_SECRET,
    WA_VERIFY,
    post_telegram,
    post_whatsapp,
    tg_callback_update,
    tg_forward_update,
    tg_location_update,
    tg_message_update,
    wa_button_reply,
    wa_list_reply,
    wa_location,
    wa_status,
    wa_text,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    # enforce_csrf_checks: webhooks must work without a CSRF token or session.
    return Client(enforce_csrf_checks=True)


def test_it_processes_a_telegram_text_and_replies(client, telegram_api, echo_engine):
    response = post_telegram(client, tg_message_update("halo", chat_id=9001))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    update = InboundUpdate.objects.get()
    assert (update.channel, update.chat_id, update.status) == (
        "telegram",
        "9001",
        "done",
    )
    assert echo_engine[0].text == "halo" and echo_engine[0].language_hint == "id"
    sent = telegram_api.methods("sendMessage")
    assert [s["text"] for s in sent] == ["echo: halo"]
    assert sent[0]["chat_id"] == "9001"
    keyboard = sent[0]["reply_markup"]["inline_keyboard"]
    assert keyboard == [
        [{"text": "A", "callback_data": "menu:a"}],
        [{"text": "B", "callback_data": "menu:b"}],
    ]
    assert "parse_mode" not in sent[0]  # plain text: nothing to break Markdown
    out = OutboundMessage.objects.get()
    assert out.status == "sent" and out.platform_message_id


def test_it_answers_callback_queries(client, telegram_api, echo_engine):
    update = tg_callback_update("menu:a", chat_id=9002)
    assert post_telegram(client, update).status_code == 200
    assert echo_engine[0].choice == "menu:a"
    answered = telegram_api.methods("answerCallbackQuery")
    assert [a["callback_query_id"] for a in answered] == [
        update["callback_query"]["id"]
    ]
    assert telegram_api.methods("sendMessage")[0]["text"] == "pilihan: menu:a"
    # The tapped menu loses its buttons, so it cannot be tapped again later.
    (edited,) = telegram_api.methods("editMessageReplyMarkup")
    assert str(edited["chat_id"]) == "9002" and str(edited["message_id"]) == "42"
    assert "reply_markup" not in edited


def test_it_reads_locations_and_forwards(client, telegram_api, echo_engine):
    post_telegram(client, tg_location_update(-7.0513, 110.4381, chat_id=9003))
    post_telegram(client, tg_forward_update("Sebarkan!! air kelapa", chat_id=9003))
    assert echo_engine[0].location == (-7.0513, 110.4381)
    assert echo_engine[1].forwarded and echo_engine[1].text == "Sebarkan!! air kelapa"
    texts = [s["text"] for s in telegram_api.methods("sendMessage")]
    assert texts == ["lokasi: -7.0513,110.4381", "terusan: Sebarkan!! air kelapa"]


@pytest.mark.parametrize("secret", [None, "wrong", TG_SECRET + "x", ""])
def test_it_rejects_a_bad_telegram_secret_before_storing(
    client, telegram_api, echo_engine, secret
):
    response = post_telegram(client, tg_message_update("halo"), secret=secret)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_secret_token"
    assert not InboundUpdate.objects.exists()
    assert not echo_engine and not telegram_api.calls


def test_it_refuses_everything_when_no_secret_is_configured(
    client, telegram_api, settings
):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post_telegram(client, tg_message_update("x"), secret="").status_code == 403
    assert not InboundUpdate.objects.exists()


def test_it_rejects_malformed_updates_with_the_error_format(client, telegram_api):
    response = client.post(
        "/api/v1/chatbot/telegram/webhook",
        data="{not json",
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"
    response = post_telegram(client, {"message": {}})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "update_id": "Wajib berupa bilangan bulat."
    }
    assert not InboundUpdate.objects.exists()


def test_a_duplicate_telegram_update_is_processed_once(
    client, telegram_api, echo_engine
):
    update = tg_message_update("sekali", chat_id=9004)
    for _ in range(3):
        assert post_telegram(client, update).status_code == 200
    assert InboundUpdate.objects.count() == 1
    assert len(echo_engine) == 1
    assert len(telegram_api.methods("sendMessage")) == 1


def test_it_ignores_updates_it_does_not_answer(client, telegram_api, echo_engine):
    update = {
        "update_id": 800000001,
        "edited_message": {
            "message_id": 1,
            "chat": {"id": 9005, "type": "private"},
            "date": 1700000000,
            "edit_date": 1700000001,
            "text": "ubah",
        },
    }
    assert post_telegram(client, update).status_code == 200
    assert InboundUpdate.objects.get().status == "ignored"
    assert not echo_engine


# --- WhatsApp ----------------------------------------------------------------------------
def test_it_completes_the_whatsapp_verification_handshake(client, graph_api):
    response = client.get(
        "/api/v1/chatbot/whatsapp/webhook",
        {
            "hub.mode": "subscribe",
            "hub.verify_token": WA_VERIFY,
            "hub.challenge": "1158201444",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"
    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"},
        {
            "hub.mode": "unsubscribe",
            "hub.verify_token": WA_VERIFY,
            "hub.challenge": "1",
        },
        {},
    ):
        response = client.get("/api/v1/chatbot/whatsapp/webhook", params)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "invalid_verify_token"


def test_it_processes_whatsapp_messages_of_every_kind(client, graph_api, echo_engine):
    for body in (
        wa_text("halo"),
        wa_button_reply("menu:a"),
        wa_list_reply("menu:b"),
        wa_location(-6.9932, 110.4203),
        wa_text("Sebarkan!!", context={"forwarded": True}),
        wa_message_legacy_button(),
    ):
        assert post_whatsapp(client, body).status_code == 200
    assert [i.text for i in echo_engine] == [
        "halo",
        None,
        None,
        None,
        "Sebarkan!!",
        None,
    ]
    assert [i.choice for i in echo_engine][1:3] == ["menu:a", "menu:b"]
    assert echo_engine[3].location == (-6.9932, 110.4203)
    assert echo_engine[4].forwarded and echo_engine[0].display_name == "Budi"
    assert echo_engine[5].choice == "menu:a"
    calls = graph_api.calls
    assert all(path == "/v21.0/106540352242922/messages" for path, _ in calls)
    first = calls[0][1]
    assert first["_auth"] == "Bearer EAAG-test" and first["to"] == "6281234567890"
    assert first["type"] == "interactive"
    assert first["interactive"]["type"] == "button"
    buttons = first["interactive"]["action"]["buttons"]
    assert buttons[0] == {"type": "reply", "reply": {"id": "menu:a", "title": "A"}}


def wa_message_legacy_button():
    from tests.channels.helpers import wa_message

    return wa_message("button", {"text": "A", "payload": "menu:a"})


@pytest.mark.parametrize(
    "signature", ["", "sha256=00", "sha1=abc", "sha256=" + "0" * 64]
)
def test_it_rejects_a_bad_whatsapp_signature_before_storing(
    client, graph_api, echo_engine, signature
):
    response = post_whatsapp(client, wa_text("halo"), signature=signature)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not InboundUpdate.objects.exists() and not echo_engine


def test_a_body_signed_with_another_secret_is_rejected(client, graph_api):
    response = post_whatsapp(client, wa_text("halo"), secret="other-secret")
    assert response.status_code == 403
    assert not InboundUpdate.objects.exists()


def test_a_duplicate_whatsapp_message_is_processed_once(client, graph_api, echo_engine):
    body = wa_text("sekali", msg_id="wamid.DUP1")
    for _ in range(3):
        assert post_whatsapp(client, body).status_code == 200
    assert InboundUpdate.objects.count() == 1 and len(echo_engine) == 1
    assert len(graph_api.calls) == 1


def test_it_records_status_callbacks_on_the_outbound_message(
    client, graph_api, echo_engine
):
    post_whatsapp(client, wa_text("halo"))
    out = OutboundMessage.objects.get()
    assert out.status == "sent" and out.platform_message_id.startswith("wamid.")
    for status in ("delivered", "sent", "read", "delivered"):
        assert (
            post_whatsapp(
                client, wa_status(out.platform_message_id, status)
            ).status_code
            == 200
        )
    out.refresh_from_db()
    assert out.platform_status == "read"  # late callbacks never move it back
    post_whatsapp(
        client,
        wa_status(
            out.platform_message_id,
            "failed",
            errors=[{"code": 131047, "title": "Re-engagement message"}],
        ),
    )
    out.refresh_from_db()
    assert out.platform_status == "failed" and "131047" in out.last_error
    assert InboundUpdate.objects.count() == 1  # statuses are not conversation input


def test_webhooks_are_in_the_schema_without_warnings(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/chatbot/telegram/webhook" in paths
    assert "get" in paths["/api/v1/chatbot/whatsapp/webhook"]
