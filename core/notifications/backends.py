"""Delivery backends, one per channel. Console ones print what they would send.

A backend's send() raises DeliveryError; `transient=True` means "retry later".
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import TYPE_CHECKING

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from core.models import Notification


class DeliveryError(Exception):
    def __init__(self, message: str, *, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class BaseBackend:
    def send(self, notification: Notification) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class SmsSender:
    """Interface of an SMS / WhatsApp-template sender used for sign-in codes."""

    def send_sms(
        self, *, phone: str, text: str
    ) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def _console_line(notification: Notification, extra: str = "") -> str:
    """What a console backend prints for a notification: who (user id) and what kind,
    never the body, which may carry health information about a patient."""
    return (
        f"user #{notification.user_id}{extra} {notification.kind} "
        f"({len(notification.body)} characters; read it in the admin's notifications)"
    )


class ConsoleSmsBackend(BaseBackend, SmsSender):
    """Development sender. With DEBUG on (`make run`) it prints the sign-in code alone,
    so a developer can sign in: never the number, masked or not, nor the message;
    with DEBUG off only that a code was sent. Other messages only by kind."""

    def send_sms(self, *, phone: str, text: str) -> None:
        code = re.search(r"\b\d{6}\b", text) if settings.DEBUG else None
        shown = f"sign-in code {code.group()}" if code else "sign-in code sent"
        print(f"[sigap sms] {shown} (development sender)", flush=True)

    def send(self, notification: Notification) -> None:
        print(f"[sigap sms] {_console_line(notification)}", flush=True)


#: What LocmemSmsBackend sent, as (phone, text), like Django's mail.outbox.
sms_outbox: list[tuple[str, str]] = []


class LocmemSmsBackend(BaseBackend, SmsSender):
    """Test sender: keeps sign-in codes in `sms_outbox`, prints nothing."""

    def send_sms(self, *, phone: str, text: str) -> None:
        sms_outbox.append((phone, text))

    def send(self, notification: Notification) -> None:
        sms_outbox.append((notification.user.phone, notification.body))


class HttpSmsBackend(BaseBackend, SmsSender):
    """Generic SMS gateway: POST {"to", "text"} as JSON with a bearer token."""

    def send_sms(self, *, phone: str, text: str) -> None:
        if not settings.SMS_HTTP_URL:
            raise DeliveryError("SMS_HTTP_URL is not configured", transient=False)
        try:
            response = httpx.post(
                settings.SMS_HTTP_URL,
                json={"to": phone, "text": text},
                headers={"Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
                timeout=10,
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(
                f"sms gateway unreachable: {type(exc).__name__}"
            ) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DeliveryError(f"sms gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise DeliveryError(
                f"sms gateway refused: {response.status_code}", transient=False
            )

    def send(self, notification: Notification) -> None:
        self.send_sms(phone=notification.user.phone, text=notification.body)


class ConsolePushBackend(BaseBackend):
    def send(self, notification: Notification) -> None:
        count = notification.user.device_tokens.count()
        line = _console_line(notification, f" ({count} devices)")
        print(f"[sigap push] {line}", flush=True)


class ConsoleChatBackend(BaseBackend):
    def send(self, notification: Notification) -> None:
        print(
            f"[sigap {notification.channel}] {_console_line(notification)}", flush=True
        )


class FcmBackend(BaseBackend):
    """Firebase Cloud Messaging HTTP v1, authenticated with a service-account key."""

    SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
    _lock = threading.Lock()
    _token: tuple[str, float] | None = None

    def _credentials(self) -> dict:
        with open(settings.FCM_CREDENTIALS_FILE, encoding="utf-8") as fh:
            return json.load(fh)

    def _access_token(self) -> str:
        with self._lock:
            if self._token and self._token[1] > time.time() + 60:
                return self._token[0]
            creds = self._credentials()
            assertion = _signed_jwt(creds, self.SCOPE)
            response = httpx.post(
                creds["token_uri"],
                data={
                    "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "assertion": assertion,
                },
                timeout=10,
            )
            if response.status_code != 200:
                raise DeliveryError(f"fcm auth failed: {response.status_code}")
            payload = response.json()
            type(self)._token = (
                payload["access_token"],
                time.time() + payload["expires_in"],
            )
            return payload["access_token"]

    def send(self, notification: Notification) -> None:
        tokens = list(notification.user.device_tokens.values_list("token", flat=True))
        if not tokens:
            raise DeliveryError("no device token", transient=False)
        url = f"{settings.FCM_ENDPOINT}/v1/projects/{settings.FCM_PROJECT_ID}/messages:send"
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        delivered = 0
        for token in tokens:
            message = {
                "message": {
                    "token": token,
                    "notification": {"title": "Sigap", "body": notification.body},
                    "data": {
                        k: str(v)
                        for k, v in {
                            **notification.data,
                            "kind": notification.kind,
                        }.items()
                    },
                    "android": {
                        "priority": "high" if notification.urgent else "normal"
                    },
                }
            }
            try:
                response = httpx.post(url, json=message, headers=headers, timeout=10)
            except httpx.HTTPError as exc:
                raise DeliveryError(f"fcm unreachable: {type(exc).__name__}") from exc
            if response.status_code == 200:
                delivered += 1
            elif response.status_code == 404:
                # UNREGISTERED: the app was uninstalled; forget the token.
                notification.user.device_tokens.filter(token=token).delete()
            elif response.status_code >= 500 or response.status_code == 429:
                raise DeliveryError(f"fcm answered {response.status_code}")
        if not delivered:
            raise DeliveryError("no device accepted the message", transient=False)


def _signed_jwt(creds: dict, scope: str) -> str:
    import base64

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {
        "iss": creds["client_email"],
        "scope": scope,
        "aud": creds["token_uri"],
        "iat": now,
        "exp": now + 3600,
    }
    signing_input = (
        b64(json.dumps(header).encode()) + b"." + b64(json.dumps(claims).encode())
    )
    key = serialization.load_pem_private_key(
        creds["private_key"].encode(), password=None
    )
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return (signing_input + b"." + b64(signature)).decode()


def backend_for(channel: str) -> BaseBackend:
    return import_string(settings.SIGAP_NOTIFICATION_BACKENDS[channel])()


def otp_sender() -> SmsSender:
    return import_string(settings.SIGAP_OTP_SENDER)()
