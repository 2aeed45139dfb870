"""The PSC console's live feed: one group per kab/kota, replay on (re)connect.

Client -> server: {"type": "replay", "after": N} | {"type": "ping"}
Server -> client: {"type": "event", "event": {seq, kind, escalation_id, item, at}}
                  {"type": "replayed", "last_seq": N, "more": bool} | {"type": "pong"}
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.livefeed import REPLAY_BATCH, LiveFeedMixin
from core.models import User
from core.psc import selectors
from core.services.audit import audit_record


class ConsoleConsumer(LiveFeedMixin, AsyncJsonWebsocketConsumer):
    group: str | None = None
    unknown_type_message = "Jenis tidak dikenal."

    async def connect(self) -> None:
        user = self.scope.get("user")
        if (
            user is None
            or not user.is_authenticated
            or user.role != User.Role.PSC_OPERATOR
            or not user.psc_region_id
        ):
            await self.close(code=4403)
            return
        self.user = user
        self.group = selectors.console_group(user.psc_region_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._audit("psc.console.connect", {})

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def psc_events(self, message) -> None:
        for event in message["events"]:
            await self.send_event(event)

    @database_sync_to_async
    def events_after(self, after: int) -> list[dict]:
        return [
            selectors.escalation_frame(e)
            for e in selectors.events_after(
                operator=self.user, after=after, limit=REPLAY_BATCH
            )
        ]

    @database_sync_to_async
    def _audit(self, action: str, detail: dict) -> None:
        audit_record(
            actor=self.user, action=action, target=self.user.psc_region, detail=detail
        )
