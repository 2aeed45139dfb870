"""The dashboard's live feed: one group per facility, replay on (re)connect.

Client -> server frames:
    {"type": "replay", "after": <last seq the page applied>}   (also "sync")
    {"type": "ping"}
Server -> client frames:
    {"type": "event", "event": {...seq, kind, payload...}}   (each seq once per connection)
    {"type": "replayed", "last_seq": N, "more": bool}
    {"type": "pong"} / {"type": "error", "code": ..., "message": ...}
"""

from __future__ import annotations

from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core import jsonparse
from core.models import User
from core.services.audit import audit_record
from core.ws_auth import UserSocketMixin
from isolation import selectors
from isolation.services.events import event_frame, facility_group

REPLAY_BATCH = 500
# Sequence numbers a connection remembers having sent. A live event can arrive after
# the replay that already held it, or just before the replay (pushes gather for a
# moment; commits race): each event goes out once per connection. The page keeps
# what it received (out-of-order events wait for the gap to fill), so a replay only
# needs to fill in what this connection has not sent.
SENT_MEMORY = 5000


class DashboardConsumer(UserSocketMixin, AsyncJsonWebsocketConsumer):
    """Closes (4401) once its user signs out, is deactivated or changes role or
    facility: a re-check on every notice to the user's group and before every batch
    of events."""

    group: str | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sent: set[int] = set()
        self._sent_order: deque[int] = deque()

    async def _send_event(self, event: dict) -> None:
        seq = event["seq"]
        if seq in self._sent:
            return
        self._sent.add(seq)
        self._sent_order.append(seq)
        if len(self._sent_order) > SENT_MEMORY:
            self._sent.discard(self._sent_order.popleft())
        await self.send_json({"type": "event", "event": event})

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(4401)
            return
        if user.role != User.Role.HEALTH_WORKER or not user.facility_id:
            await self.refuse(4403)
            return
        self.user = user
        self.group = facility_group(user.facility_id)
        # Join the group before replaying, so nothing falls between the two.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.user_socket_join(user)
        await self._audit("isolation.dashboard.connect", {})

    def still_allowed(self, user) -> bool:
        return (
            user.role == User.Role.HEALTH_WORKER
            and user.facility_id == self.user.facility_id
        )

    async def disconnect(self, code) -> None:
        await self.user_socket_leave()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind in ("replay", "sync"):
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self._error("invalid_after", "after harus bilangan bulat >= 0.")
                return
            await self._replay(after)
            return
        await self._error("unknown_type", "Jenis pesan tidak dikenal.")

    async def decode_json(self, text_data):
        try:
            return jsonparse.loads(text_data)
        except ValueError:
            return None  # answered as an unknown message type

    async def dashboard_events(self, message) -> None:
        if not await self.user_socket_valid():
            return
        for event in message["events"]:
            await self._send_event(event)

    async def _replay(self, after: int) -> None:
        if not await self.user_socket_valid():
            return
        frames = await self._events_after(after)
        for frame in frames:
            await self._send_event(frame)
        last = frames[-1]["seq"] if frames else after
        if frames:
            await self._audit(
                "isolation.events.replay", {"after": after, "count": len(frames)}
            )
        await self.send_json(
            {"type": "replayed", "last_seq": last, "more": len(frames) == REPLAY_BATCH}
        )

    @database_sync_to_async
    def _events_after(self, after: int) -> list[dict]:
        events = selectors.events_after(
            actor=self.user, after=after, limit=REPLAY_BATCH
        )
        return [event_frame(e) for e in events]

    @database_sync_to_async
    def _audit(self, action: str, detail: dict) -> None:
        audit_record(
            actor=self.user, action=action, target=self.user.facility, detail=detail
        )

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
