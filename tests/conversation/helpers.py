"""Helpers of the conversation tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

from chatbot.conversation.engine import handle
from chatbot.conversation.types import Inbound


class Chat:
    """One chat talking to the engine, as an adapter would."""

    def __init__(self, channel: str = "telegram", chat_id: str = "5550001", **extra):
        self.channel, self.chat_id, self.extra = channel, chat_id, extra
        self.last = []

    def send(self, text=None, *, choice=None, location=None, forwarded=False):
        self.last = handle(
            Inbound(
                channel=self.channel,
                chat_id=self.chat_id,
                text=text,
                choice=choice,
                location=location,
                forwarded=forwarded,
                **self.extra,
            )
        )
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    @property
    def choices(self) -> list[str]:
        return [c.id for r in self.last for c in r.choices]

    def choice_titled(self, title: str) -> str:
        for r in self.last:
            for c in r.choices:
                if title.lower() in c.title.lower() or title.lower() in (
                    c.description.lower()
                ):
                    return c.id
        raise AssertionError(f"no choice {title!r} in {self.choices}")
