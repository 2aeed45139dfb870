from __future__ import annotations

from tests.areas.fixtures import (  # noqa: F401  (fixtures)
    _boundaries_session,
    _fresh_indexes,
    boundaries,
    lab,
    zone_rules,
)
