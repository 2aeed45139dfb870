from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import User
from tests.areas.fixtures import (  # noqa: F401  (fixtures)
    _boundaries_session,
    boundaries,
)
from tests.factories import PscOperatorFactory, RegionFactory
from tests.psc.helpers import (
    critical_body,
)


@pytest.fixture
def operator(facilities) -> User:
    """Operator of Kota Semarang's PSC 119; phone +6281100000007, password
    `operator.raw_password`."""
    return PscOperatorFactory(phone="+6281100000007", full_name="Operator PSC Semarang")


@pytest.fixture
def operator2(facilities) -> User:
    return PscOperatorFactory(phone="+6281100000017", full_name="Operator Kedua")


@pytest.fixture
def magelang_operator(facilities) -> User:
    magelang = RegionFactory(
        code="33.71", name="Kota Magelang", level=2, kind="kota", parent_id="33"
    )
    return PscOperatorFactory(
        phone="+6281100000027", full_name="Operator PSC Magelang", psc_region=magelang
    )


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
