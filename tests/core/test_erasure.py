"""UU PDP erasure: after DELETE /me nothing in any table names the person.

Alice uses everything (self-check, isolation with check-ins and an acknowledged alert,
a booking she cancels in her own words, a PSC 119 escalation followed by her nurse,
Telegram and WhatsApp chats with her name and NIK, a handoff, sign-in codes), then
deletes her account. A search of every text and JSON column of every table for her
name, phone, NIK and chat ids finds nothing, and nothing staff were told about her
remains in their outboxes."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import timezone

from core.models import AuditLog, Notification, ResidentProfile, User
from isolation.models import Alert, Isolation
from isolation.teleconsult.models import ConsultationMessage
from tests.channels.helpers import (
    post_telegram,
    post_whatsapp,
    tg_callback_update,
    tg_message_update,
    wa_text,
)
from tests.helpers import sign_in_code_sent_to
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db(transaction=True)

NIK = "3374105508950001"
TG_CHAT = 7770123451


@pytest.fixture(autouse=True)
def _chatbot_settings(settings):
    from chatbot.index import index_reset

    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    index_reset()
    yield
    index_reset()


def text_columns(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def rows_naming(needles: list[str]) -> list[str]:
    """Every row of every table whose text or JSON columns contain a needle."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = text_columns(model)
        if not columns:
            continue
        for values in model._base_manager.values_list("pk", *columns).iterator():
            text = " ".join(str(v) for v in values[1:] if v is not None)
            for needle in needles:
                if needle.lower() in text.lower():
                    found.append(f"{model._meta.label}#{values[0]}: {needle}")
    return found


def tg_send(client, text, *, first_name):
    update = tg_message_update(text, chat_id=TG_CHAT)
    update["message"]["from"]["first_name"] = first_name
    update["message"]["chat"]["first_name"] = first_name
    assert post_telegram(client, update).status_code == 200


