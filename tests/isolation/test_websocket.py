"""The dashboard feed through the real ASGI app (session auth, origin check, router).

With REDIS_URL set (CI) the channel layer is channels_redis on the real server.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from core.asgi import application
from core.models import AuditLog
from isolation import services
from isolation.models import Alert
from tests.helpers import api_token_for, ws_close_code
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def connect(user=None, *, path="/ws/dashboard/", origin=b"http://testserver"):
    headers = [(b"origin", origin)]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=TIMEOUT)
    return communicator, connected, code


async def replay(communicator, after: int) -> tuple[list[dict], dict]:
    await communicator.send_json_to({"type": "replay", "after": after})
    events = []
    while True:
        frame = await communicator.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == "replayed":
            return events, frame
        events.append(frame["event"])


async def next_events(communicator, count: int) -> list[dict]:
    frames = [
        await communicator.receive_json_from(timeout=TIMEOUT) for _ in range(count)
    ]
    assert all(f["type"] == "event" for f in frames), frames
    return [f["event"] for f in frames]


checkin = database_sync_to_async(
    lambda patient, **values: services.checkin_submit(
        patient=patient, client_id=new_client_id(), **values
    )
)


async def refusal(user=None, **kwargs) -> int | None:
    headers = [(b"origin", kwargs.pop("origin", b"http://testserver"))]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    path = kwargs.pop("path", "/ws/dashboard/")
    return await ws_close_code(
        WebsocketCommunicator(application, path, headers=headers)
    )


async def test_it_refuses_anonymous_and_residents_with_a_close_code_they_see(
    alice, alice_isolating
):
    assert await refusal(None) == 4401
    assert await refusal(alice) == 4403


async def test_it_refuses_a_foreign_origin(nurse):
    _, connected, _ = await connect(nurse, origin=b"http://evil.example")
    assert not connected


async def test_a_native_app_without_an_origin_connects_with_its_token(nurse):
    token = await database_sync_to_async(lambda: api_token_for(nurse))()
    communicator = WebsocketCommunicator(application, f"/ws/dashboard/?token={token}")

    connected, _ = await communicator.connect(timeout=TIMEOUT)

    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await communicator.disconnect()


async def test_it_pushes_a_danger_alert_live(alice, alice_isolating, nurse):
    communicator, connected, _ = await connect(nurse)
    assert connected
    existing, done = await replay(communicator, 0)
    assert [e["kind"] for e in existing] == ["patient"]

    await checkin(alice, spo2=92)

    live = await next_events(communicator, 2)
    assert [e["kind"] for e in live] == ["checkin", "alert"]
    assert [e["seq"] for e in live] == [done["last_seq"] + 1, done["last_seq"] + 2]
    alert = live[1]["payload"]
    assert alert["kind"] == "danger" and alert["patient_name"] == alice.full_name
    assert alert["reason_labels"] == ["SpO2 di bawah 95%"]
    await communicator.disconnect()


async def test_it_replays_what_a_dropped_dashboard_missed(
    alice, alice_isolating, nurse
):
    first, _, _ = await connect(nurse)
    _, done = await replay(first, 0)
    await checkin(alice, spo2=97)
    seen = await next_events(first, 1)
    last_seen = seen[-1]["seq"]
    await first.disconnect()

    # While the page is offline: a danger report, and a colleague acknowledges it.
    await checkin(alice, spo2=91)
    alert = await database_sync_to_async(Alert.objects.get)()
    await database_sync_to_async(services.alert_acknowledge)(
        actor=nurse, alert_id=alert.pk, note="Ditelepon"
    )

    second, connected, _ = await connect(nurse)
    assert connected
    missed, done = await replay(second, last_seen)
    assert [e["kind"] for e in missed] == ["checkin", "alert", "alert_ack"]
    assert [e["seq"] for e in missed] == list(range(last_seen + 1, last_seen + 4))
    assert done["last_seq"] == last_seen + 3
    assert missed[1]["alert_id"] == alert.pk
    audited = await database_sync_to_async(
        AuditLog.objects.filter(action="isolation.events.replay", actor=nurse).exists
    )()
    assert audited
    await second.disconnect()


async def test_it_keeps_facilities_apart(alice, alice_isolating, nurse2):
    other, connected, _ = await connect(nurse2)
    assert connected
    events, done = await replay(other, 0)
    assert events == [] and done["last_seq"] == 0

    await checkin(alice, spo2=90)

    assert await other.receive_nothing(timeout=0.5)
    await other.disconnect()


async def test_it_accepts_the_app_token_and_answers_pings(nurse):
    token = await database_sync_to_async(lambda: api_token_for(nurse))()
    communicator, connected, _ = await connect(path=f"/ws/dashboard/?token={token}")
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await communicator.send_json_to({"type": "replay", "after": "x"})
    error = await communicator.receive_json_from(timeout=TIMEOUT)
    assert error["type"] == "error" and error["code"] == "invalid_after"
    # Not JSON, or nested past the limit: an error frame, and the socket stays open.
    for text in ("{not json", "[" * 100_000 + "]" * 100_000):
        await communicator.send_to(text_data=text)
        error = await communicator.receive_json_from(timeout=TIMEOUT)
        assert error["type"] == "error" and error["code"] == "unknown_type"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await communicator.disconnect()


async def test_it_pushes_a_missed_slot_scan_as_one_event(alice, alice_isolating, nurse):
    import datetime as dt

    from django.utils import timezone

    communicator, _, _ = await connect(nurse)
    await replay(communicator, 0)
    tz = alice_isolating.tz
    today = timezone.now().astimezone(tz).date()
    after_yesterday = dt.datetime.combine(today, dt.time(0, 30), tzinfo=tz)

    raised = await database_sync_to_async(services.missed_checkins_flag)(
        now=after_yesterday
    )

    assert raised == 1
    (event,) = await next_events(communicator, 1)
    assert event["kind"] == "alerts"
    (alert,) = event["payload"]["alerts"]
    assert alert["isolation_id"] == alice_isolating.pk and alert["kind"] == "missed"
    await communicator.disconnect()


async def test_each_event_goes_out_once_per_connection(alice, alice_isolating, nurse):
    from channels.layers import get_channel_layer

    from isolation.services.events import facility_group

    communicator, _, _ = await connect(nurse)
    await replay(communicator, 0)
    await checkin(alice, spo2=97)
    (live,) = await next_events(communicator, 1)
    # The same event again, as a push that lingered past a replay would bring it.
    await get_channel_layer().group_send(
        facility_group(nurse.facility_id),
        {"type": "dashboard.events", "events": [live]},
    )
    assert await communicator.receive_nothing(timeout=0.5)
    # A replay fills in only what this connection has not sent.
    await checkin(alice, spo2=98)
    (newer,) = await next_events(communicator, 1)
    events, done = await replay(communicator, live["seq"] - 1)
    assert events == [] and done["last_seq"] == newer["seq"]
    await communicator.disconnect()
