from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import User
from tests.psc.helpers import (
    SEMARANG,
    critical_body,
    operator_create,
)


@pytest.fixture
def operator(demo_users) -> User:
    return operator_create("+6281100000007", "Operator PSC Semarang", SEMARANG)


@pytest.fixture
def operator2(demo_users) -> User:
    return operator_create("+6281100000017", "Operator Kedua", SEMARANG)


@pytest.fixture
def magelang_operator(demo_users) -> User:
    from tests.factories import RegionFactory

    RegionFactory(
        code="33.71", name="Kota Magelang", level=2, kind="kota", parent_id="33"
    )
    return operator_create("+6281100000027", "Operator PSC Magelang", "33.71")


@pytest.fixture
def alice_critical(alice, auth_client) -> str:
    """Alice's critical self-check just now (Kecamatan Tembalang); its id."""
    response = auth_client(alice).post(
        "/api/v1/selfcheck/assessments", critical_body(), format="json"
    )
    assert response.json()["risk_level"] == "critical"
    return response.json()["id"]


@pytest.fixture
def danger_alert(nurse, alice):
    """Alice isolating at the nurse's puskesmas; her danger check-in raised an alert."""
    from isolation.models import Alert, CheckIn, Isolation

    now = timezone.now()
    isolation = Isolation.objects.create(
        patient=alice,
        facility=nurse.facility,
        reason="positive_test",
        start_date=now.date(),
        estimated_end=now.date() + dt.timedelta(days=10),
    )
    checkin = CheckIn.objects.create(
        isolation=isolation,
        client_id="danger-1",
        measured_at=now,
        slot_date=now.date(),
        slot="am",
        spo2=91,
        breathing_rate=26,
        danger_signs=["chest_pain"],
        danger=True,
    )
    return Alert.objects.create(
        isolation=isolation,
        kind="danger",
        checkin=checkin,
        slot_date=now.date(),
        slot="am",
        reasons=["chest_pain"],
    )


@pytest.fixture
def kariadi(facilities):
    return facilities["R3374070001"]
