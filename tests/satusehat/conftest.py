from __future__ import annotations

import pytest

from tests.areas.fixtures import zone_rules  # noqa: F401  (fixture)
from tests.isolation.fixtures import alice_isolating  # noqa: F401  (fixture)
from tests.satusehat.fake_centre import FakeCentre
from tests.satusehat.helpers import (
    configure,
)


@pytest.fixture
def centre(settings):
    """A fake SATUSEHAT, with Sigap configured to use it."""
    fake = FakeCentre().start()
    configure(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def flaky_centre(settings):
    """A fake SATUSEHAT failing 10 % of the FHIR calls (503, 429, or 504 after
    committing), deterministically."""
    fake = FakeCentre(failure_rate=0.10, seed=20).start()
    configure(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def lab(regions_semarang):
    from core.cases.services import integrator_create

    integrator, key = integrator_create(
        name="lab-kariadi", display_name="Lab RSUP Kariadi", kind="lab"
    )
    integrator.raw_key = key
    return integrator
