"""The consultation room: a websocket for the booking's patient and doctor only.

Close codes on refusal: 4401 not signed in, 4404 not a participant (or no such
booking), 4409 the room is not open (it opens 10 minutes before the start and
closes 30 minutes after the end) or the booking was cancelled.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.utils import translation

from core import jsonparse
from core.exceptions import ApplicationError, NotFound
from core.ws_auth import UserSocketMixin
from isolation.teleconsult.selectors import message_history
from isolation.teleconsult.services import message_payload, message_post, room_join
from isolation.teleconsult.services.common import room_group


def _in_language(person, fn, **kwargs):
    with translation.override(getattr(person, "language", None) or "id"):
        return fn(**kwargs)


@database_sync_to_async
def _join(user, booking_id: int):
    booking = _in_language(user, room_join, booking_id=booking_id, user=user)
    history = [
        message_payload(m, booking) for m in message_history(booking_id=booking.pk)
    ]
    return booking, history


@database_sync_to_async
def _post(user, booking_id: int, text: str) -> None:
    _in_language(user, message_post, booking_id=booking_id, sender=user, text=text)


class ConsultationConsumer(UserSocketMixin, AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(4401)
            return
        self.booking_id = int(self.scope["url_route"]["kwargs"]["booking_id"])
        try:
            booking, history = await _join(user, self.booking_id)
        except NotFound:
            await self.refuse(4404)
            return
        except ApplicationError:
            await self.refuse(4409)
            return
        self.group = room_group(booking.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.user_socket_join(user)
        await self.send_json({"type": "history", "messages": history})

    async def disconnect(self, code) -> None:
        await self.user_socket_leave()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        body = content.get("text") if isinstance(content, dict) else None
        if not isinstance(content, dict) or content.get("type") != "message":
            await self._error("invalid", "Expected {'type': 'message', 'text': ...}.")
            return
        if not isinstance(body, str):
            await self._error("invalid", "'text' must be a string.")
            return
        try:
            # Stored first; the room (sender included) gets it after commit.
            await _post(self.scope["user"], self.booking_id, body)
        except ApplicationError as exc:
            await self._error(exc.code, exc.message)
        except ValidationError as exc:  # e.g. longer than 2000 characters
            await self._error("invalid", " ".join(exc.messages))

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        try:
            content = jsonparse.loads(text_data or "")
        except ValueError:
            await self._error("malformed", "Send JSON text frames.")
            return
        await self.receive_json(content)

    async def room_event(self, event: dict) -> None:
        if not await self.user_socket_valid():
            return
        await self.send_json(event["event"])

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
