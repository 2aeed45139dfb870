"""Idle websockets stay open on the Redis channel layer.

redis-py 8 gives every connection a 5 s socket timeout, the same as channels_redis's
blocking read (BZPOPMIN, 5 s): with the layer's defaults every idle consumer died
after ~5.6 s with `redis.exceptions.TimeoutError` (close 1011). The layer's hosts set
a longer socket timeout (core/settings.py).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from core.asgi import application
from isolation import services
from isolation.teleconsult.models import Booking
from tests.helpers import api_token_for, require_postgres, require_redis
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db(transaction=True)

IDLE_SECONDS = 16
ORIGIN = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture
def setup(alice, nurse):
    require_postgres()
    require_redis()
    client = Client()
    client.force_login(nurse)
    booking = Booking.objects.create(
        doctor=nurse,
        patient=alice,
        facility_id=nurse.facility_id,
        start=timezone.now() + timedelta(minutes=5),
        end=timezone.now() + timedelta(minutes=35),
        scheduled_at=timezone.now() - timedelta(days=1),
    )
    return {
        "isolation": enrol(nurse, alice),
        "session": client.cookies["sessionid"].value,
        "booking": booking,
        "tokens": {user.pk: api_token_for(user) for user in (alice, nurse)},
    }


async def receive_until(communicator, frame_type: str, timeout: float = 15) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = await communicator.receive_json_from(timeout=timeout)
            if frame.get("type") == frame_type:
                return frame


async def assert_open(communicator) -> None:
    """Whatever the socket sent while idle, it was not a close."""
    while not await communicator.receive_nothing(timeout=0.1):
        output = await communicator.receive_output()
        assert output["type"] != "websocket.close", output


async def dashboard_stays_open(setup, alice) -> None:
    dashboard = WebsocketCommunicator(
        application,
        "/ws/dashboard/",
        headers=[*ORIGIN, (b"cookie", f"sessionid={setup['session']}".encode())],
    )
    connected, _ = await dashboard.connect(timeout=10)
    assert connected
    await asyncio.sleep(IDLE_SECONDS)
    await assert_open(dashboard)

    await database_sync_to_async(services.checkin_submit)(
        patient=alice, client_id=new_client_id(), spo2=91
    )
    frame = await receive_until(dashboard, "event")
    assert frame["event"]["isolation_id"] == setup["isolation"].pk
    await dashboard.disconnect()


async def room_stays_open(setup, alice, nurse) -> None:
    booking, tokens = setup["booking"], setup["tokens"]

    def room(user) -> WebsocketCommunicator:
        return WebsocketCommunicator(
            application,
            f"/ws/teleconsult/{booking.pk}/?token={tokens[user.pk]}",
            headers=ORIGIN,
        )

    patient, doctor = room(alice), room(nurse)
    assert (await patient.connect(timeout=10))[0]
    assert (await doctor.connect(timeout=10))[0]
    await receive_until(patient, "history")
    await receive_until(doctor, "history")
    await asyncio.sleep(IDLE_SECONDS)
    await assert_open(patient)
    await assert_open(doctor)

    await patient.send_json_to({"type": "message", "text": "Dok, masih di sini?"})
    frame = await receive_until(doctor, "message")
    assert frame["text"] == "Dok, masih di sini?"
    await patient.disconnect()
    await doctor.disconnect()


async def test_idle_websockets_stay_open_and_still_receive(setup, alice, nurse):
    await asyncio.gather(
        dashboard_stays_open(setup, alice), room_stays_open(setup, alice, nurse)
    )
