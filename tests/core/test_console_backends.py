"""Console backends (development) print who and what kind, never a message body,
and of a sign-in code only the code itself, only with DEBUG on."""

from __future__ import annotations

import pytest

from core.models import Notification
from core.notifications.backends import (
    ConsoleChatBackend,
    ConsolePushBackend,
    ConsoleSmsBackend,
)

pytestmark = pytest.mark.django_db


def test_it_prints_only_the_sign_in_code_with_debug_on(capsys, settings):
    settings.DEBUG = True  # `make run`
    ConsoleSmsBackend().send_sms(
        phone="+6281100000001", text="Kode masuk Sigap Anda: 123456. Berlaku 5 menit."
    )
    out = capsys.readouterr().out
    assert out == "[sigap sms] sign-in code 123456 (development sender)\n"


def test_it_never_prints_a_sign_in_code_with_debug_off(capsys, settings):
    settings.DEBUG = False
    ConsoleSmsBackend().send_sms(phone="+6281100000001", text="Kode Sigap: 123456")
    out = capsys.readouterr().out
    assert out == "[sigap sms] sign-in code sent (development sender)\n"


@pytest.mark.parametrize(
    "backend, channel",
    [
        (ConsoleSmsBackend, Notification.Channel.SMS),
        (ConsolePushBackend, Notification.Channel.PUSH),
        (ConsoleChatBackend, Notification.Channel.TELEGRAM),
    ],
)
def test_it_never_prints_a_notification_body(capsys, alice, backend, channel):
    notification = Notification.objects.create(
        user=alice,
        channel=channel,
        kind="isolation_alert",
        body="Pasien A.W. melaporkan SpO2 91 dan sesak napas.",
    )
    backend().send(notification)
    out = capsys.readouterr().out
    assert f"user #{alice.pk}" in out and "isolation_alert" in out
    assert "SpO2" not in out and alice.phone not in out
