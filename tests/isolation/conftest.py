from __future__ import annotations

import pytest

from tests.isolation.fixtures import alice_isolating, bob_isolating  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The demo staff accounts have passwords; PBKDF2 costs ~1.5 s per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _close_breakers():
    from isolation.services import dispatch
    from isolation.services.events import events_push_wait_idle

    dispatch.breakers_reset()
    yield
    # Pushes run on a background thread: let them finish inside this test.
    events_push_wait_idle()
    dispatch.wait_idle()
    dispatch.breakers_reset()
