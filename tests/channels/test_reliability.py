"""Concurrency on PostgreSQL, a real Celery worker, commands, backends, broadcasts."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from chatbot.channels.models import Broadcast, InboundUpdate, OutboundMessage
from chatbot.channels.processing import chat_updates_process
from core.models import ChannelIdentity, Notification
from tests.channels.helpers import (
    post_telegram,
    post_whatsapp,
    tg_message_update,
    wa_text,
)
from tests.helpers import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def _threads(n, target):
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_concurrent_duplicates_are_stored_and_processed_once(
    telegram_api, graph_api, echo_engine
):
    require_postgres()
    tg = tg_message_update("barengan", chat_id=9101)
    wa = wa_text("barengan", msg_id="wamid.CONC1")
    statuses = []

    def deliver():
        client = Client()
        statuses.append(post_telegram(client, tg).status_code)
        statuses.append(post_whatsapp(client, wa).status_code)

    _threads(6, deliver)
    assert statuses == [200] * 12
    assert InboundUpdate.objects.count() == 2
    assert len(echo_engine) == 2
    assert len(telegram_api.methods("sendMessage")) == 1
    assert len(graph_api.calls) == 1


def test_concurrent_processing_of_one_chat_is_serial_and_ordered(
    telegram_api, echo_engine, monkeypatch
):
    require_postgres()
    from chatbot.channels import intake

    monkeypatch.setattr(intake, "enqueue_processing", lambda pk: None)
    ids = [
        intake.telegram_update_store(payload=tg_message_update(f"m{i}", chat_id=9102))
        for i in range(5)
    ]
    active, overlap = [], []
    original = echo_engine  # the echo engine records order

    def slow_handle(inbound):
        active.append(1)
        if len(active) > 1:
            overlap.append(True)
        time.sleep(0.05)
        original.append(inbound)
        active.pop()
        return []

    monkeypatch.setattr("chatbot.channels.processing.engine_handle", slow_handle)
    _threads(4, lambda: [chat_updates_process(update_id=pk) for pk in reversed(ids)])
    assert not overlap
    assert [i.text for i in original] == [f"m{i}" for i in range(5)]
    assert set(InboundUpdate.objects.values_list("status", flat=True)) == {"done"}


def test_a_failing_engine_keeps_the_update_for_retry(
    telegram_api, monkeypatch, settings
):
    def boom(inbound):
        raise RuntimeError("engine bug")

    monkeypatch.setattr("chatbot.channels.processing.engine_handle", boom)
    settings.CHATBOT_INBOUND_MAX_ATTEMPTS = 2
    post_telegram(Client(), tg_message_update("x", chat_id=9103))
    update = InboundUpdate.objects.get()
    assert (update.status, update.attempts) == ("pending", 1)
    chat_updates_process(update_id=update.pk)
    update.refresh_from_db()
    assert (update.status, update.last_error) == ("failed", "RuntimeError")


@pytest.mark.worker
def test_delivery_through_a_live_celery_worker(
    telegram_api, echo_engine, celery_worker_live
):
    response = post_telegram(Client(), tg_message_update("lewat worker", chat_id=9104))
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not telegram_api.methods("sendMessage"):
        time.sleep(0.1)
    assert [m["text"] for m in telegram_api.methods("sendMessage")] == [
        "echo: lewat worker"
    ]
    # The worker records the delivery just after the platform answered.
    while (
        time.monotonic() < deadline and OutboundMessage.objects.get().status != "sent"
    ):
        time.sleep(0.05)
    assert InboundUpdate.objects.get().status == "done"
    assert OutboundMessage.objects.get().status == "sent"


# --- Commands ----------------------------------------------------------------------------
def test_polling_mode_stores_updates_through_the_same_intake(telegram_api, echo_engine):
    telegram_api.updates = [
        tg_message_update("dari polling", chat_id=9105),
        tg_message_update("kedua", chat_id=9105),
    ]
    call_command("run_telegram_bot", "--once", "--timeout", "0")
    methods = [m for m, _ in telegram_api.calls]
    assert methods[0] == "deleteWebhook" and "getUpdates" in methods
    assert [i.text for i in echo_engine] == ["dari polling", "kedua"]
    call_command("run_telegram_bot", "--once", "--timeout", "0")  # same updates again
    assert InboundUpdate.objects.count() == 2 and len(echo_engine) == 2


def test_set_webhook_sends_the_secret_token(telegram_api):
    call_command(
        "telegram_set_webhook",
        "https://sigap.example.go.id/api/v1/chatbot/telegram/webhook",
    )
    (params,) = telegram_api.methods("setWebhook")
    assert params["url"].endswith("/telegram/webhook")
    assert params["secret_token"] == "s3cret-Token_1"
    # Without the membership kinds Telegram never sends them (README: handled).
    assert params["allowed_updates"] == [
        "message",
        "callback_query",
        "my_chat_member",
        "chat_member",
    ]


def test_polling_asks_for_membership_changes_and_stores_them(telegram_api, echo_engine):
    change = {
        "chat": {"id": -100777, "title": "Warga", "type": "supergroup"},
        "from": {"id": 555001, "is_bot": False, "first_name": "Admin"},
        "date": 1700000000,
        "old_chat_member": {
            "user": {"id": 123456, "is_bot": True, "first_name": "Sigap"},
            "status": "left",
        },
        "new_chat_member": {
            "user": {"id": 123456, "is_bot": True, "first_name": "Sigap"},
            "status": "member",
        },
    }
    telegram_api.updates = [{"update_id": 800000301, "my_chat_member": change}]
    call_command("run_telegram_bot", "--once", "--timeout", "0")
    (params, *_) = telegram_api.methods("getUpdates")
    assert {"my_chat_member", "chat_member"} <= set(params["allowed_updates"])
    (stored,) = InboundUpdate.objects.all()
    assert stored.chat_id == "-100777" and stored.status == "ignored"
    assert not echo_engine


# --- Notification backends ----------------------------------------------------------------
def test_notifications_go_through_the_outbox(telegram_api, graph_api, alice, settings):
    from core.services.notifications import notify

    settings.SIGAP_NOTIFICATION_BACKENDS = {
        **settings.SIGAP_NOTIFICATION_BACKENDS,
        "telegram": "chatbot.channels.backends.TelegramBackend",
        "whatsapp": "chatbot.channels.backends.WhatsAppBackend",
    }
    ChannelIdentity.objects.create(user=alice, channel="telegram", external_id="9106")
    ChannelIdentity.objects.create(
        user=alice, channel="whatsapp", external_id="6281234500009"
    )
    notify(
        user=alice,
        kind="test",
        text={"id": "Jadwal konsultasi besok", "en": "Consultation tomorrow"},
        urgent=True,
        channels=["telegram", "whatsapp"],
    )
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert [m["text"] for m in telegram_api.methods("sendMessage")] == [
        "Jadwal konsultasi besok"
    ]
    assert graph_api.calls[0][1]["text"]["body"] == "Jadwal konsultasi besok"
    keys = set(OutboundMessage.objects.values_list("key", flat=True))
    assert keys == {f"notification-{n.pk}" for n in Notification.objects.all()}


# --- Broadcasts ---------------------------------------------------------------------------
def _subscribe(chats):
    from chatbot.conversation.models import Subscription

    for channel, chat_id, lang, opted_out in chats:
        Subscription.objects.create(
            channel=channel,
            chat_id=chat_id,
            region_id="33.74.10",
            language=lang,
            opted_out=opted_out,
        )


def test_curators_broadcast_to_an_areas_subscribers(
    telegram_api, graph_api, curator, auth_client, regions_semarang
):
    _subscribe(
        [
            ("telegram", "9201", "id", False),
            ("telegram", "9202", "en", False),
            ("whatsapp", "6281234509203", "id", False),
            ("telegram", "9204", "id", True),  # opted out
        ]
    )
    client = auth_client(curator)
    body = {
        "region_code": "33.74.10",
        "text_id": "Tembalang zona merah: pakai masker.",
        "text_en": "Tembalang is red: wear a mask.",
    }
    response = client.post("/api/v1/chatbot/broadcasts", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["counts"] == {
        "recipients": 3,
        "queued": 3,
        "pending": 0,
        "sent": 3,
        "failed": 0,
    }
    texts = {m["chat_id"]: m["text"] for m in telegram_api.methods("sendMessage")}
    assert texts == {
        "9201": "Tembalang zona merah: pakai masker.",
        "9202": "Tembalang is red: wear a mask.",
    }
    assert graph_api.calls[0][1]["to"] == "6281234509203"
    # Re-running the fan-out (a retried task) sends nothing twice.
    from chatbot.channels.broadcasts import broadcast_fanout

    broadcast_fanout(broadcast_id=data["id"])
    assert len(telegram_api.methods("sendMessage")) == 2
    assert OutboundMessage.objects.filter(
        key=f"broadcast-{data['id']}-telegram-9201"
    ).exists()
    detail = client.get(f"/api/v1/chatbot/broadcasts/{data['id']}")
    assert detail.status_code == 200 and detail.json()["counts"]["sent"] == 3


def test_a_broadcast_made_while_the_broker_is_down_is_fanned_out_by_the_sweep(
    telegram_api, curator, auth_client, regions_semarang, monkeypatch
):
    import datetime as dt

    from kombu.exceptions import OperationalError

    from chatbot.channels import tasks
    from chatbot.channels.broadcasts import broadcast_stale_ids

    _subscribe([("telegram", "9301", "id", False), ("telegram", "9302", "id", False)])

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    with monkeypatch.context() as m:
        m.setattr(tasks.broadcast_fanout, "apply_async", broker_down)
        response = auth_client(curator).post(
            "/api/v1/chatbot/broadcasts",
            {"region_code": "33.74.10", "text_id": "Zona merah."},
            format="json",
        )
    assert response.status_code == 201, response.json()
    broadcast = Broadcast.objects.get(pk=response.json()["id"])
    assert broadcast.status == Broadcast.Status.QUEUED
    assert not telegram_api.methods("sendMessage")
    assert broadcast_stale_ids() == []  # young: its task may still be on the way
    Broadcast.objects.update(created_at=broadcast.created_at - dt.timedelta(minutes=2))
    assert broadcast_stale_ids() == [broadcast.pk]
    tasks.sweep_broadcasts()
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.DONE and broadcast.recipients == 2
    assert sorted(m["chat_id"] for m in telegram_api.methods("sendMessage")) == [
        "9301",
        "9302",
    ]
    # Swept again, or its lost task delivered late: nothing is sent twice.
    tasks.sweep_broadcasts()
    tasks.broadcast_fanout(broadcast.pk)
    assert len(telegram_api.methods("sendMessage")) == 2
    assert broadcast_stale_ids() == []


def test_a_health_office_broadcasts_to_its_own_region_only(
    telegram_api, health_office, jakarta_office, auth_client, regions_semarang
):
    body = {"region_code": "33.74.10", "text_id": "Zona merah."}
    ok = auth_client(health_office).post(
        "/api/v1/chatbot/broadcasts", body, format="json"
    )
    assert ok.status_code == 201, ok.json()
    next_door = auth_client(jakarta_office).post(
        "/api/v1/chatbot/broadcasts", body, format="json"
    )
    assert next_door.status_code == 400
    assert "region_code" in next_door.json()["error"]["fields"]
    assert Broadcast.objects.count() == 1


def test_broadcast_input_and_permissions(
    telegram_api, alice, curator, auth_client, api_client, regions_semarang
):
    url = "/api/v1/chatbot/broadcasts"
    body = {"region_code": "33.74.10", "text_id": "x"}
    assert api_client.post(url, body, format="json").status_code == 401
    assert auth_client(alice).post(url, body, format="json").status_code == 403
    bad = auth_client(curator).post(
        url, {"region_code": "99.99", "text_id": "x"}, format="json"
    )
    assert bad.status_code == 400
    assert "region_code" in bad.json()["error"]["fields"]
    missing = auth_client(curator).post(url, {"region_code": "33.74.10"}, format="json")
    assert missing.status_code == 400 and "text_id" in missing.json()["error"]["fields"]
    assert not Broadcast.objects.exists()
    assert auth_client(curator).get(f"{url}/999").status_code == 404


def test_admin_lists_and_retries_failed(
    telegram_api, curator, echo_engine, regions_semarang
):
    telegram_api.fail_next(
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    )
    post_telegram(Client(), tg_message_update("halo", chat_id=9301))
    failed = OutboundMessage.objects.get()
    assert failed.status == "failed"
    client = Client()
    client.force_login(curator)
    for url in (
        "/admin/chatbot_channels/inboundupdate/?status__exact=done",
        "/admin/chatbot_channels/outboundmessage/?status__exact=failed",
        "/admin/chatbot_channels/broadcast/",
        "/admin/chatbot_channels/broadcast/add/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/chatbot_channels/outboundmessage/",
        {"action": "retry_failed", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "sent"
    response = client.post(
        "/admin/chatbot_channels/broadcast/add/",
        {"region_code": "33.74.10", "text_id": "Pengumuman", "text_en": ""},
    )
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert broadcast.created_by == curator and broadcast.status == "done"
