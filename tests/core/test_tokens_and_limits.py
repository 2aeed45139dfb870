"""API tokens answered from the cache, and rate limits counted in fixed windows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from core.api.authentication import _cache_key
from tests.conftest import require_redis

ME = "/api/v1/me"
DISCREPANCIES = "/api/v1/cases/discrepancies"


@pytest.fixture
def signed_in(alice, auth_client):
    client = auth_client(alice)
    assert client.get(ME).status_code == 200  # the answer is now cached
    return client


def test_it_keeps_the_tokens_user_in_the_cache_under_a_hash(alice, signed_in):
    key = Token.objects.get(user=alice).key

    cached = cache.get(_cache_key(key))
    assert cached == alice
    assert "password" in cached.get_deferred_fields()  # the hash stays out
    assert key not in _cache_key(key)
    assert signed_in.get(ME).json()["phone"] == alice.phone


def test_a_signed_out_token_is_refused_at_once(signed_in):
    assert signed_in.post("/api/v1/auth/signout").status_code in (200, 204)

    r = signed_in.get(ME)

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "authentication_failed"


def test_a_deactivated_account_is_refused_at_once(alice, signed_in):
    alice.is_active = False
    alice.save()

    assert signed_in.get(ME).status_code == 401


def test_a_new_role_applies_at_once(alice, signed_in):
    assert signed_in.get(DISCREPANCIES).status_code == 403

    alice.role = alice.Role.HEALTH_OFFICE
    alice.save(update_fields=["role"])

    assert signed_in.get(DISCREPANCIES).status_code != 403  # past the permission


def test_it_asks_the_database_when_the_cache_is_down(signed_in, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)

    assert signed_in.get(ME).status_code == 200
    assert "token cache unavailable (ConnectionError)" in caplog.text


def test_a_new_language_applies_at_once(alice, signed_in):
    new = "en" if alice.language != "en" else "id"
    alice.language = new
    alice.save(update_fields=["language"])  # as the chatbot's language choice does

    assert signed_in.get(ME).json()["language"] == new


# --- rate limits -----------------------------------------------------------------------


@pytest.fixture
def tight_limits(settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    before = SimpleRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/min",
            "user": "3/min",
        },
    }
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    SimpleRateThrottle.THROTTLE_RATES = before


def test_it_limits_each_address_per_window_and_says_when_to_retry(
    api_client, tight_limits, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 20, tzinfo=dt.UTC), tick=False)
    here = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    elsewhere = {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}

    codes = [api_client.get("/api/v1/", **here).status_code for _ in range(3)]
    refused = api_client.get("/api/v1/", **here)
    other = api_client.get("/api/v1/", **elsewhere).status_code
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 1, 0, tzinfo=dt.UTC), tick=False)
    next_window = api_client.get("/api/v1/", **here).status_code

    assert codes == [200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "40"
    assert other == 200
    assert next_window == 200


def test_it_counts_a_signed_in_user_across_addresses(
    alice, auth_client, tight_limits, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 0, tzinfo=dt.UTC), tick=False)
    client = auth_client(alice)

    codes = [
        client.get(ME, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]

    assert codes == [200, 200, 200, 429]


def test_the_counter_expires_with_its_window(api_client, tight_limits):
    from core.api.throttling import window_count

    assert window_count(cache, "throttle_test:x:1", timeout=65) == 1
    assert window_count(cache, "throttle_test:x:1", timeout=65) == 2
    require_redis()  # Redis: the counter carries its expiry
    key = cache.make_and_validate_key("throttle_test:x:1")
    assert 0 < cache._cache.get_client(key).ttl(key) <= 65
