from __future__ import annotations

import re
import threading

import pytest
from django.db import connection

from core.models import OneTimeCode, User
from core.rules import mask_phone
from tests.helpers import sign_in_code_sent_to

pytestmark = pytest.mark.django_db


def _request_code(client, phone="081234567890") -> str:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/auth/otp/request", {"phone": phone}, format="json"
        )
    assert response.status_code == 202, response.content
    return sign_in_code_sent_to(phone)


def test_it_signs_in_with_a_code_and_returns_a_token(api_client):
    code = _request_code(api_client)
    response = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "+6281234567890", "code": code},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["created"] is True
    assert body["user"]["phone"] == "+6281234567890"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get("/api/v1/me").json()["role"] == "resident"


@pytest.mark.parametrize(
    "variant", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890"]
)
def test_it_treats_phone_formats_as_one_person(api_client, variant):
    code = _request_code(api_client, phone="081234567890")
    response = api_client.post(
        "/api/v1/auth/otp/verify", {"phone": variant, "code": code}, format="json"
    )
    assert response.status_code == 200
    assert User.objects.filter(phone="+6281234567890").count() == 1


def test_it_prints_only_the_code_on_the_console_backend(
    api_client, capsys, django_capture_on_commit_callbacks, settings
):
    settings.SIGAP_OTP_SENDER = "core.notifications.backends.ConsoleSmsBackend"
    settings.DEBUG = True  # `make run`
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            "/api/v1/auth/otp/request", {"phone": "081234567890"}, format="json"
        )
    out = capsys.readouterr().out
    # The developer gets the code; the console holds no part of the number.
    assert "7890" not in out and mask_phone("+6281234567890") not in out
    assert re.fullmatch(
        r"\[sigap sms\] sign-in code \d{6} \(development sender\)\n", out
    )


def test_it_rejects_a_reused_code(api_client):
    code = _request_code(api_client)
    payload = {"phone": "081234567890", "code": code}
    assert (
        api_client.post("/api/v1/auth/otp/verify", payload, format="json").status_code
        == 200
    )
    response = api_client.post("/api/v1/auth/otp/verify", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"


def test_it_rejects_an_expired_code(api_client, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    code = _request_code(api_client)
    time_machine.shift(301)
    response = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "081234567890", "code": code},
        format="json",
    )
    assert response.status_code == 400
    # The answer of a number that never asked for a code (README "API").
    assert response.json()["error"]["code"] == "invalid_code"
    assert not User.objects.exists()


def test_it_locks_a_code_after_five_wrong_guesses(api_client):
    code = _request_code(api_client)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        r = api_client.post(
            "/api/v1/auth/otp/verify",
            {"phone": "081234567890", "code": wrong},
            format="json",
        )
        assert r.json()["error"]["code"] == "invalid_code"
    r = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "081234567890", "code": code},
        format="json",
    )
    assert r.status_code == 400
    # Used up: the right code is refused too, with the one "no valid code" answer.
    assert r.json()["error"]["code"] == "invalid_code"
    assert OneTimeCode.objects.get().attempts == 5
    assert not User.objects.exists()


def test_it_limits_code_requests_per_phone_per_hour(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    for _ in range(5):
        assert (
            api_client.post(
                "/api/v1/auth/otp/request", {"phone": "081234567890"}, format="json"
            ).status_code
            == 202
        )
    r = api_client.post(
        "/api/v1/auth/otp/request", {"phone": "081234567890"}, format="json"
    )
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "otp_rate_limited"
    assert 0 < int(r["Retry-After"]) <= 3600  # when the hour's count starts again
    assert OneTimeCode.objects.count() == 5


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"phone": "+14155550100"}, "phone", "invalid_phone"),
        ({}, "phone", "invalid"),
        ({"phone": "081234567890", "extra": 1}, "extra", "unknown_field"),
    ],
)
def test_it_rejects_bad_code_requests(api_client, payload, field, code):
    r = api_client.post("/api/v1/auth/otp/request", payload, format="json")
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == code
    assert field in body["fields"]
    assert not OneTimeCode.objects.exists()


def test_it_rejects_malformed_json(api_client):
    r = api_client.generic(
        "POST", "/api/v1/auth/otp/request", "{not json", content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_request"


def test_it_rejects_oversized_bodies(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"phone": "' + "1" * 5000 + '"}'
    r = api_client.generic(
        "POST", "/api/v1/auth/otp/request", body, content_type="application/json"
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_it_answers_401_in_the_error_format(api_client):
    r = api_client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db(transaction=True)
def test_it_counts_parallel_guesses_atomically():
    """20 parallel wrong guesses can never buy more than 5 attempts."""
    from rest_framework.test import APIClient

    client = APIClient()
    code = _request_code(client)
    wrong = "000000" if code != "000000" else "111111"
    results = []

    def guess():
        c = APIClient()
        results.append(
            c.post(
                "/api/v1/auth/otp/verify",
                {"phone": "081234567890", "code": wrong},
                format="json",
            ).json()["error"]["code"]
        )
        connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) <= {"invalid_code", "rate_limited"}
    assert OneTimeCode.objects.get().attempts == 5
    # No guess beyond the five was compared: the right code is refused as well
    # (the rate limits forgotten, so the answer is the code's own).
    from django.core.cache import cache

    cache.clear()
    r = client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "081234567890", "code": code},
        format="json",
    )
    assert r.json()["error"]["code"] == "invalid_code"


# --- nobody can lock a phone out ------------------------------------------------------


def test_wrong_guesses_from_elsewhere_never_lock_the_owner_out(settings):
    from rest_framework.test import APIClient

    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    owner = {"REMOTE_ADDR": "203.0.113.10"}
    client = APIClient()
    # 25 wrong verifies while no code is issued, then 5 codes asked for her number.
    for n in range(25):
        client.post(
            "/api/v1/auth/otp/verify",
            {"phone": "081234567890", "code": f"{n:06d}"},
            format="json",
            **attacker,
        )
    for _ in range(5):
        client.post(
            "/api/v1/auth/otp/request",
            {"phone": "081234567890"},
            format="json",
            **attacker,
        )

    code = _request_code_from(client, owner)
    r = client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "081234567890", "code": code},
        format="json",
        **owner,
    )

    assert r.status_code == 200, r.json()


def test_it_limits_wrong_codes_per_client_whatever_the_phone(api_client, settings):
    settings.SIGAP_OTP_MAX_FAILURES_PER_CLIENT = 3
    codes = [
        api_client.post(
            "/api/v1/auth/otp/verify",
            {"phone": f"08123456789{n}", "code": "123456"},
            format="json",
        ).json()["error"]["code"]
        for n in range(5)
    ]

    assert codes == ["invalid_code"] * 3 + ["otp_rate_limited"] * 2


def _request_code_from(client, extra) -> str:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/auth/otp/request",
            {"phone": "081234567890"},
            format="json",
            **extra,
        )
    assert response.status_code == 202, response.content
    return sign_in_code_sent_to("081234567890")
