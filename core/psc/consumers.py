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
from core.ws_auth import UserSocketMixin


class ConsoleConsumer(UserSocketMixin, LiveFeedMixin, AsyncJsonWebsocketConsumer):
    """As the nurses' dashboard: a refusal is accepted then closed, so the client
    sees 4401 (not signed in) or 4403 (not a PSC operator of a kab/kota); the socket
    closes (4401) once its user signs out, is deactivated or changes role or region,
    re-checked on every notice to the user's group and before every batch."""

    group: str | None = None
    unknown_type_message = "Jenis tidak dikenal."

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(4401)
            return
        if user.role != User.Role.PSC_OPERATOR or not user.psc_region_id:
            await self.refuse(4403)
            return
        self.user = user
        self.group = selectors.console_group(user.psc_region_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.user_socket_join(user)
        await self._audit("psc.console.connect", {})

    def still_allowed(self, user) -> bool:
        return (
            user.role == User.Role.PSC_OPERATOR
            and user.psc_region_id == self.user.psc_region_id
        )

    async def disconnect(self, code) -> None:
        await self.user_socket_leave()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def psc_events(self, message) -> None:
        if not await self.user_socket_valid():
            return
        for event in message["events"]:
            await self.send_event(event)

    async def replay_allowed(self) -> bool:
        return await self.user_socket_valid()

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
