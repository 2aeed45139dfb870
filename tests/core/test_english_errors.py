"""Errors in the client's language: English for Accept-Language: en or a token user
whose language is en, nothing Indonesian left in their messages or fields."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings

from core.models import OneTimeCode, User
from tests.helpers import sign_in_code_sent_to
from tests.isolation.fixtures import alice_isolating  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

INDONESIAN = re.compile(
    r"\b(tidak|Kode|kode|harus|Isi|Sertakan|Kolom|Sesi|Zona|diisi|Tanggal|Nomor|"
    r"salah|belum|sudah|dikenal|Alias|Kursor|dulu|Wajib|batalkan|dipantau)\b"
)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _assert_english(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    texts = [error["message"], *error["fields"].values()]
    for text in texts:
        assert not INDONESIAN.search(text), (code, text)
    # Residents are told what to do in words, never an API path.
    assert not any("/api/" in text for text in texts), texts
    return error


def _anonymous_cases():
    return [
        ("post", "/api/v1/auth/otp/verify", {"phone": "081234567890"} | {"code": "1"}),
        ("post", "/api/v1/auth/otp/request", {"phone": "+14155550100"}),
        ("post", "/api/v1/auth/otp/request", {"phone": "081234567890", "x": 1}),
        ("post", "/api/v1/auth/otp/request", {"": 1}),
        ("get", "/api/v1/facilities/beds?lat=-6.9", None),
        ("get", "/api/v1/facilities/beds", None),
    ]


@pytest.mark.parametrize(
    ("method", "url", "body", "code"),
    [
        (*case, code)
        for case, code in zip(
            _anonymous_cases(),
            [
                "invalid",
                "invalid_phone",
                "unknown_field",
                "unknown_field",
                "invalid",
                "invalid",
            ],
            strict=True,
        )
    ],
)
def test_it_answers_anonymous_errors_in_english(api_client, method, url, body, code):
    response = getattr(api_client, method)(url, body, format="json", **ENGLISH)
    _assert_english(response, 400, code)


def test_it_answers_sign_in_errors_in_english(api_client, nurse):
    _assert_english(
        api_client.post(
            "/api/v1/auth/otp/verify",
            {"phone": "081234567890", "code": "123456"},
            format="json",
            **ENGLISH,
        ),
        400,
        "invalid_code",
    )
    _assert_english(
        api_client.post(
            "/api/v1/auth/password",
            {"phone": nurse.phone, "password": "wrong"},
            format="json",
            **ENGLISH,
        ),
        400,
        "invalid_credentials",
    )


@pytest.mark.parametrize("how", ["header", "account"])
def test_it_answers_a_residents_errors_in_english(how, alice, auth_client, facilities):
    if how == "account":
        User.objects.filter(pk=alice.pk).update(language="en")
        headers = {}
    else:
        headers = ENGLISH
    client = auth_client(alice)

    def check(method, url, body, status, code):
        response = getattr(client, method)(url, body, format="json", **headers)
        return _assert_english(response, status, code)

    check("patch", "/api/v1/me", {"nik": "3374105002917777"}, 400, "invalid_nik")
    check(
        "patch", "/api/v1/me", {"birth_date": "1800-01-01"}, 400, "invalid_birth_date"
    )
    check(
        "patch", "/api/v1/me", {"home_village": "99.99.99.9999"}, 400, "unknown_region"
    )
    check("patch", "/api/v1/me", {"full_name": "\u200b\u200b"}, 400, "invalid")
    check(
        "post",
        "/api/v1/isolation/checkins",
        {"client_id": "abcdefgh1", "measured_at": "2025-03-03T08:00:00"},
        400,
        "naive",
    )
    check(
        "post",
        "/api/v1/isolation/checkins",
        {"client_id": "abcdefgh2", "temperature": 38, "temperature_c": 37},
        400,
        "conflicting_alias",
    )
    check("post", "/api/v1/isolation/checkins", {"client_id": "a"}, 400, "invalid")
    check(
        "post",
        "/api/v1/teleconsult/bookings",
        {"doctor": 1, "start": "2030-03-04T08:00:00"},
        400,
        "naive",
    )
    check("get", "/api/v1/teleconsult/slots", None, 400, "invalid")
    check(
        "get", "/api/v1/teleconsult/slots?doctor=1&tz=Mars/Olympus", None, 400, "zone"
    )
    check(
        "get",
        "/api/v1/teleconsult/slots?doctor=1&date_from=1800-01-01",
        None,
        400,
        "date_out_of_range",
    )
    check(
        "get",
        "/api/v1/teleconsult/bookings?cursor=garbage",
        None,
        400,
        "invalid_cursor",
    )
    check("get", "/api/v1/teleconsult/bookings/0", None, 404, "booking_not_found")
    check("delete", "/api/v1/me/sessions/999999", None, 404, "session_not_found")


@pytest.mark.usefixtures("alice_isolating")
def test_the_erasure_refusal_is_english_like_the_consent_refusal(alice, auth_client):
    client = auth_client(alice)
    erase = _assert_english(
        client.delete("/api/v1/me", **ENGLISH), 409, "active_isolation"
    )
    withdraw = _assert_english(
        client.delete("/api/v1/me/consent", **ENGLISH), 409, "active_isolation"
    )
    assert erase["message"].startswith("The account cannot be deleted")
    assert "Puskesmas Rowosari" in erase["fields"]["isolation"]
    assert withdraw["message"].startswith("Consent cannot be withdrawn")
    # Indonesian still, by default.
    assert (
        client.delete("/api/v1/me")
        .json()["error"]["message"]
        .startswith("Akun belum dapat dihapus")
    )


# --- one code, whatever the number of fields (README "API") ------------------------


def test_the_code_stays_unknown_field_for_several_unknown_fields(api_client):
    one = api_client.post(
        "/api/v1/auth/otp/request", {"phone": "081234567890", "a": 1}, format="json"
    ).json()["error"]
    two = api_client.post(
        "/api/v1/auth/otp/request",
        {"phone": "081234567890", "a": 1, "b": 2},
        format="json",
    ).json()["error"]
    assert one["code"] == two["code"] == "unknown_field"
    assert set(two["fields"]) == {"a", "b"}


def test_a_specific_code_wins_over_a_generic_one(alice, auth_client):
    response = auth_client(alice).get(
        "/api/v1/teleconsult/slots?doctor=x&date_from=1800-01-01"
    )
    error = response.json()["error"]
    assert response.status_code == 400
    assert set(error["fields"]) == {"doctor", "date_from"}
    assert error["code"] == "date_out_of_range"


def test_generic_field_errors_are_invalid(api_client):
    error = api_client.post("/api/v1/auth/otp/verify", {}, format="json").json()[
        "error"
    ]
    assert set(error["fields"]) == {"phone", "code"}
    assert error["code"] == "invalid"


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["unknown_field", "unknown_field"], "unknown_field"),
        (["required", "blank"], "invalid"),
        (["invalid", "date_out_of_range"], "date_out_of_range"),
        (["max_length", "date_out_of_range"], "max_length"),
        (["date_out_of_range"], "date_out_of_range"),
    ],
)
def test_the_code_rule(codes, expected):
    from rest_framework.exceptions import ErrorDetail

    from core.api.exceptions import validation_code

    detail = {f"f{i}": [ErrorDetail("x", code=c)] for i, c in enumerate(codes)}
    assert validation_code(detail) == expected


# --- sign-in ------------------------------------------------------------------------


def _request_code(client, phone="081234567890", **headers) -> str:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/auth/otp/request", {"phone": phone}, format="json", **headers
        )
    assert response.status_code == 202, response.content
    return sign_in_code_sent_to(phone)


def test_a_new_account_takes_the_requests_language(api_client, alice):
    code = _request_code(api_client, **ENGLISH)
    created = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": "081234567890", "code": code},
        format="json",
        **ENGLISH,
    ).json()
    assert created["created"] is True and created["user"]["language"] == "en"
    # An existing account keeps its own.
    code = _request_code(api_client, phone=alice.phone)
    again = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": alice.phone, "code": code},
        format="json",
        **ENGLISH,
    ).json()
    assert again["created"] is False and again["user"]["language"] == "id"


def test_no_valid_code_gets_one_answer_whether_a_code_was_ever_sent(
    api_client, time_machine
):
    from django.utils import timezone

    def verify(phone, code="000001"):
        return api_client.post(
            "/api/v1/auth/otp/verify", {"phone": phone, "code": code}, format="json"
        )

    never = verify("081299999999")
    time_machine.move_to(timezone.now(), tick=False)
    _request_code(api_client)
    time_machine.shift(301)
    expired = verify("081234567890")
    assert never.status_code == expired.status_code == 400
    assert never.json() == expired.json()
    assert never.json()["error"]["code"] == "invalid_code"

    # Used-up attempts answer the same, and still stop the right code.
    code = _request_code(api_client)
    wrong = "000000" if code != "000000" else "111111"
    answers = [verify("081234567890", wrong).json() for _ in range(5)]
    assert verify("081234567890", code).json() == never.json() == answers[0]
    assert OneTimeCode.objects.filter(attempts=5).count() == 1
    assert not User.objects.filter(phone="+6281234567890").exists()


# --- names and free text -----------------------------------------------------------


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u202e\u2066 \ufeff", "   "])
def test_a_name_with_nothing_visible_is_refused(alice, auth_client, name):
    response = auth_client(alice).patch(
        "/api/v1/me", {"full_name": name}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"full_name"}
    alice.refresh_from_db()
    assert alice.full_name == "Alice Wulandari"


def test_bidi_and_zero_width_characters_are_stripped(alice, auth_client, facilities):
    client = auth_client(alice)
    response = client.patch(
        "/api/v1/me", {"full_name": "John\u200b Miller \u202egnp.exe"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "John Miller gnp.exe"

    created = client.post(
        "/api/v1/isolation/requests",
        {
            "reason": "positive_test",
            "test_date": dt.date.today().isoformat(),
            "note": "\u202eevil\u2069 line\nbreak\ufeff",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    from isolation.models import IsolationRequest

    assert IsolationRequest.objects.get(patient=alice).note == "evil line\nbreak"


@pytest.mark.parametrize(
    ("raw", "clean", "visible"),
    [
        ("Siti", "Siti", True),
        ("\u200b\u200c\u200d\u2060\ufeff", "", False),
        ("a\u202a\u202b\u202c\u202d\u202eb", "ab", True),
        ("\u2066\u2067\u2068\u2069x", "x", True),
        ("\u00a0\u3000", "\u00a0\u3000", False),
        ("baris\nbaru", "baris\nbaru", True),
    ],
)
def test_text_clean(raw, clean, visible):
    from core.rules import text_clean, text_has_visible

    assert text_clean(raw) == clean
    assert text_has_visible(text_clean(raw)) is visible


# --- the rest ------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_bad_host_on_the_api_answers_json(debug, client):
    with override_settings(DEBUG=debug, ALLOWED_HOSTS=["sigap.example"]):
        response = client.get("/api/v1/regions", HTTP_HOST="evil.example", **ENGLISH)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == {
        "code": "bad_request",
        "message": "Invalid request.",
        "fields": {},
    }


def test_a_withdrawn_consent_shows_no_purpose(alice, auth_client):
    client = auth_client(alice)
    assert client.get("/api/v1/me").json()["profile"]["consent_purpose"]
    assert client.delete("/api/v1/me/consent").status_code == 204
    profile = client.get("/api/v1/me").json()["profile"]
    assert profile["consent_given_at"] is None
    assert profile["consent_purpose"] is None


def test_the_export_is_named_in_the_users_language(alice, auth_client):
    client = auth_client(alice)
    assert (
        "sigap-data-saya.json" in client.get("/api/v1/me/export")["Content-Disposition"]
    )
    alice.language = "en"
    alice.save()
    assert (
        "sigap-my-data.json" in client.get("/api/v1/me/export")["Content-Disposition"]
    )


@pytest.mark.parametrize(
    ("who", "home"),
    [
        ("curator", "/admin/"),
        ("operator", "/admin/"),
        ("nurse", "/dashboard/"),
        ("health_office", "/kantor/"),
        ("psc", "/psc/"),
        ("hospital", "/beds/"),
    ],
)
@pytest.mark.parametrize(
    "login", ["/admin/login/", "/dashboard/login/", "/kantor/login/"]
)
def test_a_sign_in_without_next_lands_on_the_roles_home(
    client, request, facilities, who, home, login
):
    from tests.factories import HospitalStaffFactory, PscOperatorFactory
    from tests.helpers import local_phone

    if who == "psc":
        user = PscOperatorFactory()
    elif who == "hospital":
        user = HospitalStaffFactory()
    else:
        user = request.getfixturevalue(who)
    password = getattr(user, "raw_password", "sigap-operator-pw")
    if login == "/admin/login/" and not user.is_staff:
        pytest.skip("the admin signs in only its own staff")
    # The admin's form takes the number as stored; the others also take 0812….
    username = user.phone if login == "/admin/login/" else local_phone(user)
    response = client.post(
        login, {"username": username, "password": password}, follow=True
    )
    assert response.redirect_chain, response.content[:300]
    assert response.redirect_chain[-1][0] == home


def test_staff_pages_stay_indonesian_without_a_choice(client, nurse):
    client.force_login(nurse)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="id"' in page.content.decode()


def test_health_shows_backends_only_with_debug_or_to_staff(client, nurse, settings):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert all(set(check) == {"ok", "ms"} for check in body["checks"].values())
    client.force_login(nurse)
    assert "backend" in client.get("/healthz").json()["checks"]["database"]
    client.logout()
    settings.DEBUG = True
    assert "backend" in client.get("/healthz").json()["checks"]["database"]
