"""Deliveries the platforms never send but a signed body may carry: refused at the
webhook when cheaply seen, else failed at once in processing, never holding the
chat's later messages; and deliveries that are not ours (another WhatsApp number)."""

from __future__ import annotations

import copy
import logging

import pytest
from django.test import Client

from chatbot.channels import intake
from chatbot.channels.models import InboundUpdate, OutboundMessage
from chatbot.channels.processing import chat_updates_process
from chatbot.conversation.types import Reply
from tests.channels.helpers import (
    GROUP_CHAT_ID,
    post_telegram,
    post_whatsapp,
    tg_callback_update,
    tg_message_update,
    tg_user,
    wa_envelope,
    wa_status,
    wa_text,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _message(update: dict) -> dict:
    return update["message"]


def _no_chat(update):
    del _message(update)["chat"]


def _text_number(update):
    _message(update)["text"] = 12345


def _text_object(update):
    _message(update)["text"] = {"body": "halo"}


def _from_string(update):
    _message(update)["from"] = "x"


def _latitude_text(update):
    _message(update)["location"] = {"latitude": "abc", "longitude": 110.4}


def _message_string(update):
    update["message"] = "x"


def _chat_id_string(update):
    _message(update)["chat"]["id"] = {"id": 1}


TELEGRAM_MALFORMED = [
    _no_chat,
    _text_number,
    _text_object,
    _from_string,
    _latitude_text,
    _message_string,
    _chat_id_string,
]


@pytest.mark.parametrize("spoil", TELEGRAM_MALFORMED)
def test_it_rejects_a_malformed_telegram_update_at_the_webhook(
    telegram_api, echo_engine, spoil
):
    update = tg_message_update("rahasia 3174012345678901", chat_id=9201)
    spoil(update)
    response = post_telegram(Client(), update)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_update"
    assert "3174012345678901" not in response.content.decode()
    assert not InboundUpdate.objects.exists()
    assert not echo_engine and not telegram_api.methods("sendMessage")


def test_updates_of_kinds_it_ignores_still_get_200(telegram_api, echo_engine):
    group = {"id": GROUP_CHAT_ID, "title": "Warga", "type": "supergroup"}
    member = {"user": tg_user(555001), "status": "member"}
    updates = [
        {
            "update_id": 800000101,
            "my_chat_member": {
                "chat": group,
                "from": tg_user(555001),
                "date": 1700000000,
                "old_chat_member": {**member, "user": tg_user(123456)},
                "new_chat_member": {
                    "user": tg_user(123456),
                    "status": "left",
                },
            },
        },
        {
            "update_id": 800000102,
            "poll": {
                "id": "5",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            },
        },
        {
            "update_id": 800000103,
            "message_reaction": {
                "chat": group,
                "message_id": 1,
                "date": 1700000000,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        },
    ]
    for update in updates:
        assert post_telegram(Client(), update).status_code == 200
    assert set(InboundUpdate.objects.values_list("status", flat=True)) == {"ignored"}
    assert not echo_engine


def test_membership_changes_are_stored_under_the_chat_they_happened_in(
    telegram_api, echo_engine
):
    group = {"id": GROUP_CHAT_ID, "title": "Warga", "type": "supergroup"}
    for n, kind in enumerate(("my_chat_member", "chat_member")):
        update = {
            "update_id": 800000201 + n,
            kind: {
                "chat": group,
                "from": tg_user(555001),
                "date": 1700000000,
                "old_chat_member": {"user": tg_user(123456), "status": "left"},
                "new_chat_member": {"user": tg_user(123456), "status": "member"},
            },
        }
        assert post_telegram(Client(), update).status_code == 200
    stored = InboundUpdate.objects.order_by("id")
    assert [u.chat_id for u in stored] == [str(GROUP_CHAT_ID)] * 2
    assert {u.status for u in stored} == {"ignored"}


@pytest.mark.parametrize("spoil", TELEGRAM_MALFORMED)
def test_a_stored_unreadable_telegram_update_fails_at_once(
    telegram_api, echo_engine, monkeypatch, caplog, spoil
):
    """Stored before the webhook checked it (or by polling): it fails on its first
    attempt, without retries, and the chat's next message is answered."""
    monkeypatch.setattr(intake, "enqueue_processing", lambda pk: None)
    bad = tg_message_update("rahasia 3174012345678901", chat_id=9202)
    spoil(bad)
    bad_pk = intake._insert_once(
        channel="telegram",
        external_id=str(bad["update_id"]),
        chat_id="9202",
        payload=bad,
    )
    good = intake.telegram_update_store(payload=tg_message_update("halo", chat_id=9202))
    with caplog.at_level(logging.DEBUG):
        assert chat_updates_process(update_id=bad_pk) == 2
    failed = InboundUpdate.objects.get(pk=bad_pk)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error.startswith("unreadable: ")
    assert InboundUpdate.objects.get(pk=good).status == "done"
    assert [i.text for i in echo_engine] == ["halo"]
    assert [m["text"] for m in telegram_api.methods("sendMessage")] == ["echo: halo"]
    assert "3174012345678901" not in caplog.text and "Traceback" not in caplog.text
    assert "3174012345678901" not in failed.last_error


def test_a_transient_failure_is_still_retried_in_order(
    telegram_api, echo_engine, monkeypatch, settings
):
    calls = []

    def flaky(inbound):
        calls.append(inbound.text)
        if len(calls) == 1:
            raise ConnectionError("redis down")
        return []

    monkeypatch.setattr("chatbot.channels.processing.engine_handle", flaky)
    monkeypatch.setattr(intake, "enqueue_processing", lambda pk: None)
    first = intake.telegram_update_store(
        payload=tg_message_update("satu", chat_id=9203)
    )
    intake.telegram_update_store(payload=tg_message_update("dua", chat_id=9203))
    assert chat_updates_process(update_id=first) == 0
    row = InboundUpdate.objects.get(pk=first)
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "ConnectionError",
    )
    assert chat_updates_process(update_id=first) == 2
    assert calls == ["satu", "satu", "dua"]


def test_a_callback_is_answered_before_the_replies_and_only_once(
    telegram_api, echo_engine, monkeypatch
):
    attempts = []

    def failing_once(inbound):
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("database gone")
        return [Reply(text=f"pilihan: {inbound.choice}"), Reply(text="lanjut")]

    monkeypatch.setattr("chatbot.channels.processing.engine_handle", failing_once)
    update = tg_callback_update("menu:a", chat_id=9204)
    assert post_telegram(Client(), update).status_code == 200
    row = InboundUpdate.objects.get()
    assert row.status == "pending"
    chat_updates_process(update_id=row.pk)
    row.refresh_from_db()
    assert row.status == "done"
    methods = [m for m, _ in telegram_api.calls]
    assert methods.count("answerCallbackQuery") == 1
    assert methods.index("answerCallbackQuery") < methods.index("sendMessage")
    assert methods.count("sendMessage") == 2


def test_a_refused_callback_answer_does_not_hold_the_reply(telegram_api, echo_engine):
    telegram_api.refused.add("answerCallbackQuery")  # e.g. the query is too old
    update = tg_callback_update("menu:b", chat_id=9205)
    assert post_telegram(Client(), update).status_code == 200
    assert InboundUpdate.objects.get().status == "done"
    assert len(telegram_api.methods("answerCallbackQuery")) == 1
    assert [m["text"] for m in telegram_api.methods("sendMessage")] == [
        "pilihan: menu:b"
    ]


# --- WhatsApp ----------------------------------------------------------------------
def test_a_whatsapp_entry_that_is_not_a_list_is_refused(graph_api, echo_engine):
    response = post_whatsapp(
        Client(), {"object": "whatsapp_business_account", "entry": "x"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_update"
    assert response.json()["error"]["fields"] == {"entry": "Harus berupa daftar."}
    assert not InboundUpdate.objects.exists()


@pytest.mark.parametrize(
    "junk",
    [
        "x",
        5,
        ["x"],
        {"changes": "x"},
        {"changes": ["x", 7, [1]]},
        {"changes": [{"field": "messages", "value": "x"}]},
        {"changes": [{"field": "messages", "value": [1, 2]}]},
        {
            "changes": [
                {
                    "field": "messages",
                    "value": {
                        "metadata": "x",
                        "contacts": "x",
                        "messages": "x",
                        "statuses": 5,
                    },
                }
            ]
        },
        {
            "changes": [
                {
                    "field": "messages",
                    "value": {
                        "metadata": {"phone_number_id": "106540352242922"},
                        "contacts": ["x", {"wa_id": ["a"]}],
                        "messages": [
                            "x",
                            3,
                            ["a"],
                            {"id": ["a"], "from": "62811"},
                            {"id": "wamid.X", "from": {"a": 1}},
                        ],
                        "statuses": ["x", {"id": ["a"]}, {"id": "w", "errors": "x"}],
                    },
                }
            ]
        },
    ],
)
def test_malformed_whatsapp_items_are_skipped_and_the_rest_kept(
    graph_api, echo_engine, junk
):
    body = wa_text("halo", wa_id="6281234500011")
    body["entry"] = [junk, *body["entry"], junk]
    response = post_whatsapp(Client(), body)
    assert response.status_code == 200
    stored = InboundUpdate.objects.get()
    assert (stored.chat_id, stored.status) == ("6281234500011", "done")
    assert [i.text for i in echo_engine] == ["halo"]
    assert len(graph_api.calls) == 1


def test_a_failed_status_with_malformed_errors_is_recorded(graph_api, echo_engine):
    post_whatsapp(Client(), wa_text("halo"))
    out = OutboundMessage.objects.get()
    body = wa_status(out.platform_message_id, "failed")
    body["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"] = "x"
    assert post_whatsapp(Client(), body).status_code == 200
    out.refresh_from_db()
    assert out.platform_status == "failed"


def _wa_spoiled(spoil, msg_id):
    body = wa_text("rahasia 3174012345678901", wa_id="6281234500012", msg_id=msg_id)
    spoil(body["entry"][0]["changes"][0]["value"]["messages"][0])
    return body


def _body_number(message):
    message["text"] = {"body": 3174012345678901}


def _context_string(message):
    message["context"] = "abc"


def _interactive_string(message):
    message.update(type="interactive", interactive="x")


def _location_text(message):
    message.update(type="location", location={"latitude": "abc", "longitude": "1"})


def _type_list(message):
    message["type"] = ["text"]


@pytest.mark.parametrize(
    "spoil",
    [_body_number, _context_string, _interactive_string, _location_text, _type_list],
)
def test_an_unreadable_whatsapp_message_fails_at_once(
    graph_api, echo_engine, caplog, spoil
):
    with caplog.at_level(logging.DEBUG):
        assert post_whatsapp(Client(), _wa_spoiled(spoil, "wamid.BAD1")).status_code
        assert (
            post_whatsapp(
                Client(), wa_text("halo", wa_id="6281234500012", msg_id="wamid.OK1")
            ).status_code
            == 200
        )
    bad = InboundUpdate.objects.get(external_id="wamid.BAD1")
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert bad.last_error.startswith("unreadable: ")
    assert InboundUpdate.objects.get(external_id="wamid.OK1").status == "done"
    assert [i.text for i in echo_engine] == ["halo"]
    assert len(graph_api.calls) == 1
    for secret in ("3174012345678901", "6281234500012"):
        assert secret not in caplog.text
    assert "Traceback" not in caplog.text


def test_a_delivery_for_another_whatsapp_number_is_ignored(graph_api, echo_engine):
    mine = wa_text("halo", wa_id="6281234500013", msg_id="wamid.MINE")
    theirs = copy.deepcopy(wa_text("halo", wa_id="6281234500014", msg_id="wamid.X1"))
    theirs["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert post_whatsapp(Client(), theirs).status_code == 200
    assert not InboundUpdate.objects.exists() and not graph_api.calls
    # One delivery may carry changes of both numbers: only ours is answered.
    both = copy.deepcopy(mine)
    both["entry"].append(theirs["entry"][0])
    assert post_whatsapp(Client(), both).status_code == 200
    assert list(InboundUpdate.objects.values_list("external_id", flat=True)) == [
        "wamid.MINE"
    ]
    assert [params["to"] for _, params in graph_api.calls] == ["6281234500013"]


def test_any_number_is_served_when_ours_is_not_configured(
    graph_api, echo_engine, settings
):
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    body = wa_envelope(
        {
            "contacts": [{"profile": {"name": "Budi"}, "wa_id": "6281234500015"}],
            "messages": [
                {
                    "from": "6281234500015",
                    "id": "wamid.ANY",
                    "timestamp": "1700000000",
                    "type": "text",
                    "text": {"body": "halo"},
                }
            ],
        },
        phone_number_id="999",
    )
    assert post_whatsapp(Client(), body).status_code == 200
    assert InboundUpdate.objects.get().external_id == "wamid.ANY"
    assert [i.text for i in echo_engine] == ["halo"]
