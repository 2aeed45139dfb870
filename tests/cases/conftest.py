from __future__ import annotations

from tests.areas.fixtures import (  # noqa: F401  (fixtures)
    _fresh_indexes,
    integrator_client,
    lab,
    puskesmas_source,
    zone_rules,
)
