"""Enrolment by another puskesmas reveals nothing about a number, records the
consent taken at the puskesmas, and every attempt is audited."""

from __future__ import annotations

import pytest

from core.models import AuditLog, User

API = "/api/v1/isolation/patients"


def enrol_body(phone: str, **extra) -> dict:
    return {
        "phone": phone,
        "full_name": "Siapa Saja",
        "consent_at_puskesmas": True,
        "reason": "close_contact",
        **extra,
    }


@pytest.fixture
def elsewhere(alice, alice_isolating, nurse2, auth_client):
    """nurse2 (Puskesmas Halmahera) probes numbers; alice isolates at Rowosari."""
    return auth_client(nurse2)


def test_it_gives_one_answer_for_a_patient_elsewhere_and_a_staff_number(
    alice, elsewhere, nurse, curator
):
    answers = [
        elsewhere.post(API, enrol_body(phone), format="json")
        for phone in (alice.phone, nurse.phone, curator.phone)
    ]

    bodies = [(r.status_code, r.json()) for r in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0][0] == 409
    assert bodies[0][1]["error"]["code"] == "enrolment_refused"
    assert alice.full_name not in str(bodies[0][1])


def test_the_name_and_consent_are_asked_whatever_the_number(alice, elsewhere):
    unknown = elsewhere.post(
        API, {"phone": "081299990000", "reason": "close_contact"}, format="json"
    )
    known = elsewhere.post(
        API, {"phone": alice.phone, "reason": "close_contact"}, format="json"
    )

    assert unknown.status_code == known.status_code == 400
    assert unknown.json() == known.json()
    assert set(known.json()["error"]["fields"]) == {
        "full_name",
        "consent_at_puskesmas",
    }
    assert not User.objects.filter(phone="+6281299990000").exists()


def test_every_attempt_is_audited_refusals_too(alice, elsewhere, nurse2):
    elsewhere.post(API, enrol_body(alice.phone), format="json")
    elsewhere.post(API, {"phone": alice.phone, "reason": "x"}, format="json")
    elsewhere.post(API, enrol_body("081299990001"), format="json")

    rows = list(
        AuditLog.objects.filter(action="isolation.enrol", actor=nurse2).order_by("id")
    )
    assert [r.detail["outcome"] for r in rows] == [
        "enrolment_refused",
        "invalid",
        "enrolled",
    ]
    assert rows[0].patient_id == alice.pk  # her own trail shows the probe


def test_enrolment_records_the_consent_given_at_the_puskesmas(nurse, auth_client):
    response = auth_client(nurse).post(API, enrol_body("081299990002"), format="json")

    assert response.status_code == 201
    profile = User.objects.get(phone="+6281299990002").profile
    assert profile.consent_given_at is not None
    assert profile.consent_source == "facility"
    assert "Puskesmas Rowosari" in profile.consent_purpose
    assert AuditLog.objects.filter(
        action="consent.record_at_facility", actor=nurse, patient=profile.user
    ).exists()
