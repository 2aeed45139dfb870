"""Staff sign in with a password (a code by SMS alone is not enough), and password
guessing is limited per account and per client on every sign-in page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.helpers import sign_in_code_sent_to

PASSWORD_API = "/api/v1/auth/password"


def test_a_code_by_sms_alone_does_not_sign_staff_in(api_client, nurse):
    extra = {"REMOTE_ADDR": "203.0.113.5"}
    code = _request_code_from_phone(api_client, nurse.phone, extra)

    r = api_client.post(
        "/api/v1/auth/otp/verify",
        {"phone": nurse.phone, "code": code},
        format="json",
        **extra,
    )

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "password_required"
    assert not nurse.api_tokens.exists()


def test_staff_sign_in_with_their_password(api_client, nurse):
    r = api_client.post(
        PASSWORD_API,
        {"phone": nurse.phone, "password": nurse.raw_password},
        format="json",
    )

    assert r.status_code == 200, r.json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert api_client.get("/api/v1/isolation/patients").status_code == 200


def test_residents_have_no_password_sign_in(api_client, alice):
    r = api_client.post(
        PASSWORD_API, {"phone": alice.phone, "password": ""}, format="json"
    )
    assert r.status_code == 400


def test_the_api_refuses_the_right_password_after_many_wrong_ones(api_client, nurse):
    for n in range(10):
        api_client.post(
            PASSWORD_API,
            {"phone": nurse.phone, "password": f"tebakan-{n}"},
            format="json",
            REMOTE_ADDR=f"198.51.100.{n}",  # from many addresses: per account
        )

    r = api_client.post(
        PASSWORD_API,
        {"phone": nurse.phone, "password": nurse.raw_password},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )

    assert r.status_code == 429
    assert r.json()["error"]["code"] == "login_rate_limited"
    assert r["Retry-After"] == "900"


@pytest.mark.parametrize("url", ["/dashboard/login/", "/admin/login/"])
def test_sign_in_pages_stop_a_password_guesser(nurse, curator, url):
    user = curator if url.startswith("/admin") else nurse
    browser = Client()
    for n in range(60):
        browser.post(url, {"username": user.phone, "password": f"salah-{n}"})

    browser.post(url, {"username": user.phone, "password": user.raw_password})

    assert "_auth_user_id" not in browser.session


def test_one_client_cannot_guess_across_accounts(nurse, nurse2, settings):
    settings.SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT = 3
    browser = Client(REMOTE_ADDR="198.51.100.77")
    for n in range(3):
        browser.post(
            "/dashboard/login/",
            {"username": f"08110000{n:04d}", "password": "salah"},
        )

    browser.post(
        "/dashboard/login/", {"username": nurse2.phone, "password": nurse2.raw_password}
    )

    assert "_auth_user_id" not in browser.session
    elsewhere = Client(REMOTE_ADDR="203.0.113.20")
    elsewhere.post(
        "/dashboard/login/", {"username": nurse2.phone, "password": nurse2.raw_password}
    )
    assert elsewhere.session["_auth_user_id"] == str(nurse2.pk)


def test_a_second_factor_where_configured(api_client, nurse, settings):
    settings.SIGAP_STAFF_SECOND_FACTOR = True
    body = {"phone": nurse.phone, "password": nurse.raw_password}

    without = api_client.post(PASSWORD_API, body, format="json")
    code = _request_code_from_phone(api_client, nurse.phone, {})
    with_code = api_client.post(PASSWORD_API, {**body, "code": code}, format="json")

    assert without.status_code == 400
    assert without.json()["error"]["code"] == "code_required"
    assert with_code.status_code == 200


def _request_code_from_phone(client, phone, extra) -> str:

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(
            "/api/v1/auth/otp/request", {"phone": phone}, format="json", **extra
        )
    assert r.status_code == 202, r.content
    return sign_in_code_sent_to(phone)


def test_nobody_can_lock_a_staff_member_out_of_where_they_work(api_client, nurse):
    """An attacker's wrong passwords stop the attacker's address and new addresses,
    never the address the staff member signed in from before."""
    console = {"REMOTE_ADDR": "192.0.2.10"}
    body = {"phone": nurse.phone, "password": nurse.raw_password}
    assert (
        api_client.post(PASSWORD_API, body, format="json", **console).status_code == 200
    )
    for n in range(25):
        api_client.post(
            PASSWORD_API,
            {"phone": nurse.phone, "password": f"tebakan-{n}"},
            format="json",
            REMOTE_ADDR="198.51.100.66",
        )

    at_console = api_client.post(PASSWORD_API, body, format="json", **console)
    attacker = api_client.post(
        PASSWORD_API, body, format="json", REMOTE_ADDR="198.51.100.66"
    )
    new_place = api_client.post(
        PASSWORD_API, body, format="json", REMOTE_ADDR="203.0.113.50"
    )

    assert at_console.status_code == 200
    assert attacker.status_code == 429
    assert new_place.status_code == 429


@pytest.mark.parametrize(
    "url", ["/dashboard/login/", "/admin/login/", "/kantor/login/"]
)
def test_a_stopped_sign_in_page_says_why(nurse, curator, health_office, url):
    """Not "wrong password": the health worker's password is right."""
    user = {"/admin/login/": curator, "/kantor/login/": health_office}.get(url, nurse)
    guesser = Client(REMOTE_ADDR="198.51.100.31")
    for n in range(10):
        guesser.post(url, {"username": user.phone, "password": f"salah-{n}"})

    page = guesser.post(url, {"username": user.phone, "password": user.raw_password})

    assert "_auth_user_id" not in guesser.session
    assert "Terlalu banyak percobaan masuk" in page.content.decode()
