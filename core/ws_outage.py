"""Websockets while the channel layer (Redis) is down: closed with 1013, not failed.

A consumer's `group_add` in `connect` raises redis' ConnectionError while Redis is
down: daphne then answered the handshake with an HTTP 500 (and a socket already open
closed with 1011), which clients read as a server bug. This middleware accepts such a
socket if it was not yet and closes it with 1013 "try again later" (RFC 6455), so the
apps back off and reconnect; once Redis answers again the next handshake succeeds.
"""

from __future__ import annotations

import logging

import redis.exceptions

logger = logging.getLogger(__name__)

CLOSE_TRY_AGAIN_LATER = 1013
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
                "websocket %s closed with 1013: channel layer unavailable (%s)",
                scope.get("path", ""),
                type(exc).__name__,
            )
            if state["closed"]:
                return None
            if not state["accepted"]:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            return None
