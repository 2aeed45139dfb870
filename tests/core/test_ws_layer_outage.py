"""Websockets while Redis (the channel layer) is down: the handshake is accepted and
closed with 4503 "try again later" (it was an HTTP 500; daphne sends no 1013), and
the first connection once Redis is back works and receives live events."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from core.asgi import application
from isolation import services
from isolation.services.events import events_push_wait_idle
from tests.helpers import require_postgres
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture
def dashboard_session(alice, nurse, redis_server, on_redis):
    require_postgres()  # the pusher and the consumer each on their own loop
    on_redis(redis_server.url)
    enrol(nurse, alice)
    client = Client()
    client.force_login(nurse)
    return client.cookies["sessionid"].value


def dashboard(session: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        "/ws/dashboard/",
        headers=[*ORIGIN, (b"cookie", f"sessionid={session}".encode())],
    )


async def test_it_closes_with_4503_while_redis_is_down_and_recovers(
    dashboard_session, redis_server, alice, caplog
):
    # The enrolment's event is pushed before Redis goes: the pusher's connection then
    # sits idle across the restart (a failed push would open its 10 s breaker).
    assert events_push_wait_idle()
    redis_server.kill()
    down = dashboard(dashboard_session)
    connected, _ = await down.connect(timeout=10)
    assert connected  # accepted, so the client sees the code (not an HTTP 500)
    closed = await down.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4503}
    assert "closed with 4503: channel layer unavailable" in caplog.text
    assert "sessionid" not in caplog.text

    redis_server.start()
    back = dashboard(dashboard_session)
    connected, _ = await back.connect(timeout=10)
    assert connected
    assert await back.receive_nothing(timeout=0.5)  # not closed: joined its group
    await database_sync_to_async(services.checkin_submit)(
        patient=alice, client_id=new_client_id(), spo2=91
    )
    async with asyncio.timeout(15):
        while (frame := await back.receive_json_from(timeout=15))["type"] != "event":
            pass
    assert frame["event"]["kind"]
    await back.disconnect()
