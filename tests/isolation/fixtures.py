"""Isolations of the fixed test users, as fixtures; imported by the conftest.py of
each test package that needs them."""

from __future__ import annotations

import pytest

from isolation.models import Isolation
from tests.isolation.helpers import enrol


@pytest.fixture
def alice_isolating(alice, nurse) -> Isolation:
    return enrol(nurse, alice)


@pytest.fixture
def bob_isolating(bob, nurse2) -> Isolation:
    """bob is monitored by another puskesmas."""
    return enrol(nurse2, bob)
