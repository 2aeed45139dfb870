from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from core.models import Region
from isolation.teleconsult.models import Booking
from isolation.teleconsult.services import schedule_update
from tests.factories import UserFactory
from tests.teleconsult.helpers import (
    NOW,
    WEEKDAY_MORNINGS,
)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def schedule2(nurse2):
    return schedule_update(doctor=nurse2, windows=WEEKDAY_MORNINGS, slot_minutes=30)


@pytest.fixture
def jayapura_village(regions_semarang):
    province = Region.objects.create(
        code="91", name="Papua", level=1, kind="provinsi", timezone="Asia/Jayapura"
    )
    city = Region.objects.create(
        code="91.71",
        name="Kota Jayapura",
        level=2,
        kind="kota",
        parent=province,
        timezone="Asia/Jayapura",
    )
    district = Region.objects.create(
        code="91.71.01",
        name="Jayapura Utara",
        level=3,
        kind="kecamatan",
        parent=city,
        timezone="Asia/Jayapura",
    )
    return Region.objects.create(
        code="91.71.01.1001",
        name="Gurabesi",
        level=4,
        kind="kelurahan",
        parent=district,
        timezone="Asia/Jayapura",
    )


@pytest.fixture
def yosef(jayapura_village):
    """A resident in Jayapura (WIT, UTC+9) with consent."""
    return UserFactory(
        phone="+6281100000091",
        full_name="Yosef Wenda",
        language="en",
        profile__home_village=jayapura_village,
    )


@pytest.fixture
def make_booking(nurse, alice):
    """A booking written straight to the table (for tests about what happens
    around one, not about booking itself)."""

    def make(start: datetime, *, patient=None, doctor=None, minutes: int = 30, **kw):
        doctor = doctor or nurse
        return Booking.objects.create(
            doctor=doctor,
            patient=patient or alice,
            facility_id=doctor.facility_id,
            start=start,
            end=start + timedelta(minutes=minutes),
            scheduled_at=kw.pop("scheduled_at", start - timedelta(days=3)),
            **kw,
        )

    return make
