"""The check-in's fast path (core.api.fast) answers exactly as DRF's path does, and
leaves everything but the plain request to it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.api import fast
from isolation import rules
from isolation.api.views import resident
from isolation.models import CheckIn
from tests.helpers import count_fast_answers
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/isolation/checkins"
InputSerializer = resident.CheckInSubmitApi.InputSerializer


@pytest.fixture
def fast_taken(monkeypatch):
    """Counts the requests the fast path answered itself."""
    return count_fast_answers(monkeypatch)


def _post(client, body: dict, **headers):
    return client.post(
        URL, json.dumps(body), content_type="application/json", **headers
    )


# Every field the app sends, vitals under both their names, a danger-free report.
PLAIN = {
    "temperature_c": "37.45",
    "spo2": 96,
    "respiratory_rate": 20,
    "symptoms": ["cough", "fatigue", "cough"],
    "danger_signs": [],
    "note": "  batuk sedikit  ",
}
VOLATILE = {"id", "client_id", "created_at", "measured_at", "slot_date", "slot"}


def _comparable(response) -> tuple:
    headers = {
        k: v for k, v in response.headers.items() if k not in ("X-Request-ID", "Date")
    }
    body = {k: v for k, v in response.json().items() if k not in VOLATILE}
    return response.status_code, headers, body


def test_a_plain_check_in_is_answered_by_the_fast_path_as_drf_answers_it(
    alice, alice_isolating, bob, bob_isolating, auth_client, monkeypatch, fast_taken
):
    body = dict(PLAIN, client_id=new_client_id())
    fast_first = _post(auth_client(alice), body)
    fast_retry = _post(auth_client(alice), body)
    assert fast_taken == [201, 200]

    monkeypatch.setattr(fast, "fast_post", lambda *args, **kwargs: None)
    drf_body = dict(PLAIN, client_id=new_client_id())
    drf_first = _post(auth_client(bob), drf_body)
    drf_retry = _post(auth_client(bob), drf_body)

    assert _comparable(fast_first) == _comparable(drf_first)
    assert _comparable(fast_retry) == _comparable(drf_retry)
    assert fast_first.content == fast_retry.content
    assert fast_first.json()["temperature_c"] == "37.5"  # rounded as DRF rounds
    assert CheckIn.objects.count() == 2


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        # Not the plain request: DRF answers (its errors, its negotiation).
        ({"HTTP_ACCEPT": "application/xml"}, {}, 406),
        ({"HTTP_ACCEPT": "application/json; indent=4"}, {"spo2": 97}, 201),
        ({}, {"spo2": 101}, 400),
        ({}, {"mood": "good"}, 400),
        ({}, {"temperature": "37.0", "temperature_c": "38.0"}, 400),
        ({}, {"measured_at": "2001-01-01T00:00:00Z"}, 400),
        ({}, {"client_id": " short "}, 400),
    ],
)
def test_anything_but_the_plain_request_is_answered_by_drf(
    alice, alice_isolating, auth_client, fast_taken, headers, body, status
):
    body = {"client_id": new_client_id(), **body}
    response = _post(auth_client(alice), body, **headers)
    assert response.status_code == status, response.content
    assert fast_taken == []
    if status >= 400:
        assert response.json()["error"]["code"]


def test_refusals_come_from_drf_with_its_error_format(
    alice, alice_isolating, bob, nurse, auth_client, api_client, fast_taken
):
    body = {"client_id": new_client_id(), "spo2": 97}
    # No token, a wrong one, a health worker's: DRF's 401 and 403.
    assert _post(api_client, body).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert _post(api_client, body).status_code == 401
    assert _post(auth_client(nurse), body).status_code == 403
    assert fast_taken == []
    # No isolation: the work refuses, DRF says why (409), nothing is written.
    response = _post(auth_client(bob), body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_active_isolation"
    assert fast_taken == []
    assert not CheckIn.objects.exists()


def test_a_client_over_its_rate_is_refused_by_drf(
    alice, alice_isolating, auth_client, fast_taken, throttle_rates
):
    from django.core.cache import cache

    cache.clear()
    throttle_rates(user="3/min")
    try:
        client = auth_client(alice)
        codes = [
            _post(client, {"client_id": new_client_id(), "spo2": 97}).status_code
            for _ in range(5)
        ]
    finally:
        cache.clear()
    assert codes[:3] == [201, 201, 201]
    assert codes[3:] == [429, 429]
    assert fast_taken == [201, 201, 201]


def test_the_user_language_is_applied_as_on_the_drf_path(
    alice, alice_isolating, auth_client, monkeypatch, fast_taken
):
    alice.language = "en"
    alice.save(update_fields=["language"])
    fast_response = _post(
        auth_client(alice), {"client_id": new_client_id(), "spo2": 97}
    )
    assert fast_taken == [201]
    monkeypatch.setattr(fast, "fast_post", lambda *args, **kwargs: None)
    drf = _post(auth_client(alice), {"client_id": new_client_id(), "spo2": 97})
    assert drf["Content-Language"] == fast_response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("content_type", "accept", "plain"),
    [
        ("application/json", None, True),
        ("application/json; charset=UTF-8", "*/*", True),
        ("application/json", "application/json, text/plain, */*", True),
        ("application/json", "application/json;q=0.9", True),
        ("application/json", "application/json; indent=2", False),
        ("application/json", "application/json;q=0", False),
        ("application/json", "text/html", False),
        ("application/json; charset=latin-1", None, False),
        ("text/plain", None, False),
        ("multipart/form-data; boundary=x", None, False),
    ],
)
def test_only_json_asked_and_answered_plainly_takes_the_fast_path(
    content_type, accept, plain
):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    request = RequestFactory().post(URL, "{}", content_type=content_type, **extra)
    assert fast._plain_json_call(request) is plain


@pytest.mark.parametrize(
    ("accept", "plain"),
    [
        (None, True),
        ("application/json", True),
        ("application/json, */*;q=0.8", True),
        ("text/html, application/json", False),
        ("application/json, text/plain, */*", False),
    ],
)
def test_beside_the_browsable_api_every_type_asked_must_take_json(accept, plain):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    request = RequestFactory().post(URL, "{}", content_type="application/json", **extra)
    assert fast._plain_json_call(request, only_json=False) is plain


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Token abc123", "abc123"),
        ("token abc123", "abc123"),
        ("Bearer abc123", None),
        ("Token", None),
        ("Token a b", None),
        ("Token k\u00e9y", None),
        ("", None),
        (None, ""),  # no credentials at all: anonymous
    ],
)
def test_the_token_key_is_read_as_drf_reads_it(header, key):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    request = RequestFactory().post(URL, **extra)
    assert fast._credentials(request) == key


def test_a_session_cookie_is_left_to_drf():
    request = RequestFactory().post(URL)
    request.COOKIES["sessionid"] = "abc"
    assert fast._credentials(request) is None


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=300),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
    st.sampled_from(["36.5", "37.45", "1e3", "abc", "", " 38 ", "40.05"]),
    st.sampled_from(
        [
            dt.datetime.now(dt.UTC).isoformat(),
            "2026-12-04T08:00:00+07:00",
            "2026-13-01T00:00:00",
            "yesterday",
        ]
    ),
    st.lists(st.sampled_from([*rules.SYMPTOMS, *rules.DANGER_SIGNS, "x"]), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_keys = st.sampled_from([*InputSerializer._declared_fields, "mood"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.dictionaries(_keys, _values, max_size=6),
    st.sampled_from(["offline-0001", "x", "valid.id:0002", 5]),
)
def test_the_fast_validation_is_the_serializers_or_none(data, client_id):
    data = {"client_id": client_id, **data}
    serializer = InputSerializer(data=data)
    valid = serializer.is_valid()
    fast_values = fast.validated_fields(InputSerializer, data)
    if not valid:
        assert fast_values is None
    else:
        assert fast_values == dict(serializer.validated_data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["fast", "drf"])
def test_with_the_database_away_both_paths_answer_503_once(
    alice, alice_isolating, auth_client, monkeypatch, path
):
    """The isolation table is locked by another session and this one gives a
    statement 200 ms, as on a failover: 503 with Retry-After in the error format,
    from either path, and nothing written."""
    from isolation.models import Isolation
    from tests.helpers import database_not_answering, require_postgres

    require_postgres()
    if path == "drf":
        monkeypatch.setattr(fast, "fast_post", lambda *args, **kwargs: None)
    client = auth_client(alice)
    assert _post(client, {"client_id": new_client_id(), "spo2": 97}).status_code == 201
    with database_not_answering(Isolation):
        response = _post(client, {"client_id": new_client_id(), "spo2": 97})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert CheckIn.objects.count() == 1
