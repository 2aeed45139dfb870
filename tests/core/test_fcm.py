"""The FCM HTTP v1 backend against a local server speaking FCM's wire format."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.models import DeviceToken, Notification
from core.notifications.backends import DeliveryError, FcmBackend

pytestmark = pytest.mark.django_db


class FakeGoogle(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict | str, dict]] = []
    unregistered: set[str] = set()

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.path == "/token":
            FakeGoogle.requests.append((self.path, body, dict(self.headers)))
            self._reply(
                200,
                {
                    "access_token": "ya29.test",
                    "expires_in": 3599,
                    "token_type": "Bearer",
                },
            )
            return
        message = json.loads(body)
        FakeGoogle.requests.append((self.path, message, dict(self.headers)))
        if message["message"]["token"] in FakeGoogle.unregistered:
            self._reply(
                404,
                {
                    "error": {
                        "code": 404,
                        "status": "NOT_FOUND",
                        "message": "Requested entity was not found.",
                    }
                },
            )
        else:
            self._reply(
                200,
                {
                    "name": "projects/sigap-test/messages/0:1500415314455276%31bd1c9631bd1c96"
                },
            )

    def _reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fcm(settings, tmp_path):
    FakeGoogle.requests, FakeGoogle.unregistered = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGoogle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    creds = tmp_path / "sa.json"
    creds.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "sigap@sigap-test.iam.gserviceaccount.com",
                "private_key": pem,
                "token_uri": f"{base}/token",
            }
        )
    )
    settings.FCM_PROJECT_ID = "sigap-test"
    settings.FCM_CREDENTIALS_FILE = str(creds)
    settings.FCM_ENDPOINT = base
    FcmBackend._token = None
    yield FakeGoogle
    server.shutdown()


def test_it_sends_a_push_through_fcm_http_v1(fcm, alice):
    DeviceToken.objects.create(user=alice, token="device-a", platform="android")
    n = Notification.objects.create(
        user=alice, channel="push", kind="danger", body="Segera periksa", urgent=True
    )
    FcmBackend().send(n)
    token_call, send_call = fcm.requests
    assert (
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
        in token_call[1]
    )
    path, message, headers = send_call
    assert path == "/v1/projects/sigap-test/messages:send"
    assert headers["Authorization"] == "Bearer ya29.test"
    assert message["message"]["token"] == "device-a"
    assert message["message"]["notification"]["body"] == "Segera periksa"
    assert message["message"]["android"]["priority"] == "high"


def test_it_forgets_unregistered_devices(fcm, alice):
    DeviceToken.objects.create(user=alice, token="gone", platform="android")
    fcm.unregistered.add("gone")
    n = Notification.objects.create(user=alice, channel="push", kind="x", body="y")
    with pytest.raises(DeliveryError) as exc:
        FcmBackend().send(n)
    assert exc.value.transient is False
    assert not DeviceToken.objects.filter(token="gone").exists()
