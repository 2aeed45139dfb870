"""One consent rule for every write of a resident's health data."""

from __future__ import annotations

import pytest

from core.services.accounts import consent_withdraw
from isolation.models import CheckIn
from tests.isolation.helpers import new_client_id
from tests.selfcheck.helpers import body as selfcheck_body


@pytest.fixture
def withdrawn(alice, alice_isolating):
    consent_withdraw(user=alice)
    return alice


def test_a_check_in_without_consent_is_refused_and_not_stored(withdrawn, auth_client):
    r = auth_client(withdrawn).post(
        "/api/v1/isolation/checkins",
        {"client_id": new_client_id(), "temperature": "37.2", "spo2": 97},
        format="json",
    )

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "consent_required"
    assert not CheckIn.objects.exists()


def test_every_health_data_write_gives_the_same_refusal(
    withdrawn, nurse, schedule, auth_client
):
    client = auth_client(withdrawn)
    answers = [
        client.post(
            "/api/v1/isolation/checkins",
            {"client_id": new_client_id(), "spo2": 97},
            format="json",
        ),
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

    assert [r.status_code for r in answers] == [403] * 4
    # One message for the rest; the check-in's says what it is missing for.
    assert len({r.json()["error"]["message"] for r in answers[1:]}) == 1
    assert "laporan harian isolasi" in answers[0].json()["error"]["message"]
    assert {r.json()["error"]["code"] for r in answers} == {"consent_required"}
