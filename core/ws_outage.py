"""Websockets while the channel layer (Redis) is down: closed with 4503, not failed.

A consumer's `group_add` in `connect` raises redis' ConnectionError while Redis is
down: daphne then answered the handshake with an HTTP 500 (and a socket already open
closed with 1011), which clients read as a server bug. This middleware accepts such a
socket if it was not yet and closes it with 4503, "try again later" (4000 + the HTTP
status, like Sigap's 4401/4403/4404/4409; daphne refuses to send RFC 6455's 1013:
servers may only send 1000 and 3000-4999), so the apps back off and reconnect; once
Redis answers again the next handshake succeeds.
"""

from __future__ import annotations

import logging

import redis.exceptions

logger = logging.getLogger(__name__)

CLOSE_TRY_AGAIN_LATER = 4503
LAYER_ERRORS = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
)


class CloseWhenLayerDown:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        state = {"accepted": False, "closed": False}

        async def tracked_receive():
            message = await receive()
            if message["type"] == "websocket.disconnect":
                state["closed"] = True
            return message

        async def tracked_send(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            return await self.app(scope, tracked_receive, tracked_send)
        except LAYER_ERRORS as exc:
            # The path only: query strings carry tokens.
            logger.warning(
                "websocket %s closed with 4503: channel layer unavailable (%s)",
                scope.get("path", ""),
                type(exc).__name__,
            )
            if state["closed"]:
                return None
            if not state["accepted"]:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            return None
