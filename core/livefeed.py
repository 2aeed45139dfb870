"""A live feed over a websocket, with replay: what the isolation dashboard and the
PSC console share. Every event carries a `seq`; each goes out once per connection,
whether it arrives live (a group message) or in a replay of what came after the
client's last `seq`.

Client -> server frames:
    {"type": "replay", "after": <last seq the page applied>}   (also "sync")
    {"type": "ping"}
Server -> client frames:
    {"type": "event", "event": {...seq...}}   (each seq once per connection)
    {"type": "replayed", "last_seq": N, "more": bool}
    {"type": "pong"} / {"type": "error", "code": ..., "message": ...}
"""

from __future__ import annotations

from collections import deque

REPLAY_BATCH = 500
# Sequence numbers a connection remembers having sent. A live event can arrive after
# the replay that already held it, or just before the replay (pushes gather for a
# moment; commits race): each event goes out once per connection. The page keeps
# what it received (out-of-order events wait for the gap to fill), so a replay only
# needs to fill in what this connection has not sent.
SENT_MEMORY = 5000


class LiveFeedMixin:
    """For an AsyncJsonWebsocketConsumer: answers ping and replay, sends each event
    once. The consumer supplies `events_after(after)` (frames, oldest first, at most
    REPLAY_BATCH) and may refuse a replay (`replay_allowed`) or note one (`replayed`)."""

    unknown_type_message = "Jenis pesan tidak dikenal."

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sent: set[int] = set()
        self._sent_order: deque[int] = deque()

    async def send_event(self, event: dict) -> None:
        seq = event["seq"]
        if seq in self._sent:
            return
        self._sent.add(seq)
        self._sent_order.append(seq)
        if len(self._sent_order) > SENT_MEMORY:
            self._sent.discard(self._sent_order.popleft())
        await self.send_json({"type": "event", "event": event})

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind in ("replay", "sync"):
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_error(
                    "invalid_after", "after harus bilangan bulat >= 0."
                )
                return
            await self.replay(after)
            return
        await self.send_error("unknown_type", self.unknown_type_message)

    async def replay(self, after: int) -> None:
        if not await self.replay_allowed():
            return
        frames = await self.events_after(after)
        for frame in frames:
            await self.send_event(frame)
        await self.replayed(after, frames)
        await self.send_json(
            {
                "type": "replayed",
                "last_seq": frames[-1]["seq"] if frames else after,
                "more": len(frames) == REPLAY_BATCH,
            }
        )

    async def events_after(self, after: int) -> list[dict]:
        raise NotImplementedError

    async def replay_allowed(self) -> bool:
        return True

    async def replayed(self, after: int, frames: list[dict]) -> None:
        """After a replay's frames went out, before the `replayed` frame."""

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
