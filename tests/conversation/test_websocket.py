from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from chatbot.conversation.models import Handoff
from core.asgi import application
from tests.helpers import api_token_for, require_redis, ws_close_code

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://localhost")]
    )


@pytest.fixture
def layer(settings):
    """The Redis channel layer when REDIS_URL is set (as in CI), else in-memory."""
    if settings.REDIS_URL:
        require_redis()
    yield


@pytest.fixture
def token(alice):
    return api_token_for(alice)


async def test_it_refuses_without_sign_in(layer, alice):
    ws = _communicator("/ws/chat/")
    assert await ws_close_code(ws) == 4401


async def test_a_web_chat_runs_the_engine_and_gets_staff_replies(
    layer, alice, curator, token
):
    ws = _communicator(f"/ws/chat/?token={token}")
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "message", "text": "menu"})
    frame = await ws.receive_json_from(timeout=5)
    assert frame["type"] == "reply"
    assert "m:selfcheck" in [c["id"] for c in frame["choices"]]
    # No link choice in the app: the chat is the account.
    assert "m:link" not in [c["id"] for c in frame["choices"]]

    await ws.send_json_to({"type": "choice", "id": "m:handoff"})
    assert "petugas" in (await ws.receive_json_from(timeout=5))["text"]
    await ws.send_json_to({"type": "message", "text": "Tolong bantu"})
    await ws.receive_json_from(timeout=5)

    handoff = await sync_to_async(Handoff.objects.get)()
    assert handoff.chat_id == f"user-{alice.pk}"
    from chatbot.conversation.services import handoff_reply

    await sync_to_async(handoff_reply)(
        actor=curator, handoff_id=handoff.pk, text="Kami bantu."
    )
    live = await ws.receive_json_from(timeout=5)
    assert live["type"] == "reply"
    assert "Kami bantu." in live["text"]
    await ws.disconnect()


async def test_bad_frames_get_an_error(layer, token):
    ws = _communicator(f"/ws/chat/?token={token}")
    await ws.connect()
    for bad in (
        {"type": "message", "text": ""},
        {"type": "location", "lat": "x", "lng": 1},
        {"type": "location", "lat": 100, "lng": 1},
        {"type": "dance"},
        [1, 2],
    ):
        await ws.send_json_to(bad)
        frame = await ws.receive_json_from(timeout=5)
        assert frame["type"] == "error"
    for text in ("{not json", "[" * 100_000 + "]" * 100_000):
        await ws.send_to(text_data=text)
        assert (await ws.receive_json_from(timeout=5))["type"] == "error"
    await ws.disconnect()


def test_the_redis_layer_is_used_in_ci():
    require_redis()
    assert "redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower()
