"""System checks an operator meets with `manage.py check --deploy`."""

from __future__ import annotations

import pytest

from core.settings import env_backend


def _ids(**kwargs) -> set[str]:
    from django.core.checks import run_checks

    return {m.id for m in run_checks(include_deployment_checks=True, **kwargs)}


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("HttpSmsBackend", "core.notifications.backends.HttpSmsBackend"),
        ("FcmBackend", "core.notifications.backends.FcmBackend"),
        ("TelegramBackend", "chatbot.channels.backends.TelegramBackend"),
        (
            "core.notifications.backends.HttpSmsBackend",
            "core.notifications.backends.HttpSmsBackend",
        ),
        ("", "core.notifications.backends.ConsoleSmsBackend"),
    ],
)
def test_it_reads_backends_by_their_class_name(monkeypatch, value, path):
    monkeypatch.setenv("SIGAP_TEST_BACKEND", value)
    assert env_backend("SIGAP_TEST_BACKEND", "ConsoleSmsBackend") == path


def test_it_refuses_a_backend_that_cannot_be_imported(settings):
    from core.checks import check_backends

    settings.SIGAP_OTP_SENDER = "HttpSmsBackend"  # not resolved: as before the fix
    settings.SIGAP_NOTIFICATION_BACKENDS = {
        **settings.SIGAP_NOTIFICATION_BACKENDS,
        "push": "core.notifications.backends.FcmBackendd",
    }
    errors = check_backends(None)
    assert {e.id for e in errors} == {"sigap.E001"}
    assert sorted(e.msg.split("=")[0] for e in errors) == [
        "SIGAP_OTP_SENDER",
        "SIGAP_PUSH_BACKEND",
    ]


def test_it_refuses_an_otp_sender_that_sends_no_sms(settings):
    from core.checks import check_backends

    settings.SIGAP_OTP_SENDER = "core.notifications.backends.FcmBackend"
    (error,) = check_backends(None)
    assert "not an SMS sender" in error.msg


def test_it_accepts_the_configured_backends(settings):
    from core.checks import check_backends

    assert check_backends(None) == []


def test_it_warns_when_people_are_keyed_with_the_secret_key(settings):
    settings.DEBUG = False
    settings.SIGAP_PERSON_KEY_SECRET = ""
    assert "sigap.W005" in _ids()
    settings.SIGAP_PERSON_KEY_SECRET = "a-long-random-value-set-once"
    assert "sigap.W005" not in _ids()


def test_it_warns_about_an_sms_gateway_without_an_address(settings):
    settings.SIGAP_OTP_SENDER = "core.notifications.backends.HttpSmsBackend"
    settings.SMS_HTTP_URL = ""
    assert "sigap.W006" in _ids()
    settings.SMS_HTTP_URL = "https://sms.example/send"
    assert "sigap.W006" not in _ids()


def test_it_warns_about_fcm_without_its_credentials(settings, tmp_path):
    settings.SIGAP_NOTIFICATION_BACKENDS = {
        **settings.SIGAP_NOTIFICATION_BACKENDS,
        "push": "core.notifications.backends.FcmBackend",
    }
    settings.FCM_PROJECT_ID = "sigap-prod"
    settings.FCM_CREDENTIALS_FILE = ""
    assert "sigap.W007" in _ids()
    settings.FCM_CREDENTIALS_FILE = str(tmp_path / "missing.json")
    assert "sigap.W007" in _ids()
    key = tmp_path / "key.json"
    key.write_text("{}")
    settings.FCM_CREDENTIALS_FILE = str(key)
    assert "sigap.W007" not in _ids()
