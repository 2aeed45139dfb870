from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from core.exceptions import Conflict
from core.services.privacy import user_erase, user_export
from isolation.teleconsult.models import (
    Booking,
    ConsultationMessage,
    ConsultationProposal,
    DoctorSchedule,
)
from isolation.teleconsult.services import proposal_create, teleconsult_demo_seed
from tests.teleconsult.helpers import MONDAY_0800_WIB

pytestmark = pytest.mark.django_db

PROPOSALS = "/api/v1/teleconsult/proposals"


@pytest.fixture
def proposal(clock, schedule, nurse, alice):
    return proposal_create(patient=alice, facility=nurse.facility)


def test_it_lets_the_patient_accept_a_proposal(proposal, alice, auth_client):
    listed = auth_client(alice).get(PROPOSALS).json()["results"]
    assert [p["id"] for p in listed] == [proposal.pk]
    assert listed[0]["start_doctor_local"] == "2030-03-04T08:00:00+07:00"

    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 201
    assert response.json()["start"] == "2030-03-04T01:00:00Z"
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.booking.patient == alice

    again = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "proposal_not_open"
    assert Booking.objects.count() == 1


def test_it_holds_the_proposed_slot_for_the_patient(
    proposal, nurse, alice, bob, auth_client
):
    taken = auth_client(bob).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": proposal.start.isoformat()},
        format="json",
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "slot_held"
    assert "pasien lain" in taken.json()["error"]["message"]

    def listed(user):
        body = (
            auth_client(user)
            .get(
                "/api/v1/teleconsult/slots",
                {
                    "doctor": nurse.pk,
                    "date_from": "2030-03-04",
                    "date_to": "2030-03-04",
                },
            )
            .json()
        )
        return [s["start"] for d in body["doctors"] for s in d["slots"]]

    assert "2030-03-04T01:00:00Z" not in listed(bob)
    assert "2030-03-04T01:00:00Z" in listed(alice)

    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 201
    assert Booking.objects.get().patient == alice


def test_it_says_slot_taken_when_the_slot_was_booked_before_the_hold(
    proposal, nurse, alice, bob, make_booking, auth_client
):
    # Written around the services (as a booking made before holds existed).
    make_booking(proposal.start, patient=bob)
    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_taken"
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_it_frees_the_slot_when_the_hold_runs_out(
    clock, proposal, nurse, alice, bob, auth_client
):
    assert proposal.expires_at == proposal.created_at + timedelta(minutes=120)
    clock.shift(timedelta(minutes=121))
    listed = auth_client(alice).get(PROPOSALS).json()["results"]
    assert listed[0]["status"] == "expired"
    taken = auth_client(bob).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": proposal.start.isoformat()},
        format="json",
    )
    assert taken.status_code == 201
    late = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "proposal_not_open"


def test_it_frees_the_slot_when_the_patient_declines(
    proposal, nurse, alice, bob, auth_client
):
    auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/decline")
    taken = auth_client(bob).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": proposal.start.isoformat()},
        format="json",
    )
    assert taken.status_code == 201


def test_it_gives_the_patients_own_booking_when_she_booked_the_proposed_slot(
    proposal, nurse, alice, auth_client
):
    own = auth_client(alice).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": proposal.start.isoformat()},
        format="json",
    )
    assert own.status_code == 201
    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 200
    assert response.json()["id"] == own.json()["id"]
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.booking_id == own.json()["id"]
    assert Booking.objects.count() == 1


@override_settings(SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS=1)
def test_it_lets_a_proposal_past_the_cap(
    clock, schedule, schedule2, nurse, nurse2, alice, make_booking, auth_client
):
    # A booking far ahead (the patient is at the cap) does not stop a proposal from
    # being accepted: it follows a danger sign.
    make_booking(MONDAY_0800_WIB + timedelta(days=7), doctor=nurse2)
    booked = auth_client(alice).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": MONDAY_0800_WIB.isoformat()},
        format="json",
    )
    assert booked.json()["error"]["code"] == "booking_limit"
    proposal = ConsultationProposal.objects.create(
        patient=alice,
        doctor=nurse,
        facility=nurse.facility,
        start=MONDAY_0800_WIB,
        end=MONDAY_0800_WIB + timedelta(minutes=30),
        expires_at=MONDAY_0800_WIB,
    )
    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 201


def test_it_lets_the_patient_decline_a_proposal(proposal, alice, auth_client):
    response = auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/decline")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert (
        auth_client(alice).post(f"{PROPOSALS}/{proposal.pk}/accept").status_code == 409
    )


