"""What the dialogue engine needs from the channel adapters around it. They register
from their AppConfig.ready() (as with core.services.privacy.register_exporter), so
the engine never imports its adapters: chatbot.channels registers how replies reach
a platform chat."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chatbot.conversation.types import Reply

_reply_sender: Callable[..., object] | None = None


def register_reply_sender(fn: Callable[..., object]) -> None:
    """`fn(channel=, chat_id=, replies=, key=)` queues replies to one platform chat,
    idempotent on `key`."""
    global _reply_sender
    _reply_sender = fn


def replies_send(*, channel: str, chat_id: str, replies: Iterable[Reply], key: str):
    if _reply_sender is None:
        raise RuntimeError(
            "No reply sender registered (is chatbot.channels installed?)"
        )
    return _reply_sender(channel=channel, chat_id=chat_id, replies=replies, key=key)
