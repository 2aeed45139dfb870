"""The dashboard's live feed: one group per facility, replay on (re)connect (frames:
core.livefeed)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core import jsonparse
from core.livefeed import REPLAY_BATCH, LiveFeedMixin
from core.models import User
from core.services.audit import audit_record
from core.ws_auth import UserSocketMixin
from isolation import selectors
from isolation.services.events import event_frame, facility_group


class DashboardConsumer(UserSocketMixin, LiveFeedMixin, AsyncJsonWebsocketConsumer):
    """Closes (4401) once its user signs out, is deactivated or changes role or
    facility: a re-check on every notice to the user's group and before every batch
    of events."""

    group: str | None = None

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

    async def decode_json(self, text_data):
        try:
            return jsonparse.loads(text_data)
        except ValueError:
            return None  # answered as an unknown message type

    async def dashboard_events(self, message) -> None:
        if not await self.user_socket_valid():
            return
        for event in message["events"]:
            await self.send_event(event)

    async def replay_allowed(self) -> bool:
        return await self.user_socket_valid()

    async def replayed(self, after: int, frames: list[dict]) -> None:
        if frames:
            await self._audit(
                "isolation.events.replay", {"after": after, "count": len(frames)}
            )

    @database_sync_to_async
    def events_after(self, after: int) -> list[dict]:
        events = selectors.events_after(
            actor=self.user, after=after, limit=REPLAY_BATCH
        )
        return [event_frame(e) for e in events]

    @database_sync_to_async
    def _audit(self, action: str, detail: dict) -> None:
        audit_record(
            actor=self.user, action=action, target=self.user.facility, detail=detail
        )
