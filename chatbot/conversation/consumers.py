"""The app's in-app chat: the same engine as Telegram and WhatsApp, channel "web".

Frames in: {"type": "message", "text"}, {"type": "choice", "id"},
{"type": "location", "lat", "lng"}. Frames out: {"type": "reply", "text",
"choices": [{"id", "title", "description"}], "request_location"} and
{"type": "error", "code", "message"}. Staff replies to a handoff arrive as replies
too. Close code 4401: not signed in.
"""

from __future__ import annotations

import math

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from chatbot.conversation import engine
from chatbot.conversation.services.handoffs import web_group
from chatbot.conversation.types import Inbound, Reply
from core import jsonparse
from core.ws_auth import UserSocketMixin

MAX_TEXT = 4000


def reply_frame(reply: Reply) -> dict:
    return {
        "type": "reply",
        "text": reply.text,
        "choices": [
            {"id": c.id, "title": c.title, "description": c.description}
            for c in reply.choices
        ],
        "request_location": reply.request_location,
    }


def _inbound(content, user) -> Inbound | str:
    """The Inbound for a frame, or an error message."""
    if not isinstance(content, dict):
        return "Expected a JSON object."
    base = {
        "channel": "web",
        "chat_id": f"user-{user.pk}",
        "user_id": user.pk,
        "language_hint": getattr(user, "language", None),
    }
    kind = content.get("type")
    if kind == "message":
        text = content.get("text")
        if not isinstance(text, str) or not text.strip():
            return "'text' must be a non-empty string."
        if len(text) > MAX_TEXT:
            return f"'text' is longer than {MAX_TEXT} characters."
        return Inbound(text=text, **base)
    if kind == "choice":
        choice = content.get("id")
        if not isinstance(choice, str) or not choice or len(choice) > 64:
            return "'id' must be a choice id."
        return Inbound(choice=choice, **base)
    if kind == "location":
        lat, lng = content.get("lat"), content.get("lng")
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in (lat, lng)
        )
        if not numbers or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return "'lat' and 'lng' must be coordinates."
        return Inbound(location=(float(lat), float(lng)), **base)
    return "Expected type 'message', 'choice' or 'location'."


class ChatConsumer(UserSocketMixin, AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(4401)
            return
        self.group = web_group(f"user-{user.pk}")
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.user_socket_join(user)

    async def disconnect(self, code) -> None:
        await self.user_socket_leave()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if not await self.user_socket_valid():
            return
        inbound = _inbound(content, self.scope["user"])
        if isinstance(inbound, str):
            await self.send_json(
                {"type": "error", "code": "invalid", "message": inbound}
            )
            return
        replies = await database_sync_to_async(engine.handle)(inbound)
        for reply in replies:
            await self.send_json(reply_frame(reply))

    async def decode_json(self, text_data):
        try:
            return jsonparse.loads(text_data)
        except ValueError:
            return None

    async def chat_reply(self, event) -> None:
        """A staff reply (or close) pushed to this user's chat group."""
        if not await self.user_socket_valid():
            return
        await self.send_json(
            {
                "type": "reply",
                "text": event["text"],
                "choices": event.get("choices", []),
                "request_location": event.get("request_location", False),
            }
        )
