from __future__ import annotations

import pytest

from core.models import Facility, Region, User
from tests.areas.fixtures import integrator_client  # noqa: F401  (fixture)
from tests.beds.helpers import (
    KARIADI,
    TELOGOREJO,
    WONGSONEGORO,
)
from tests.factories import HospitalStaffFactory


@pytest.fixture
def kariadi(facilities) -> Facility:
    return facilities[KARIADI]


@pytest.fixture
def wongsonegoro(facilities) -> Facility:
    return facilities[WONGSONEGORO]


@pytest.fixture
def telogorejo(facilities) -> Facility:
    return facilities[TELOGOREJO]


@pytest.fixture
def tembalang_located(regions_semarang) -> Region:
    Region.objects.filter(code="33.74.10").update(latitude=-7.0566, longitude=110.4408)
    return Region.objects.get(code="33.74.10")


@pytest.fixture
def hospital_staff(kariadi) -> User:
    return HospitalStaffFactory(
        phone="+6281100000008", full_name="Petugas RS Kariadi", facility=kariadi
    )


@pytest.fixture
def hospital_system(db):
    """A provincial hospital system that reports for any hospital."""
    from core.cases.services import integrator_create

    integrator, key = integrator_create(
        name="siranap-jateng", display_name="SIRANAP Jawa Tengah", kind="provincial"
    )
    integrator.raw_key = key
    return integrator
