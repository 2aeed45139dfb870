from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import Notification
from isolation.teleconsult.models import AvailabilityException, DoctorSchedule
from tests.teleconsult.helpers import MONDAY_0800_WIB

pytestmark = pytest.mark.django_db

AVAILABILITY = "/api/v1/teleconsult/availability"
EXCEPTIONS = "/api/v1/teleconsult/availability/exceptions"

WEEK = {
    "slot_minutes": 20,
    "booking_notice_minutes": 30,
    "cancel_notice_minutes": 60,
    "windows": [
        {"weekday": 0, "start": "08:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "15:00"},
        {"weekday": 2, "start": "09:00", "end": "11:00"},
    ],
}


def test_it_lets_a_health_worker_publish_weekly_availability(nurse, auth_client):
    client = auth_client(nurse)
    empty = client.get(AVAILABILITY)
    assert empty.status_code == 200
    assert empty.json()["windows"] == []
    assert empty.json()["is_active"] is False

    response = client.put(AVAILABILITY, WEEK, format="json")
    assert response.status_code == 200
    body = client.get(AVAILABILITY).json()
    assert body["slot_minutes"] == 20
    assert body["tz_label"] == "WIB"
    assert body["is_active"] is True
    assert [(w["weekday_name"], w["start"], w["end"]) for w in body["windows"]] == [
        ("Senin", "08:00", "12:00"),
        ("Senin", "13:00", "15:00"),
        ("Rabu", "09:00", "11:00"),
    ]
    # A second PUT replaces, it does not append.
    client.put(AVAILABILITY, {**WEEK, "windows": WEEK["windows"][:1]}, format="json")
    assert len(client.get(AVAILABILITY).json()["windows"]) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"windows": [{"weekday": 0, "start": "12:00", "end": "08:00"}]}, "windows.0"),
        (
            {
                "windows": [
                    {"weekday": 1, "start": "08:00", "end": "12:00"},
                    {"weekday": 1, "start": "11:00", "end": "13:00"},
                ]
            },
            "windows.1",
        ),
        (
            {"windows": [{"weekday": 7, "start": "08:00", "end": "12:00"}]},
            "windows.0.weekday",
        ),
        ({"windows": [{"weekday": 0, "start": "08:00", "end": "08:10"}]}, "windows.0"),
        ({"slot_minutes": 25}, "slot_minutes"),
        ({"booking_notice_minutes": -1}, "booking_notice_minutes"),
        ({"windows": "mornings"}, "windows"),
    ],
)
def test_it_rejects_bad_availability(nurse, auth_client, change, field):
    response = auth_client(nurse).put(AVAILABILITY, {**WEEK, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not DoctorSchedule.objects.filter(doctor=nurse).exists()


def test_it_keeps_availability_for_health_workers(
    alice, curator, api_client, auth_client
):
    assert api_client.get(AVAILABILITY).status_code == 401
    assert auth_client(alice).put(AVAILABILITY, WEEK, format="json").status_code == 403
    assert auth_client(curator).get(AVAILABILITY).status_code == 403


def test_it_records_leave(clock, schedule, nurse, nurse2, auth_client):
    client = auth_client(nurse)
    whole_day = client.post(
        EXCEPTIONS, {"date": "2030-03-04", "note": "Cuti"}, format="json"
    )
    assert whole_day.status_code == 201
    assert whole_day.json()["cancelled_bookings"] == []
    morning = client.post(
        EXCEPTIONS,
        {"date": "2030-03-05", "start_time": "08:00", "end_time": "10:00"},
        format="json",
    )
    assert morning.status_code == 201
    listed = client.get(EXCEPTIONS).json()
    assert [e["date"] for e in listed] == ["2030-03-04", "2030-03-05"]

    pk = whole_day.json()["id"]
    assert auth_client(nurse2).delete(f"{EXCEPTIONS}/{pk}").status_code == 404
    assert client.delete(f"{EXCEPTIONS}/{pk}").status_code == 204
    assert client.delete(f"{EXCEPTIONS}/{pk}").status_code == 404


def test_leave_over_booked_consultations_is_refused_and_lists_them(
    clock, schedule, nurse, make_booking, auth_client
):
    booked = make_booking(MONDAY_0800_WIB)
    response = auth_client(nurse).post(
        EXCEPTIONS, {"date": "2030-03-04", "note": "Cuti"}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "leave_has_bookings"
    assert error["fields"]["bookings"] == f"#{booked.pk} 04/03/2030 08:00 WIB"
    assert "cancel_bookings" in error["message"]
    assert not AvailabilityException.objects.exists()
    booked.refresh_from_db()
    assert booked.status == "booked"
    assert not Notification.objects.filter(kind="teleconsult.cancelled").exists()
    # Leave that misses it (another morning, or after it) goes through.
    after = auth_client(nurse).post(
        EXCEPTIONS,
        {"date": "2030-03-04", "start_time": "09:00", "end_time": "12:00"},
        format="json",
    )
    assert after.status_code == 201


@pytest.mark.parametrize("language", ["id", "en"])
def test_leave_with_cancel_bookings_cancels_them_and_tells_each_patient(
    clock, schedule, nurse, alice, bob, make_booking, auth_client, language
):
    alice.language = language
    alice.save(update_fields=["language"])
    first = make_booking(MONDAY_0800_WIB)
    second = make_booking(MONDAY_0800_WIB + timedelta(hours=1), patient=bob)
    other_day = make_booking(MONDAY_0800_WIB + timedelta(days=1))
    response = auth_client(nurse).post(
        EXCEPTIONS,
        {"date": "2030-03-04", "note": "Pelatihan", "cancel_bookings": True},
        format="json",
    )
    assert response.status_code == 201
    assert [b["id"] for b in response.json()["cancelled_bookings"]] == [
        first.pk,
        second.pk,
    ]
    for booking in (first, second):
        booking.refresh_from_db()
        assert (booking.status, booking.cancelled_by) == ("cancelled", "doctor")
        assert booking.cancel_reason == "Dokter berhalangan"
    other_day.refresh_from_db()
    assert other_day.status == "booked"
    told = Notification.objects.get(user=alice, kind="teleconsult.cancelled")
    assert (
        told.body
        == {
            "id": "Konsultasi Anda dengan Ns. Siti Rahayu pada 04/03/2030 08:00 WIB "
            "dibatalkan karena dokter berhalangan. Silakan pesan jadwal lain di "
            "aplikasi.",
            "en": "Your consultation with Ns. Siti Rahayu at 04/03/2030 08:00 WIB was "
            "cancelled because the doctor is unavailable. Book another time in the app.",
        }[language]
    )
    assert Notification.objects.filter(user=bob, kind="teleconsult.cancelled").exists()
    # Nothing is sent to the doctor about her own leave.
    assert not Notification.objects.filter(user=nurse).exists()
    # The freed slots are not bookable: the doctor is on leave.
    again = auth_client(alice).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": MONDAY_0800_WIB.isoformat()},
        format="json",
    )
    assert again.json()["error"]["code"] == "doctor_on_leave"


def test_leave_leaves_consultations_already_under_way_alone(
    clock, schedule, nurse, make_booking, auth_client
):
    running = make_booking(MONDAY_0800_WIB)
    clock.move_to(MONDAY_0800_WIB + timedelta(minutes=10))
    response = auth_client(nurse).post(
        EXCEPTIONS, {"date": "2030-03-04", "cancel_bookings": True}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["cancelled_bookings"] == []
    running.refresh_from_db()
    assert running.status == "booked"


def test_cancel_bookings_must_be_a_boolean(clock, schedule, nurse, auth_client):
    response = auth_client(nurse).post(
        EXCEPTIONS, {"date": "2030-03-04", "cancel_bookings": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "cancel_bookings" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"date": "2030-03-05", "start_time": "08:00"},
        {"date": "2030-03-05", "start_time": "10:00", "end_time": "08:00"},
        {"date": "not a date"},
        {},
    ],
)
def test_it_rejects_bad_leave(clock, schedule, nurse, auth_client, body):
    response = auth_client(nurse).post(EXCEPTIONS, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
