"""Console backends (development) print who and what kind, never a message body,
and sign-in codes only to the masked number and only with DEBUG on."""

from __future__ import annotations

import pytest

from core.models import Notification
from core.notifications.backends import (
    ConsoleChatBackend,
    ConsolePushBackend,
    ConsoleSmsBackend,
)

pytestmark = pytest.mark.django_db


def test_it_prints_sign_in_codes_to_the_masked_number(capsys, settings):
    settings.DEBUG = True  # `make run`
    ConsoleSmsBackend().send_sms(phone="+6281100000001", text="Kode Sigap: 123456")
    out = capsys.readouterr().out
    assert "123456" in out
    assert "+6281100000001" not in out
    assert out.startswith("[sigap sms] to +6281")


def test_it_never_prints_a_sign_in_code_with_debug_off(capsys, settings):
    settings.DEBUG = False
    ConsoleSmsBackend().send_sms(phone="+6281100000001", text="Kode Sigap: 123456")
    out = capsys.readouterr().out
    assert "123456" not in out
    assert "+6281100000001" not in out
    assert "not shown: DEBUG is off" in out


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
