"""Fixtures of risk areas and case integration (boundaries, zoning rules, sources),
imported by the conftest.py of each test package that needs them."""

from __future__ import annotations

import pytest
from django.conf import settings

from core.areas import geo
from core.areas import search as area_search

BOUNDARY_COUNT = 7285


def _import_boundaries() -> None:
    from core.areas.services import boundaries_import

    boundaries_import(path=settings.SIGAP_BOUNDARIES_FILE)


@pytest.fixture(scope="session")
def _boundaries_session(django_db_setup, django_db_blocker):
    """The real kecamatan file, imported once per test session and committed (only
    AreaBoundary/BoundaryImport rows: no Region rows, so other apps see nothing)."""
    from core.models import AreaBoundary

    with django_db_blocker.unblock():
        if AreaBoundary.objects.count() < BOUNDARY_COUNT:
            _import_boundaries()
    geo.invalidate()
    yield


@pytest.fixture
def boundaries(_boundaries_session, db):
    """Boundaries present for this test (re-imported inside the test if a
    transactional test elsewhere flushed the tables)."""
    from core.models import AreaBoundary

    if AreaBoundary.objects.count() < BOUNDARY_COUNT:
        _import_boundaries()
        geo.invalidate()
    yield
    geo.invalidate()


@pytest.fixture(autouse=True)
def _fresh_indexes():
    from core.areas.cache import areas_local_reset

    area_search.invalidate()
    areas_local_reset()
    yield
    area_search.invalidate()
    areas_local_reset()


def zone_rules_ensure() -> None:
    """v0 and v1 as the data migration seeds them (a flush by a transactional test
    elsewhere removes migration data)."""
    from core.areas.rules import BUILTIN_RULES, thresholds_to_data
    from core.models import ZoneRule

    starts = {"v0": "2021-02-09", "v1": "2021-03-23"}
    for version, spec in BUILTIN_RULES.items():
        ZoneRule.objects.get_or_create(
            version=version,
            defaults={
                "name": spec.name,
                "thresholds": thresholds_to_data(spec.thresholds),
                "effective_from": starts[version],
            },
        )


@pytest.fixture
def zone_rules(db):
    """The zoning rules v0 and v1, by version."""
    from core.models import ZoneRule

    zone_rules_ensure()
    return {r.version: r for r in ZoneRule.objects.all()}


@pytest.fixture
def lab(db):
    from core.cases.services import integrator_create

    integrator, key = integrator_create(
        name="lab-kariadi", display_name="Lab RSUP Kariadi", kind="lab"
    )
    integrator.raw_key = key
    return integrator


@pytest.fixture
def puskesmas_source(db):
    from core.cases.services import integrator_create

    integrator, key = integrator_create(
        name="pkm-rowosari", display_name="Puskesmas Rowosari", kind="puskesmas"
    )
    integrator.raw_key = key
    return integrator


@pytest.fixture
def integrator_client():
    from rest_framework.test import APIClient

    def make(integrator):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {integrator.raw_key}")
        return client

    return make