def otp_sign_in(phone) -> str:
    client = Client()
    r = client.post(
        "/api/v1/auth/otp/request", {"phone": phone}, content_type="application/json"
    )
    assert r.status_code == 202, r.content
    code = sign_in_code_sent_to(phone)
    r = client.post(
        "/api/v1/auth/otp/verify",
        {"phone": phone, "code": code},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()["token"]


def alice_everywhere(alice, nurse, schedule, telegram_api, graph_api):
    """Alice's data in every app; returns her API client."""
    # The booking below is made years ahead (time-machine); the sign-in must outlive it.
    from django.test import override_settings

    from chatbot.conversation.models import Handoff
    from chatbot.conversation.services import handoff_reply, link_code_create
    from isolation.services import alert_acknowledge, isolation_request_decline
    from tests.teleconsult.helpers import NOW

    with override_settings(SIGAP_TOKEN_TTL_DAYS=3650):
        token = otp_sign_in("081100000001")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    r = api.patch(
        "/api/v1/me",
        {"birth_date": "1995-08-15", "sex": "F", "nik": NIK},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = api.post("/api/v1/me/consent", {}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = api.post(
        "/api/v1/selfcheck/assessments",
        {
            "age": 31,
            "symptoms": ["fever", "cough"],
            "temperature_c": "38.4",
            "spo2": 93,
            "exposure": "close_contact",
            "client_key": str(uuid.uuid4()),
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content

    r = api.post(
        "/api/v1/isolation/requests",
        {"test_date": str(timezone.localdate()), "note": "Tinggal sendiri di kos"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    isolation_request_decline(
        actor=nurse, request_id=r.json()["id"], note="Dipantau lewat enrolmen"
    )
    enrol(nurse, alice)
    for spo2 in (97, 91):
        r = api.post(
            "/api/v1/isolation/checkins",
            {"client_id": new_client_id(), "spo2": spo2, "note": "sesak sedikit"},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    alert = Alert.objects.get(isolation__patient=alice)
    alert_acknowledge(actor=nurse, alert_id=alert.pk, note="Ditelepon, SpO2 91")

    tg = Client()
    tg_send(
        tg, f"/link {link_code_create(user=alice).code}", first_name=alice.full_name
    )
    tg_send(tg, f"Saya {alice.full_name}, NIK {NIK}, demam", first_name="Alice")
    tg_send(tg, "menu", first_name="Alice")
    from chatbot.demo import chatbot_demo_seed

    chatbot_demo_seed()
    tg_send(tg, "vaksin", first_name="Alice")  # numbered suggestions
    assert post_telegram(tg, tg_callback_update("m:handoff", chat_id=TG_CHAT))
    tg_send(tg, f"Tolong, NIK saya {NIK}, napas berat", first_name="Alice")
    handoff = Handoff.objects.get(user=alice)
    handoff_reply(
        actor=nurse, handoff_id=handoff.pk, text="Baik Bu Alice, kami telepon"
    )

    wa = Client()
    wa_id = alice.phone.lstrip("+")
    with time_machine.travel(NOW, tick=False):
        for text in (f"/link {link_code_create(user=alice).code}", "menu"):
            assert post_whatsapp(wa, wa_text(text, wa_id=wa_id)).status_code == 200
        r = api.post(
            "/api/v1/teleconsult/bookings",
            {"doctor": nurse.pk, "start": "2030-03-04T08:00:00+07:00"},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    ConsultationMessage.objects.create(
        booking_id=r.json()["id"], sender=alice, text=f"Saya {alice.full_name}"
    )
    return api, r.json()["id"]


def psc_escalation_worked(alice):
    """Alice (isolating, after her danger check-in) asks PSC 119 for help; an
    operator takes and closes it. Her puskesmas's nurses are told of each step."""
    from core.psc.services import (
        escalation_act,
        escalation_create_by_resident,
        escalation_take,
    )
    from tests.factories import PscOperatorFactory

    operator = PscOperatorFactory(full_name="Operator PSC Semarang")
    escalation, _ = escalation_create_by_resident(
        resident=alice, consent=True, note=f"Saya {alice.full_name}, sesak"
    )
    escalation_take(escalation_id=escalation.pk, operator=operator)
    escalation_act(
        escalation_id=escalation.pk, operator=operator, action="resolve", note="OK"
    )


def test_erasure_leaves_nothing_that_names_the_person(
    alice, nurse, schedule, telegram_api, graph_api
):
    api, booking_id = alice_everywhere(alice, nurse, schedule, telegram_api, graph_api)
    psc_escalation_worked(alice)
    wa_id = alice.phone.lstrip("+")
    needles = [alice.full_name, alice.phone, wa_id, "081100000001", NIK, str(TG_CHAT)]
    assert len(rows_naming(needles)) > 10  # the search does find her before

    # In care: refused, and nothing is erased.
    r = api.delete("/api/v1/me")
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "active_isolation"
    assert set(error["fields"]) == {"isolation", "bookings"}
    assert User.objects.get(pk=alice.pk).full_name == alice.full_name

    from isolation.services import isolation_status_change

    isolation = Isolation.objects.get(patient=alice)
    isolation_status_change(actor=nurse, isolation_id=isolation.pk, status="released")
    r = api.post(
        f"/api/v1/teleconsult/bookings/{booking_id}/cancel",
        {"reason": f"Sudah membaik, {alice.full_name}"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content

    # Staff are told about her by initials, never her name or her own words...
    about_her = Notification.objects.filter(subject=alice).exclude(user=alice)
    told = dict(about_her.values_list("kind", "body"))
    assert {
        "isolation.alert.danger",
        "isolation.request",
        "psc.take",
        "psc.resolve",
        "teleconsult.cancelled",
    } <= set(told)
    assert "A.W." in told["psc.take"] and "A.W." in told["teleconsult.cancelled"]
    assert not [b for b in told.values() if "Alice" in b or "membaik" in b]
    assert about_her.filter(user=nurse, status="sent").exists()

    assert api.delete("/api/v1/me").status_code == 204
    assert rows_naming(needles) == []
    # ...and what staff were told about her, sent or pending, goes with her.
    assert not Notification.objects.filter(subject=alice).exists()
    assert not Notification.objects.filter(user=nurse, kind__startswith="psc.").exists()
    assert not ResidentProfile.objects.filter(user=alice).exists()
    assert AuditLog.objects.exists()  # the log stays, without her identity


def documented_export_paths() -> list[str]:
    """The `paths` listed under "What the export contains" in docs/privacy.md."""
    text = (Path(settings.BASE_DIR) / "docs" / "privacy.md").read_text("utf-8")
    section = text.split("## What the export contains", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE)


def resolve(data, path: str) -> list:
    """Values at a dotted path; `[]` steps into every item of a list."""
    values = [data]
    for step in path.split("."):
        many = step.endswith("[]")
        key = step.removesuffix("[]")
        values = [v[key] for v in values if isinstance(v, dict) and key in v]
        if many:
            values = [item for v in values for item in v]
    return values


def test_the_export_covers_everything_privacy_md_lists(
    alice, nurse, schedule, telegram_api, graph_api
):
    api, _ = alice_everywhere(alice, nurse, schedule, telegram_api, graph_api)
    export = api.get("/api/v1/me/export").json()
    paths = documented_export_paths()
    assert len(paths) > 20
    # Every documented item is there (a `[]` path: with her data in it)...
    missing = [p for p in paths if resolve(export, p) == []]
    assert missing == []
    # ...and nothing is exported that the page does not list.
    assert set(export) == {p.split(".")[0].removesuffix("[]") for p in paths}
    alerts = resolve(export, "isolation.isolations[].alerts[]")
    assert alerts[0]["acknowledgement_note"] == "Ditelepon, SpO2 91"
    chat = json.dumps(resolve(export, "chat_messages[]"))
    assert NIK in chat
    offered = resolve(export, "chat_offered_choices[]")
    assert offered[0]["channel"] == "telegram" and len(offered[0]["choices"]) == 3
    handoff = json.dumps(resolve(export, "chatbot_conversations.handoffs[].messages[]"))
    assert "kami telepon" in handoff
    requests = resolve(export, "isolation.requests[]")
    assert requests[0]["note"] == "Tinggal sendiri di kos"
