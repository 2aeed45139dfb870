"""The consultation: outcome note, chat history over REST, the websocket room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from core.models import AuditLog, Notification
from isolation.teleconsult.models import Booking, ConsultationMessage
from tests.helpers import api_token_for, ws_close_code
from tests.teleconsult.helpers import MONDAY_0800_WIB

BOOKINGS = "/api/v1/teleconsult/bookings"


# --- outcome note ------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_the_doctor_write_the_outcome_once_it_started(
    clock, nurse, alice, make_booking, auth_client
):
    booking = make_booking(MONDAY_0800_WIB)
    url = f"{BOOKINGS}/{booking.pk}/outcome"
    note = {"note": "Isolasi mandiri lanjut; paracetamol 3x500 mg; kontrol 3 hari."}
    early = auth_client(nurse).put(url, note, format="json")
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "consultation_not_started"

    clock.move_to(MONDAY_0800_WIB + timedelta(minutes=25))
    response = auth_client(nurse).put(url, note, format="json")
    assert response.status_code == 200
    assert response.json()["note"] == note["note"]
    booking.refresh_from_db()
    assert booking.status == "completed"
    assert Notification.objects.filter(user=alice, kind="teleconsult.outcome").exists()
    assert (
        AuditLog.objects.filter(
            action="teleconsult.outcome.write", patient=alice, actor=nurse
        ).count()
        == 1
    )


@pytest.mark.django_db
@override_settings(SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS=1)
def test_an_outcome_written_at_the_start_keeps_the_consultation_until_its_end(
    clock, schedule, nurse, alice, make_booking, auth_client
):
    """The outcome completes the consultation, but until its end time it is still
    under way: the patient cannot erase the doctor's booking, chat and note from
    under them, and it still counts against her cap."""
    booking = make_booking(MONDAY_0800_WIB, minutes=10)
    ConsultationMessage.objects.create(booking=booking, sender=nurse, text="Halo")
    clock.move_to(MONDAY_0800_WIB + timedelta(seconds=8))
    url = f"{BOOKINGS}/{booking.pk}/outcome"
    written = auth_client(nurse).put(url, {"note": "Kontrol"}, format="json")
    assert written.status_code == 200
    booking.refresh_from_db()
    assert booking.status == "completed"

    clock.move_to(MONDAY_0800_WIB + timedelta(seconds=10))
    refused = auth_client(alice).delete("/api/v1/me")
    assert refused.status_code == 409
    assert set(refused.json()["error"]["fields"]) == {"bookings"}
    doctor = auth_client(nurse).delete("/api/v1/me")
    assert set(doctor.json()["error"]["fields"]) == {"appointments"}
    capped = auth_client(alice).post(
        BOOKINGS,
        {
            "doctor": nurse.pk,
            "start": (MONDAY_0800_WIB + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert capped.json()["error"]["code"] == "booking_limit"
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert ConsultationMessage.objects.filter(booking=booking).exists()

    clock.move_to(MONDAY_0800_WIB + timedelta(minutes=10))  # its end
    assert auth_client(alice).delete("/api/v1/me").status_code == 204
    assert not Booking.objects.filter(pk=booking.pk).exists()


@pytest.mark.django_db
def test_it_shows_the_outcome_only_to_participants_and_the_regions_office(
    clock,
    nurse,
    nurse2,
    alice,
    bob,
    curator,
    health_office,
    jakarta_office,
    make_booking,
    auth_client,
):
    booking = make_booking(MONDAY_0800_WIB, outcome_note="Rujuk ke RSUD.")
    url = f"{BOOKINGS}/{booking.pk}/outcome"
    assert auth_client(alice).get(url).json()["note"] == "Rujuk ke RSUD."
    assert not AuditLog.objects.filter(action="teleconsult.outcome.view").exists()

    for reader in (nurse, health_office):
        assert auth_client(reader).get(url).status_code == 200
    views = AuditLog.objects.filter(action="teleconsult.outcome.view", patient=alice)
    assert {row.actor_id for row in views} == {nurse.pk, health_office.pk}

    # Curators keep chatbot content; an office reads its own wilayah kerja only.
    for outsider in (bob, nurse2, curator, jakarta_office):
        response = auth_client(outsider).get(url)
        assert response.status_code == 404
        assert "Rujuk" not in response.content.decode()
    assert views.count() == 2


@pytest.mark.django_db
def test_it_refuses_outcome_writes_by_anyone_but_the_doctor(
    clock, nurse2, alice, make_booking, auth_client
):
    booking = make_booking(MONDAY_0800_WIB)
    clock.move_to(MONDAY_0800_WIB + timedelta(minutes=5))
    url = f"{BOOKINGS}/{booking.pk}/outcome"
    assert auth_client(alice).put(url, {"note": "x"}, format="json").status_code == 403
    assert auth_client(nurse2).put(url, {"note": "x"}, format="json").status_code == 404
    booking.refresh_from_db()
    assert booking.outcome_note == ""


@pytest.mark.django_db
def test_it_bounds_the_outcome_note(clock, nurse, make_booking, auth_client):
    booking = make_booking(MONDAY_0800_WIB)
    clock.move_to(MONDAY_0800_WIB + timedelta(minutes=5))
    url = f"{BOOKINGS}/{booking.pk}/outcome"
    response = auth_client(nurse).put(url, {"note": "x" * 4001}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    assert auth_client(nurse).put(url, {}, format="json").status_code == 400


# --- messages over REST ---------------------------------------------------------


@pytest.mark.django_db
def test_it_keeps_the_chat_history(clock, nurse, alice, bob, make_booking, auth_client):
    booking = make_booking(MONDAY_0800_WIB)
    url = f"{BOOKINGS}/{booking.pk}/messages"
    closed = auth_client(alice).post(url, {"text": "Halo"}, format="json")
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "room_closed"

    clock.move_to(MONDAY_0800_WIB - timedelta(minutes=5))
    assert (
        auth_client(alice).post(url, {"text": "Halo dok"}, format="json").status_code
        == 201
    )
    assert (
        auth_client(nurse)
        .post(url, {"text": "Halo, ada keluhan?"}, format="json")
        .status_code
        == 201
    )
    too_long = auth_client(alice).post(url, {"text": "x" * 2001}, format="json")
    assert too_long.status_code == 400
    assert "text" in too_long.json()["error"]["fields"]
    blank = auth_client(alice).post(url, {"text": "   "}, format="json")
    assert blank.status_code == 400

    history = auth_client(alice).get(url).json()["results"]
    assert [(m["sender"], m["text"]) for m in history] == [
        ("doctor", "Halo, ada keluhan?"),
        ("patient", "Halo dok"),
    ]
    assert auth_client(bob).post(url, {"text": "hi"}, format="json").status_code == 404
    assert ConsultationMessage.objects.count() == 2


# --- the websocket room -----------------------------------------------------------


@pytest.fixture
def ws(transactional_db, alice, bob, nurse, nurse2):
    """Open a room connection as someone (tokens made up front: async tests
    cannot touch the ORM synchronously)."""
    from core.asgi import application

    keys = {user.pk: api_token_for(user) for user in (alice, bob, nurse, nurse2)}

    def connect_as(booking_id: int, user=None) -> WebsocketCommunicator:
        query = f"?token={keys[user.pk]}" if user is not None else ""
        return WebsocketCommunicator(
            application,
            f"/ws/teleconsult/{booking_id}/{query}",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
        )

    return connect_as


@pytest.fixture
def live_booking(transactional_db, make_booking):
    """A consultation starting in five minutes: its room is open."""
    return make_booking(timezone.now() + timedelta(minutes=5))


@pytest.fixture
def later_booking(transactional_db, make_booking):
    return make_booking(timezone.now() + timedelta(hours=3))


@database_sync_to_async
def _room_state(booking_id: int) -> tuple[list[str], Booking]:
    # As the consumers read: the connection is closed afterwards, so none is left
    # open on the executor thread when the test database is dropped.
    texts = list(
        ConsultationMessage.objects.filter(booking_id=booking_id).values_list(
            "text", flat=True
        )
    )
    return texts, Booking.objects.get(pk=booking_id)


@pytest.mark.django_db(transaction=True)
async def test_it_lets_both_participants_chat_and_stores_messages(
    ws, live_booking, nurse, alice
):
    patient = ws(live_booking.pk, alice)
    doctor = ws(live_booking.pk, nurse)
    assert (await patient.connect())[0]
    assert (await doctor.connect())[0]
    assert await patient.receive_json_from() == {"type": "history", "messages": []}
    assert await doctor.receive_json_from() == {"type": "history", "messages": []}

    await patient.send_json_to({"type": "message", "text": "Dok, saya sesak."})
    for side in (patient, doctor):
        event = await side.receive_json_from(timeout=5)
        assert event["type"] == "message"
        assert event["sender"] == "patient"
        assert event["text"] == "Dok, saya sesak."

    await doctor.send_json_to({"type": "message", "text": "x" * 2001})
    error = await doctor.receive_json_from(timeout=5)
    assert error["type"] == "error"
    await doctor.send_to(text_data="not json")
    assert (await doctor.receive_json_from(timeout=5))["code"] == "malformed"

    await patient.disconnect()
    await doctor.disconnect()
    stored, joined = await _room_state(live_booking.pk)
    assert stored == ["Dok, saya sesak."]
    assert joined.patient_joined_at is not None
    assert joined.doctor_joined_at is not None


async def _refused(communicator: WebsocketCommunicator) -> int | None:
    """The close code a refused client sees (accepted, then closed with the code);
    the refused consumer instance finishes before the test does."""
    return await ws_close_code(communicator)


@pytest.mark.django_db(transaction=True)
async def test_it_rejects_a_non_participant_from_the_room(
    ws, live_booking, bob, nurse2
):
    for outsider in (bob, nurse2):
        assert await _refused(ws(live_booking.pk, outsider)) == 4404


@pytest.mark.django_db(transaction=True)
async def test_it_rejects_anonymous_and_unknown_rooms(ws, live_booking, alice):
    assert await _refused(ws(live_booking.pk)) == 4401
    assert await _refused(ws(live_booking.pk + 999, alice)) == 4404


@pytest.mark.django_db(transaction=True)
async def test_it_keeps_the_room_closed_outside_the_booking_time(
    ws, later_booking, alice
):
    assert await _refused(ws(later_booking.pk, alice)) == 4409
