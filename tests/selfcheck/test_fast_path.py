"""The self-check's fast path (core.api.fast), anonymous or with a token, answers
exactly as DRF's path does, and leaves everything else to it."""

from __future__ import annotations

import pytest

from core.api import fast
from selfcheck.models import Assessment
from tests.helpers import count_fast_answers
from tests.selfcheck.helpers import URL, body

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "created_at", "recheck_after"}  # the clock's


@pytest.fixture
def fast_taken(monkeypatch):
    """Counts the requests the fast path answered itself."""
    return count_fast_answers(monkeypatch)


@pytest.fixture
def drf_only(monkeypatch):
    def use() -> None:
        monkeypatch.setattr(fast, "fast_post", lambda *args, **kwargs: None)

    return use


def _comparable(response) -> tuple:
    headers = {
        k: v for k, v in response.headers.items() if k not in ("X-Request-ID", "Date")
    }
    data = {k: v for k, v in response.json().items() if k not in VOLATILE}
    return response.status_code, headers, data


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_plain_submission_is_answered_by_the_fast_path_as_drf_answers_it(
    alice,
    regions_semarang,
    api_client,
    auth_client,
    fast_taken,
    drf_only,
    signed_in,
    lang,
):
    client = auth_client(alice) if signed_in else api_client
    headers = {"accept-language": lang}
    sent = body(symptoms=["fever", "cough", "fever"], temperature_c="38.25")
    fast_first = client.post(URL, sent, format="json", headers=headers)
    fast_retry = client.post(URL, sent, format="json", headers=headers)
    assert fast_taken == [201, 200]

    drf_only()
    again = body(symptoms=["fever", "cough", "fever"], temperature_c="38.25")
    drf_first = client.post(URL, again, format="json", headers=headers)
    drf_retry = client.post(URL, again, format="json", headers=headers)

    assert _comparable(fast_first) == _comparable(drf_first)
    assert _comparable(fast_retry) == _comparable(drf_retry)
    assert fast_first.json() == fast_retry.json()  # the retry reads it back
    assert fast_first["Content-Language"] == lang
    owners = set(Assessment.objects.values_list("owner", flat=True))
    assert owners == ({alice.pk} if signed_in else {None})
    assert Assessment.objects.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"age": 200},
        {"mood": "good"},
        {"symptoms": ["sneezing-blood"]},
        {"client_key": "not-a-uuid"},
        {"district_code": "99.99.99"},  # refused by the work itself
    ],
)
def test_bad_input_is_answered_by_drf_and_writes_nothing(
    regions_semarang, submit, fast_taken, overrides
):
    response = submit(**overrides)
    assert response.status_code == 400, response.content
    assert fast_taken == []
    fields = response.json()["error"]["fields"]
    assert {name.split(".")[0] for name in fields} == set(overrides)
    assert not Assessment.objects.exists()


def test_a_reused_client_key_is_a_conflict_from_drf(
    regions_semarang, submit, fast_taken
):
    key = body()["client_key"]
    assert submit(client_key=key).status_code == 201
    response = submit(client_key=key, age=70)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "client_key_reused"
    assert fast_taken == [201]
    assert Assessment.objects.count() == 1


def test_a_session_or_other_credentials_go_to_drf(
    alice, regions_semarang, api_client, fast_taken
):
    api_client.force_login(alice)  # the session cookie: DRF's session auth and CSRF
    assert api_client.post(URL, body(), format="json").status_code == 201
    api_client.logout()
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.post(URL, body(), format="json").status_code == 401
    assert fast_taken == []


def test_without_consent_drf_says_why_and_nothing_is_written(
    alice, regions_semarang, auth_client, fast_taken
):
    alice.profile.consent_given_at = None
    alice.profile.save(update_fields=["consent_given_at"])
    response = auth_client(alice).post(URL, body(), format="json")
    assert response.status_code == 403, response.content
    assert fast_taken == []
    assert not Assessment.objects.exists()


def test_an_anonymous_client_over_its_rate_is_refused_by_drf(
    regions_semarang, submit, fast_taken, throttle_rates
):
    from django.core.cache import cache

    cache.clear()
    throttle_rates(anon="2/min")
    try:
        codes = [submit().status_code for _ in range(4)]
    finally:
        cache.clear()
    assert codes == [201, 201, 429, 429]
    assert fast_taken == [201, 201]
