from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from core.models import Notification
from isolation.teleconsult.models import Booking
from tests.factories import UserFactory
from tests.teleconsult.helpers import MONDAY_0800_WIB

pytestmark = pytest.mark.django_db

SLOTS = "/api/v1/teleconsult/slots"
BOOKINGS = "/api/v1/teleconsult/bookings"


def book(client, doctor, start, reason="Demam tiga hari"):
    return client.post(
        BOOKINGS,
        {"doctor": doctor.pk, "start": start.isoformat(), "reason": reason},
        format="json",
    )


# --- slots -------------------------------------------------------------------


def test_it_lists_free_slots_in_utc_doctor_and_requester_time(
    clock, schedule, nurse, yosef, auth_client
):
    response = auth_client(yosef).get(
        SLOTS,
        {
            "facility": nurse.facility_id,
            "date_from": "2030-03-04",
            "date_to": "2030-03-04",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Asia/Jayapura"
    assert body["tz_label"] == "WIT"
    [doctor] = body["doctors"]
    assert doctor["id"] == nurse.pk
    assert doctor["timezone"] == "Asia/Jakarta"
    assert doctor["tz_label"] == "WIB"
    assert len(doctor["slots"]) == 8
    assert doctor["slots"][0] == {
        "start": "2030-03-04T01:00:00Z",
        "end": "2030-03-04T01:30:00Z",
        "doctor_local": "2030-03-04T08:00:00+07:00",
        "local": "2030-03-04T10:00:00+09:00",
    }
    assert body["count"] == 8


def test_it_defaults_to_two_weeks_from_today(
    clock, schedule, nurse, alice, auth_client
):
    response = auth_client(alice).get(SLOTS, {"doctor": nurse.pk})
    assert response.status_code == 200
    assert response.json()["date_from"] == "2030-03-03"  # Sunday evening in WIB
    assert response.json()["count"] == 10 * 8


def test_it_hides_booked_slots_and_frees_them_on_cancel(
    clock, schedule, nurse, alice, bob, auth_client
):
    created = book(auth_client(alice), nurse, MONDAY_0800_WIB)
    assert created.status_code == 201
    params = {"doctor": nurse.pk, "date_from": "2030-03-04", "date_to": "2030-03-04"}
    starts = [
        s["start"]
        for s in auth_client(bob).get(SLOTS, params).json()["doctors"][0]["slots"]
    ]
    assert "2030-03-04T01:00:00Z" not in starts
    assert len(starts) == 7

    cancel = auth_client(alice).post(f"{BOOKINGS}/{created.json()['id']}/cancel")
    assert cancel.status_code == 200
    starts = [
        s["start"]
        for s in auth_client(bob).get(SLOTS, params).json()["doctors"][0]["slots"]
    ]
    assert "2030-03-04T01:00:00Z" in starts
    assert book(auth_client(bob), nurse, MONDAY_0800_WIB).status_code == 201


def test_it_leaves_out_leave_days(clock, schedule, nurse, alice, auth_client):
    leave = auth_client(nurse).post(
        "/api/v1/teleconsult/availability/exceptions",
        {"date": "2030-03-05"},
        format="json",
    )
    assert leave.status_code == 201
    response = auth_client(alice).get(
        SLOTS, {"doctor": nurse.pk, "date_from": "2030-03-04", "date_to": "2030-03-06"}
    )
    days = {s["doctor_local"][:10] for s in response.json()["doctors"][0]["slots"]}
    assert days == {"2030-03-04", "2030-03-06"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "facility"),
        ({"facility": "x"}, "facility"),
        ({"doctor": 1, "date_from": "2030-03-10", "date_to": "2030-03-01"}, "date_to"),
        ({"doctor": 1, "date_from": "2030-03-01", "date_to": "2030-04-30"}, "date_to"),
        ({"doctor": 1, "tz": "Mars/Olympus"}, "tz"),
        ({"doctor": 1, "colour": "red"}, "colour"),
    ],
)
def test_it_rejects_bad_slot_queries(clock, alice, auth_client, params, field):
    response = auth_client(alice).get(SLOTS, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_requires_sign_in_for_slots(api_client, schedule, nurse):
    assert api_client.get(SLOTS, {"doctor": nurse.pk}).status_code == 401


# --- booking -----------------------------------------------------------------


def test_it_books_a_slot_chosen_in_the_patients_own_zone(
    clock, schedule, nurse, yosef, auth_client
):
    start_wit = datetime.fromisoformat("2030-03-04T10:00:00+09:00")
    response = book(auth_client(yosef), nurse, start_wit)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "booked"
    assert body["start"] == "2030-03-04T01:00:00Z"
    assert body["end"] == "2030-03-04T01:30:00Z"
    assert body["start_doctor_local"] == "2030-03-04T08:00:00+07:00"
    assert body["start_patient_local"] == "2030-03-04T10:00:00+09:00"
    assert body["start_local"] == "2030-03-04T10:00:00+09:00"
    assert body["reschedules_left"] == 2
    assert body["room"]["path"] == f"/ws/teleconsult/{body['id']}/"
    booking = Booking.objects.get()
    assert booking.start == MONDAY_0800_WIB
    assert booking.facility_id == nurse.facility_id


def test_it_shows_the_doctor_their_own_local_time(
    clock, schedule, nurse, yosef, auth_client
):
    created = book(auth_client(yosef), nurse, MONDAY_0800_WIB).json()
    seen = auth_client(nurse).get(f"{BOOKINGS}/{created['id']}").json()
    assert seen["timezone"] == "Asia/Jakarta"
    assert seen["start_local"] == "2030-03-04T08:00:00+07:00"
    assert seen["start_patient_local"] == "2030-03-04T10:00:00+09:00"


def test_it_gives_the_loser_409_slot_taken(
    clock, schedule, nurse, alice, bob, auth_client
):
    assert book(auth_client(alice), nurse, MONDAY_0800_WIB).status_code == 201
    response = book(auth_client(bob), nurse, MONDAY_0800_WIB)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_taken"
    assert Booking.objects.count() == 1


def test_it_refuses_a_patient_two_consultations_at_once(
    clock, schedule, schedule2, nurse, nurse2, alice, auth_client
):
    assert book(auth_client(alice), nurse, MONDAY_0800_WIB).status_code == 201
    response = book(auth_client(alice), nurse2, MONDAY_0800_WIB)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "patient_busy"


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("2030-03-01T01:00:00Z", "slot_in_past"),
        ("2030-03-03T11:00:00Z", "slot_in_past"),
        ("2030-03-09T01:00:00Z", "outside_availability"),  # Saturday
        ("2030-03-04T06:00:00Z", "outside_availability"),  # 13:00 WIB
        ("2030-03-04T01:10:00Z", "slot_unaligned"),
        ("2030-03-04T01:00:30Z", "slot_unaligned"),
    ],
)
def test_it_rejects_slots_that_cannot_be_booked(
    clock, schedule, nurse, alice, auth_client, start, code
):
    response = auth_client(alice).post(
        BOOKINGS, {"doctor": nurse.pk, "start": start, "reason": "batuk"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert "start" in error["fields"]


def test_it_enforces_the_booking_notice(clock, schedule, nurse, alice, auth_client):
    clock.move_to(datetime(2030, 3, 4, 0, 30, tzinfo=UTC))  # 07:30 WIB
    response = book(auth_client(alice), nurse, MONDAY_0800_WIB)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "booking_notice"
    assert (
        book(
            auth_client(alice), nurse, MONDAY_0800_WIB + timedelta(minutes=90)
        ).status_code
        == 201
    )


def test_it_rejects_a_start_without_an_offset(
    clock, schedule, nurse, alice, auth_client
):
    response = auth_client(alice).post(
        BOOKINGS, {"doctor": nurse.pk, "start": "2030-03-04T08:00:00"}, format="json"
    )
    assert response.status_code == 400
    assert "start" in response.json()["error"]["fields"]


def test_it_rejects_a_reason_over_1000_characters(
    clock, schedule, nurse, alice, auth_client
):
    response = book(auth_client(alice), nurse, MONDAY_0800_WIB, reason="x" * 1001)
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert (
        book(auth_client(alice), nurse, MONDAY_0800_WIB, reason="x" * 1000).status_code
        == 201
    )


def test_it_requires_consent_to_book(clock, schedule, nurse, auth_client):
    carol = UserFactory(full_name="Carol", profile__consent_given_at=None)
    response = book(auth_client(carol), nurse, MONDAY_0800_WIB)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert not Booking.objects.exists()


@pytest.mark.parametrize("doctor", ["alice", "curator", "missing"])
def test_it_rejects_someone_who_is_not_a_doctor(
    clock, schedule, bob, alice, curator, auth_client, doctor
):
    pk = {"alice": alice.pk, "curator": curator.pk, "missing": 999999}[doctor]
    response = auth_client(bob).post(
        BOOKINGS, {"doctor": pk, "start": MONDAY_0800_WIB.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_doctor"
    assert "doctor" in response.json()["error"]["fields"]


def test_it_lets_only_residents_book(
    clock, schedule, schedule2, nurse, nurse2, auth_client
):
    response = book(auth_client(nurse2), nurse, MONDAY_0800_WIB)
    assert response.status_code == 403


def test_it_requires_sign_in_to_book(api_client, schedule, nurse):
    assert book(api_client, nurse, MONDAY_0800_WIB).status_code == 401


def test_it_rejects_missing_and_unknown_fields(clock, schedule, alice, auth_client):
    missing = auth_client(alice).post(BOOKINGS, {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"start", "doctor"}
    unknown = auth_client(alice).post(BOOKINGS, {"slot": "x"}, format="json")
    assert unknown.status_code == 400
    assert "slot" in unknown.json()["error"]["fields"]


@pytest.mark.parametrize(
    "start",
    [
        "2030-03-04T08:60:00+07:00",
        "2030-02-30T08:00:00Z",
        "2030-03-04T25:00:00Z",
        "2030-03-04T08:00:60Z",
        "2030-13-04T08:00:00Z",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_it_answers_an_impossible_start_with_a_field_error(
    clock, schedule, nurse, alice, auth_client, start
):
    client = auth_client(alice)
    booked = client.post(BOOKINGS, {"doctor": nurse.pk, "start": start}, format="json")
    assert booked.status_code == 400
    assert set(booked.json()["error"]["fields"]) == {"start"}
    pk = book(client, nurse, MONDAY_0800_WIB).json()["id"]
    moved = client.post(f"{BOOKINGS}/{pk}/reschedule", {"start": start}, format="json")
    assert moved.status_code == 400
    assert set(moved.json()["error"]["fields"]) == {"start"}
    assert Booking.objects.get().start == MONDAY_0800_WIB


def test_it_speaks_english_when_asked(clock, schedule, nurse, alice, auth_client):
    response = auth_client(alice).post(
        BOOKINGS,
        {"doctor": nurse.pk, "start": "2030-03-04T01:10:00Z"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["error"]["message"] == (
        "The start time is not on one of the doctor's slots."
    )


# --- lists, cancel, reschedule -----------------------------------------------


def test_it_lists_only_the_callers_bookings(
    clock, schedule, nurse, nurse2, alice, bob, auth_client
):
    book(auth_client(alice), nurse, MONDAY_0800_WIB)
    book(auth_client(bob), nurse, MONDAY_0800_WIB + timedelta(minutes=30))
    mine = auth_client(alice).get(BOOKINGS).json()["results"]
    assert [b["patient"]["id"] for b in mine] == [alice.pk]
    theirs = auth_client(nurse).get(BOOKINGS).json()["results"]
    assert len(theirs) == 2
    assert auth_client(nurse2).get(BOOKINGS).json()["results"] == []
    assert (
        auth_client(alice).get(BOOKINGS, {"status": "cancelled"}).json()["results"]
        == []
    )


def test_it_hides_other_peoples_bookings(
    clock, schedule, nurse, nurse2, alice, bob, auth_client
):
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    for path in ("", "/outcome", "/messages"):
        assert auth_client(bob).get(f"{BOOKINGS}/{pk}{path}").status_code == 404
        assert auth_client(nurse2).get(f"{BOOKINGS}/{pk}{path}").status_code == 404
    response = auth_client(bob).post(f"{BOOKINGS}/{pk}/cancel")
    assert response.status_code == 404
    assert (
        auth_client(bob)
        .post(
            f"{BOOKINGS}/{pk}/reschedule",
            {"start": (MONDAY_0800_WIB + timedelta(hours=1)).isoformat()},
            format="json",
        )
        .status_code
        == 404
    )
    assert Booking.objects.get().status == "booked"


def test_it_lets_the_doctor_cancel_and_tells_the_patient(
    clock, schedule, nurse, alice, auth_client
):
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    clock.move_to(
        MONDAY_0800_WIB - timedelta(minutes=30)
    )  # inside the patient's notice
    response = auth_client(nurse).post(
        f"{BOOKINGS}/{pk}/cancel", {"reason": "Dinas luar"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancelled_by"] == "doctor"
    assert response.json()["cancel_reason"] == "Dinas luar"
    told = Notification.objects.get(user=alice, kind="teleconsult.cancelled")
    assert told.body == (
        "Konsultasi Anda dengan Ns. Siti Rahayu pada 04/03/2030 08:00 WIB dibatalkan "
        "oleh dokter. Silakan pesan jadwal lain di aplikasi. Alasannya dapat dibaca "
        "di aplikasi."
    )
    assert told.subject == alice
    # The reason is the app's to show (the API above), not an SMS body's.
    assert auth_client(alice).get(f"{BOOKINGS}/{pk}").json()["cancel_reason"] == (
        "Dinas luar"
    )


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "id",
            "Pasien A.W. membatalkan konsultasi 04/03/2030 08:00 WIB. Slot itu "
            "terbuka lagi untuk pasien lain. Alasannya dapat dibaca di aplikasi.",
        ),
        (
            "en",
            "Patient A.W. cancelled the consultation at 04/03/2030 08:00 WIB. The "
            "slot is open to other patients again. The reason is shown in the app.",
        ),
    ],
)
def test_a_patients_cancellation_tells_the_doctor_which_one_without_her_words(
    clock, schedule, nurse, alice, auth_client, language, expected
):
    nurse.language = language
    nurse.save(update_fields=["language"])
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    response = auth_client(alice).post(
        f"{BOOKINGS}/{pk}/cancel", {"reason": "Sudah membaik"}, format="json"
    )
    assert response.status_code == 200
    told = Notification.objects.get(user=nurse, kind="teleconsult.cancelled")
    # Initials and time; her words stay in the app, and no "book another time".
    assert told.body == expected
    assert told.subject == alice
    # The doctor reads her reason in the app.
    appointment = auth_client(nurse).get(f"{BOOKINGS}/{pk}").json()
    assert appointment["cancel_reason"] == "Sudah membaik"


def test_it_holds_patients_to_the_cancellation_notice(
    clock, schedule, nurse, alice, auth_client
):
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    clock.move_to(MONDAY_0800_WIB - timedelta(minutes=90))
    response = auth_client(alice).post(f"{BOOKINGS}/{pk}/cancel")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cancel_notice"


def test_it_refuses_to_cancel_twice(clock, schedule, nurse, alice, auth_client):
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    assert auth_client(alice).post(f"{BOOKINGS}/{pk}/cancel").status_code == 200
    response = auth_client(alice).post(f"{BOOKINGS}/{pk}/cancel")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking_not_active"


def test_it_reschedules_at_most_twice(clock, schedule, nurse, alice, bob, auth_client):
    client = auth_client(alice)
    pk = book(client, nurse, MONDAY_0800_WIB).json()["id"]
    url = f"{BOOKINGS}/{pk}/reschedule"
    first = client.post(url, {"start": "2030-03-04T02:00:00Z"}, format="json")
    assert first.status_code == 200
    assert first.json()["reschedules_left"] == 1
    # The slot it left is bookable again at once.
    assert book(auth_client(bob), nurse, MONDAY_0800_WIB).status_code == 201
    assert (
        client.post(url, {"start": "2030-03-05T01:00:00Z"}, format="json").status_code
        == 200
    )
    third = client.post(url, {"start": "2030-03-06T01:00:00Z"}, format="json")
    assert third.status_code == 400
    assert third.json()["error"]["code"] == "reschedule_limit"
    booking = Booking.objects.get(pk=pk)
    assert booking.reschedule_count == 2
    assert booking.start == datetime(2030, 3, 5, 1, 0, tzinfo=UTC)


def test_it_refuses_to_reschedule_onto_a_taken_or_bad_slot(
    clock, schedule, nurse, alice, bob, auth_client
):
    book(auth_client(bob), nurse, MONDAY_0800_WIB + timedelta(minutes=30))
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    url = f"{BOOKINGS}/{pk}/reschedule"
    taken = auth_client(alice).post(
        url, {"start": "2030-03-04T01:30:00Z"}, format="json"
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "slot_taken"
    bad = auth_client(alice).post(url, {"start": "2030-03-04T01:15:00Z"}, format="json")
    assert bad.json()["error"]["code"] == "slot_unaligned"
    same = auth_client(alice).post(
        url, {"start": "2030-03-04T01:00:00Z"}, format="json"
    )
    assert same.json()["error"]["code"] == "same_slot"
    by_doctor = auth_client(nurse).post(
        url, {"start": "2030-03-04T02:00:00Z"}, format="json"
    )
    assert by_doctor.status_code == 403
    assert Booking.objects.get(pk=pk).reschedule_count == 0


def test_it_refuses_to_reschedule_inside_the_notice(
    clock, schedule, nurse, alice, auth_client
):
    pk = book(auth_client(alice), nurse, MONDAY_0800_WIB).json()["id"]
    clock.move_to(MONDAY_0800_WIB - timedelta(hours=1))
    response = auth_client(alice).post(
        f"{BOOKINGS}/{pk}/reschedule", {"start": "2030-03-05T01:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reschedule_notice"


# --- abuse limits, retries ----------------------------------------------------


def test_it_caps_a_residents_upcoming_consultations(
    clock, schedule, nurse, alice, bob, make_booking, auth_client
):
    make_booking(MONDAY_0800_WIB - timedelta(days=7), status="completed")
    make_booking(MONDAY_0800_WIB + timedelta(hours=1), status="cancelled")
    first = book(auth_client(alice), nurse, MONDAY_0800_WIB)
    second = book(auth_client(alice), nurse, MONDAY_0800_WIB + timedelta(minutes=30))
    assert (first.status_code, second.status_code) == (201, 201)

    third = book(auth_client(alice), nurse, MONDAY_0800_WIB + timedelta(minutes=60))
    assert third.status_code == 409
    error = third.json()["error"]
    assert error["code"] == "booking_limit"
    assert "batasnya 2 per orang" in error["message"]
    assert f"#{first.json()['id']} 04/03/2030 08:00 WIB" in error["message"]
    assert f"#{second.json()['id']} 04/03/2030 08:30 WIB" in error["message"]
    # Someone else is not held to alice's count.
    assert (
        book(auth_client(bob), nurse, MONDAY_0800_WIB + timedelta(hours=1)).status_code
        == 201
    )

    auth_client(alice).post(f"{BOOKINGS}/{first.json()['id']}/cancel")
    again = book(auth_client(alice), nurse, MONDAY_0800_WIB + timedelta(minutes=90))
    assert again.status_code == 201


@override_settings(SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS=1)
def test_it_takes_the_cap_from_settings(clock, schedule, nurse, alice, auth_client):
    assert book(auth_client(alice), nurse, MONDAY_0800_WIB).status_code == 201
    response = book(auth_client(alice), nurse, MONDAY_0800_WIB + timedelta(hours=1))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking_limit"


def test_it_refuses_a_slot_beyond_the_listing_horizon(
    clock, schedule, nurse, alice, auth_client
):
    response = book(auth_client(alice), nurse, datetime(2030, 9, 2, 1, 0, tzinfo=UTC))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "slot_beyond_horizon"
    assert "31 hari" in error["fields"]["start"]
    # 31 days from now is the last bookable moment; the slot before it is fine.
    assert (
        book(
            auth_client(alice), nurse, datetime(2030, 4, 3, 1, 0, tzinfo=UTC)
        ).status_code
        == 201
    )
    assert Booking.objects.count() == 1


@override_settings(SIGAP_TELECONSULT_HORIZON_DAYS=7)
def test_it_lists_and_books_up_to_the_same_horizon(
    clock, schedule, nurse, alice, auth_client
):
    response = auth_client(alice).get(
        SLOTS,
        {"doctor": nurse.pk, "date_from": "2030-03-04", "date_to": "2030-03-31"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["date_to"] == "2030-03-10"
    starts = [s["start"] for s in body["doctors"][0]["slots"]]
    # Now is Sunday 19:00 WIB: the horizon ends next Sunday 19:00 WIB.
    assert starts[-1] == "2030-03-08T04:30:00Z"
    assert book(auth_client(alice), nurse, MONDAY_0800_WIB).status_code == 201
    late = book(auth_client(alice), nurse, datetime(2030, 3, 11, 1, 0, tzinfo=UTC))
    assert late.json()["error"]["code"] == "slot_beyond_horizon"

    beyond = auth_client(alice).get(
        SLOTS, {"doctor": nurse.pk, "date_from": "2030-03-11"}
    )
    assert beyond.status_code == 400
    assert beyond.json()["error"]["code"] == "range_beyond_horizon"
    assert "7 hari" in beyond.json()["error"]["fields"]["date_from"]


def test_it_answers_a_retried_booking_with_the_booking_it_made(
    clock, schedule, nurse, alice, auth_client
):
    first = book(auth_client(alice), nurse, MONDAY_0800_WIB)
    assert first.status_code == 201
    retry = book(auth_client(alice), nurse, MONDAY_0800_WIB, reason="lain")
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["reason"] == "Demam tiga hari"
    assert Booking.objects.count() == 1


def test_it_names_the_patients_own_booking_at_that_time(
    clock, schedule, schedule2, nurse, nurse2, alice, auth_client
):
    own = book(auth_client(alice), nurse2, MONDAY_0800_WIB).json()
    response = book(auth_client(alice), nurse, MONDAY_0800_WIB)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "patient_busy"
    assert f"#{own['id']}, 04/03/2030 08:00 WIB" in error["message"]
    assert "orang lain" not in error["message"]
