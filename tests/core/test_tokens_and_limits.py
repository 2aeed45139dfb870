"""API tokens answered from the cache, and rate limits counted in fixed windows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from core.api.authentication import _cache_key
from core.models import ApiToken
from core.models.tokens import token_digest
from tests.helpers import api_token_for, require_redis

ME = "/api/v1/me"
DISCREPANCIES = "/api/v1/cases/discrepancies"


@pytest.fixture
def signed_in(alice, auth_client):
    client = auth_client(alice)
    assert client.get(ME).status_code == 200  # the answer is now cached
    return client


def test_it_keeps_the_tokens_user_in_the_cache_under_a_hash(alice, auth_client):
    key = api_token_for(alice)
    client = auth_client(alice)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME).status_code == 200

    user, token = cache.get(_cache_key(key))
    assert user == alice
    assert "password" in user.get_deferred_fields()  # the hash stays out
    assert key not in _cache_key(key)
    assert key not in str(vars(token))
    assert client.get(ME).json()["phone"] == alice.phone


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
    alice.region_id = "33.74"
    alice.save(update_fields=["role", "region"])

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


def limits(settings, **overrides):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    before = SimpleRateThrottle.THROTTLE_RATES
    rates = overrides.pop("rates", {})
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **rates,
        },
        **overrides,
    }
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    return before


@pytest.fixture
def tight_limits(settings):
    from rest_framework.throttling import SimpleRateThrottle

    before = limits(settings, rates={"anon": "2/min", "user": "3/min", "otp": "3/min"})
    yield
    SimpleRateThrottle.THROTTLE_RATES = before


def test_it_limits_each_address_per_window_and_says_when_to_retry(
    api_client, tight_limits, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 20, tzinfo=dt.UTC), tick=False)
    here = {"REMOTE_ADDR": "203.0.113.7"}
    elsewhere = {"REMOTE_ADDR": "198.51.100.9"}

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

    codes = [client.get(ME, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(4)]

    assert codes == [200, 200, 200, 429]


def test_the_counter_expires_with_its_window(api_client, tight_limits):
    from core.api.throttling import window_count

    assert window_count(cache, "throttle_test:x:1", timeout=65) == 1
    assert window_count(cache, "throttle_test:x:1", timeout=65) == 2
    require_redis()  # Redis: the counter carries its expiry
    key = cache.make_and_validate_key("throttle_test:x:1")
    assert 0 < cache._cache.get_client(key).ttl(key) <= 65


def test_a_forged_x_forwarded_for_lifts_no_limit(
    api_client, tight_limits, time_machine
):
    # Fixed windows: start at the top of a minute so a slow run cannot straddle two.
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 0, tzinfo=dt.UTC), tick=False)
    codes = [
        api_client.get("/api/v1/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]


def test_a_forged_x_forwarded_for_lifts_no_sign_in_limit(
    db, api_client, tight_limits, time_machine, settings
):
    # Whichever limit answers first (the 3/min scope or the per-client failure count),
    # rotating a forged header must not keep a caller below it.
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, 0, tzinfo=dt.UTC), tick=False)
    attempts = settings.SIGAP_OTP_MAX_FAILURES_PER_CLIENT + 2
    codes = [
        api_client.post(
            "/api/v1/auth/otp/verify",
            {"phone": "081100000001", "code": "000000"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(attempts)
    ]

    assert codes[-1] == 429
    assert 429 not in codes[:2]


def test_behind_one_proxy_the_address_it_saw_counts(api_client, settings):
    from rest_framework.throttling import SimpleRateThrottle

    before = limits(settings, rates={"anon": "2/min"}, NUM_PROXIES=1)
    try:
        # The client forges the first entry; the proxy appends the real address.
        forged = [
            api_client.get(
                "/api/v1/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7"
            ).status_code
            for n in range(3)
        ]
        other = api_client.get(
            "/api/v1/", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.9"
        ).status_code
    finally:
        SimpleRateThrottle.THROTTLE_RATES = before

    assert forged == [200, 200, 429]
    assert other == 200


def test_check_deploy_warns_behind_a_proxy_without_num_proxies(settings):
    from django.core.checks import run_checks

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NUM_PROXIES = 0
    warned = {m.id for m in run_checks(include_deployment_checks=True)}
    settings.NUM_PROXIES = 1
    configured = {m.id for m in run_checks(include_deployment_checks=True)}
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.NUM_PROXIES = 0
    direct = {m.id for m in run_checks(include_deployment_checks=True)}

    assert "sigap.W004" in warned
    assert "sigap.W004" not in configured
    assert "sigap.W004" not in direct


# --- hashed, expiring tokens and the user's own list of sessions ------------------------


def test_tokens_are_stored_only_as_a_hash(alice):
    key = api_token_for(alice)

    row = ApiToken.objects.get(user=alice)
    assert row.digest == token_digest(key)
    assert key not in str(ApiToken.objects.filter(user=alice).values().get())


def test_an_expired_token_is_refused(alice, api_client, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    key = api_token_for(alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(ME).status_code == 200  # cached now

    time_machine.shift(dt.timedelta(days=31))

    assert api_client.get(ME).status_code == 401


def test_a_user_lists_and_revokes_their_own_sessions(alice, bob, api_client):
    phone_key, tablet_key = api_token_for(alice), api_token_for(alice)
    bobs = ApiToken.objects.get(
        pk=ApiToken.objects.get(digest=token_digest(api_token_for(bob))).pk
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone_key}")

    listed = api_client.get("/api/v1/me/sessions").json()
    tablet = ApiToken.objects.get(digest=token_digest(tablet_key))
    foreign = api_client.delete(f"/api/v1/me/sessions/{bobs.pk}")
    revoked = api_client.delete(f"/api/v1/me/sessions/{tablet.pk}")

    assert sorted(s["current"] for s in listed) == [False, True]
    assert all(k not in str(listed) for k in (phone_key, tablet_key))
    assert foreign.status_code == 404
    assert revoked.status_code == 204
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tablet_key}")
    assert api_client.get(ME).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone_key}")
    assert api_client.get(ME).status_code == 200
    assert ApiToken.objects.filter(user=bob).exists()


def test_signing_out_ends_only_this_sign_in(alice, api_client):
    here, there = api_token_for(alice), api_token_for(alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {here}")

    assert api_client.post("/api/v1/auth/signout").status_code == 204

    assert api_client.get(ME).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {there}")
    assert api_client.get(ME).status_code == 200


# --- the signed-in self-check: one cache answer for token and consent -----------------

SELFCHECK = "/api/v1/selfcheck/assessments"


def _self_check() -> dict:
    import uuid

    return {
        "age": 40,
        "symptoms": ["fever"],
        "danger_signs": [],
        "exposure": "none",
        "comorbidities": [],
        "client_key": str(uuid.uuid4()),
    }


def test_a_withdrawn_consent_applies_to_the_next_request(alice, regions_semarang):
    from rest_framework.test import APIClient

    from core.models import User
    from core.services.accounts import consent_withdraw

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(alice)}")
    assert client.post(SELFCHECK, _self_check(), format="json").status_code == 201

    consent_withdraw(user=User.objects.get(pk=alice.pk))  # another object, as the API
    refused = client.post(SELFCHECK, _self_check(), format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "consent_required"


def test_a_signed_in_self_check_costs_only_its_audit_row_more_than_an_anonymous_one(
    alice, regions_semarang
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    signed = APIClient()
    signed.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(alice)}")
    anonymous = APIClient()
    for client in (signed, anonymous):  # warm: the token's answer is cached
        assert client.post(SELFCHECK, _self_check(), format="json").status_code == 201

    counts = {}
    for name, client in (("signed", signed), ("anonymous", anonymous)):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.post(SELFCHECK, _self_check(), format="json").status_code == 201
            )
        counts[name] = [q["sql"] for q in queries.captured_queries]

    audit = 'INSERT INTO "core_auditlog"'
    assert not any(audit in sql for sql in counts["anonymous"])
    if connection.vendor == "postgresql":
        # The assessment's statement writes the audit row too (core.db.insert_together).
        assert len(counts["signed"]) == len(counts["anonymous"])
        assert any(sql.startswith("WITH") and audit in sql for sql in counts["signed"])
    else:
        assert len(counts["signed"]) == len(counts["anonymous"]) + 1  # the audit row
        assert any(sql.startswith(audit) for sql in counts["signed"])


def test_a_cold_token_and_its_consent_cost_one_query(alice, regions_semarang):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from core.models import ApiToken

    key = api_token_for(alice)
    ApiToken.objects.filter(user=alice).update(last_used_at=dt.datetime.now(dt.UTC))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        assert client.post(SELFCHECK, _self_check(), format="json").status_code == 201

    sql = [q["sql"] for q in queries.captured_queries]
    asked = [q for q in sql if "core_apitoken" in q or "core_residentprofile" in q]
    assert len(asked) == 1, asked  # the token, its user and the consent together
    assert "core_residentprofile" in asked[0] and asked[0].startswith("SELECT")


@pytest.mark.parametrize("who", ["resident_home", "resident_none", "staff"])
def test_token_sign_in_knows_the_time_zone_the_orm_would_work_out(who, facilities):
    """The sign-in query reads `User.tz` along (no profile or facility query later);
    it must be what the model works out from the rows."""
    from core.api.authentication import TokenAuthentication
    from core.models import ResidentProfile, User
    from tests.factories import (
        FacilityFactory,
        HealthWorkerFactory,
        RegionFactory,
        UserFactory,
    )

    wita = RegionFactory(code="73.71.01", name="Mariso", timezone="Asia/Makassar")
    if who == "staff":
        user = HealthWorkerFactory(facility=FacilityFactory(district=wita))
    else:
        user = UserFactory()
        if who == "resident_home":
            ResidentProfile.objects.filter(user=user).update(home_village=wita)
    key = api_token_for(user)
    expected = User.objects.get(pk=user.pk).tz

    signed_in, _ = TokenAuthentication()._from_database(key)

    assert signed_in.tz == expected
    assert str(expected) == (
        "Asia/Jakarta" if who == "resident_none" else "Asia/Makassar"
    )
    assert "password" in signed_in.get_deferred_fields()
    assert signed_in.pk == user.pk and signed_in.phone == user.phone
