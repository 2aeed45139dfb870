"""One consent rule for every write of a resident's health data; consent cannot be
withdrawn while isolation monitoring needs it, and a stored check-in's retry is
answered regardless."""

from __future__ import annotations

import pytest

from core.models import ResidentProfile
from core.services.accounts import consent_withdraw
from isolation import services
from isolation.models import CheckIn
from tests.isolation.helpers import new_client_id
from tests.selfcheck.helpers import body as selfcheck_body

CHECKINS = "/api/v1/isolation/checkins"
REPORT = {"client_id": "citra-0001", "temperature_c": 37.2, "spo2": 97}


def _release(isolation, nurse):
    services.isolation_status_change(
        actor=nurse, isolation_id=isolation.pk, status="released"
    )


@pytest.fixture
def withdrawn(alice, alice_isolating, nurse):
    """alice was monitored, released, then withdrew her consent."""
    _release(alice_isolating, nurse)
    consent_withdraw(user=alice)
    return alice


def test_a_check_in_without_consent_is_refused_and_not_stored(withdrawn, auth_client):
    r = auth_client(withdrawn).post(
        CHECKINS,
        {"client_id": new_client_id(), "temperature": "37.2", "spo2": 97},
        format="json",
    )

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "consent_required"
    assert "laporan harian isolasi" in r.json()["error"]["message"]
    assert "Cek mandiri" not in r.json()["error"]["message"]
    assert not CheckIn.objects.exists()


def test_every_health_data_write_gives_the_same_refusal(
    withdrawn, nurse, schedule, auth_client
):
    client = auth_client(withdrawn)
    checkin = client.post(
        CHECKINS, {"client_id": new_client_id(), "spo2": 97}, format="json"
    )
    others = [
        client.post("/api/v1/selfcheck/assessments", selfcheck_body(), format="json"),
        client.post(
            "/api/v1/teleconsult/bookings",
            {"doctor": nurse.pk, "start": "2030-01-07T02:00:00Z"},
            format="json",
        ),
        client.post(
            "/api/v1/isolation/requests",
            {"test_date": "2026-01-01"},
            format="json",
        ),
    ]
    answers = [checkin, *others]

    assert [r.status_code for r in answers] == [403] * 4
    assert {r.json()["error"]["code"] for r in answers} == {"consent_required"}
    # One message for the rest; the check-in's says what it is missing for.
    assert len({r.json()["error"]["message"] for r in others}) == 1
    assert checkin.json()["error"]["message"] != others[0].json()["error"]["message"]


def test_it_refuses_withdrawing_consent_during_monitored_isolation(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)

    r = client.delete("/api/v1/me/consent")

    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "active_isolation"
    assert alice_isolating.facility.name in error["fields"]["isolation"]
    assert alice_isolating.facility.name in error["message"]
    assert ResidentProfile.objects.get(user=alice).consent_given_at is not None
    # Danger reports still go through.
    danger = client.post(
        CHECKINS, {"client_id": new_client_id(), "spo2": 90}, format="json"
    )
    assert danger.status_code == 201
    assert danger.json()["danger"] is True


def test_the_refusal_speaks_the_request_language(alice, alice_isolating, auth_client):
    r = auth_client(alice).delete("/api/v1/me/consent", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409
    assert r.json()["error"]["message"].startswith("Consent cannot be withdrawn")


def test_consent_can_be_withdrawn_once_the_isolation_ended(
    alice, alice_isolating, nurse, auth_client
):
    _release(alice_isolating, nurse)

    assert auth_client(alice).delete("/api/v1/me/consent").status_code == 204
    assert ResidentProfile.objects.get(user=alice).consent_given_at is None


def test_a_retry_of_a_stored_check_in_is_answered_without_consent(
    alice, alice_isolating, nurse, auth_client
):
    client = auth_client(alice)
    first = client.post(CHECKINS, REPORT, format="json")
    assert first.status_code == 201
    _release(alice_isolating, nurse)
    assert client.delete("/api/v1/me/consent").status_code == 204

    retry = client.post(CHECKINS, REPORT, format="json")
    other = client.post(CHECKINS, {**REPORT, "spo2": 91}, format="json")

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "client_id_reused"
    assert CheckIn.objects.count() == 1
