from __future__ import annotations

import pytest

from isolation.teleconsult.models import DoctorSchedule
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


def test_it_records_leave_and_counts_bookings_it_touches(
    clock, schedule, nurse, nurse2, make_booking, auth_client
):
    make_booking(MONDAY_0800_WIB)
    client = auth_client(nurse)
    whole_day = client.post(
        EXCEPTIONS, {"date": "2030-03-04", "note": "Cuti"}, format="json"
    )
    assert whole_day.status_code == 201
    assert whole_day.json()["conflicting_bookings"] == 1
    morning = client.post(
        EXCEPTIONS,
        {"date": "2030-03-05", "start_time": "08:00", "end_time": "10:00"},
        format="json",
    )
    assert morning.status_code == 201
    assert morning.json()["conflicting_bookings"] == 0
    listed = client.get(EXCEPTIONS).json()
    assert [e["date"] for e in listed] == ["2030-03-04", "2030-03-05"]

    pk = whole_day.json()["id"]
    assert auth_client(nurse2).delete(f"{EXCEPTIONS}/{pk}").status_code == 404
    assert client.delete(f"{EXCEPTIONS}/{pk}").status_code == 204
    assert client.delete(f"{EXCEPTIONS}/{pk}").status_code == 404


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