def test_it_hides_other_peoples_proposals(proposal, bob, nurse, auth_client):
    assert auth_client(bob).get(PROPOSALS).json()["results"] == []
    assert auth_client(bob).post(f"{PROPOSALS}/{proposal.pk}/accept").status_code == 404
    assert (
        auth_client(bob).post(f"{PROPOSALS}/{proposal.pk}/decline").status_code == 404
    )
    assert (
        auth_client(nurse).post(f"{PROPOSALS}/{proposal.pk}/accept").status_code == 403
    )


def test_it_exports_and_erases_a_residents_consultations(
    clock, nurse, alice, bob, make_booking
):
    booking = make_booking(MONDAY_0800_WIB, reason="Batuk", outcome_note="Istirahat.")
    ConsultationMessage.objects.create(booking=booking, sender=alice, text="Halo")
    make_booking(MONDAY_0800_WIB + timedelta(minutes=30), patient=bob)

    exported = user_export(user=alice)["teleconsult"]
    [row] = exported["bookings"]
    assert row["reason"] == "Batuk"
    assert row["outcome_note"] == "Istirahat."
    assert row["messages"][0]["text"] == "Halo"

    # An upcoming consultation blocks erasure, completed or not, until its end.
    with pytest.raises(Conflict) as refused:
        user_erase(user=alice)
    assert refused.value.code == "active_isolation"
    assert list(refused.value.fields) == ["bookings"]
    assert Booking.objects.filter(patient=alice).exists()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    with pytest.raises(Conflict):
        user_erase(user=alice)
    clock.move_to(booking.end)
    user_erase(user=alice)
    assert not Booking.objects.filter(patient=alice).exists()
    assert not ConsultationMessage.objects.exists()
    assert Booking.objects.filter(patient=bob).count() == 1


def test_it_seeds_demo_availability_idempotently(nurse, nurse2):
    first = teleconsult_demo_seed()
    second = teleconsult_demo_seed()
    assert {s.doctor for s in second} == {nurse, nurse2}
    assert [s.pk for s in first] == [s.pk for s in second]
    schedule = DoctorSchedule.objects.get(doctor=nurse)
    assert schedule.is_active
    assert schedule.windows.count() == 10


def test_it_shows_bookings_in_the_admin_without_health_details(
    clock, operator, make_booking, client
):
    make_booking(MONDAY_0800_WIB, reason="rahasia", outcome_note="rahasia juga")
    client.force_login(operator)
    page = client.get("/admin/teleconsult/booking/")
    assert page.status_code == 200
    detail = client.get(
        f"/admin/teleconsult/booking/{Booking.objects.get().pk}/change/"
    )
    assert detail.status_code == 200
    assert b"rahasia" not in detail.content


def test_it_documents_the_endpoints(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    for path in ("/api/v1/teleconsult/slots", "/api/v1/teleconsult/bookings"):
        assert path.encode() in schema.content


def _schedule_form(nurse, windows):
    data = {
        "doctor": nurse.pk,
        "slot_minutes": 30,
        "booking_notice_minutes": 60,
        "cancel_notice_minutes": 120,
        "is_active": "on",
        "windows-TOTAL_FORMS": len(windows),
        "windows-INITIAL_FORMS": 0,
        "exceptions-TOTAL_FORMS": 0,
        "exceptions-INITIAL_FORMS": 0,
    }
    for i, (weekday, start, end) in enumerate(windows):
        data |= {
            f"windows-{i}-weekday": weekday,
            f"windows-{i}-start_time": start,
            f"windows-{i}-end_time": end,
        }
    return data


def test_it_applies_the_window_rules_in_the_admin(operator, nurse, client):
    client.force_login(operator)
    url = "/admin/teleconsult/doctorschedule/add/"
    overlapping = _schedule_form(nurse, [(0, "08:00", "12:00"), (0, "11:00", "13:00")])
    assert client.post(url, overlapping).status_code == 200  # form shown again
    assert not DoctorSchedule.objects.exists()
    fine = _schedule_form(nurse, [(0, "08:00", "12:00"), (0, "13:00", "15:00")])
    assert client.post(url, fine).status_code == 302
    assert DoctorSchedule.objects.get(doctor=nurse).windows.count() == 2


def test_a_doctor_with_upcoming_appointments_cannot_erase_the_account(
    clock, nurse, alice, make_booking, auth_client
):
    booking = make_booking(MONDAY_0800_WIB)
    client = auth_client(nurse)

    refused = client.delete("/api/v1/me")

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "active_isolation"
    assert list(error["fields"]) == ["appointments"]
    assert "sebagai dokter" in error["fields"]["appointments"]
    nurse.refresh_from_db()
    assert nurse.is_active and Booking.objects.filter(doctor=nurse).exists()

    # Cancelled (the patient is told), nothing blocks any more.
    cancelled = client.post(f"/api/v1/teleconsult/bookings/{booking.pk}/cancel")
    assert cancelled.status_code == 200
    assert client.delete("/api/v1/me").status_code == 204
