from __future__ import annotations

import pytest

from tests.areas.fixtures import (  # noqa: F401 (fixtures)
    _boundaries_session,
    _fresh_indexes,
    boundaries,
    zone_rules,
)


@pytest.fixture(autouse=True)
def _fresh_map():
    from core.areas.mapdata import map_local_reset

    map_local_reset()
    yield


@pytest.fixture
def demo_areas(facilities, zone_rules):  # noqa: F811
    """Kota Semarang's demo cases: Tembalang merah, Pedurungan oranye, Banyumanik
    kuning (kelurahan Meteseh 7 households, Penggaron 4, Pudakpayung 2)."""
    from core.cases.services import area_demo_seed

    return area_demo_seed()
