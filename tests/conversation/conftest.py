from __future__ import annotations

import pytest

from chatbot.conversation.engine import handle
from chatbot.conversation.types import Inbound
from chatbot.index import index_reset
from tests.areas.fixtures import (  # noqa: F401  (fixtures)
    _boundaries_session,
    _fresh_indexes,
    boundaries,
    zone_rules,
)


@pytest.fixture(autouse=True)
def _chatbot_settings(settings):
    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    index_reset()
    yield
    index_reset()


@pytest.fixture
def starter(db):
    from chatbot.demo import chatbot_demo_seed

    return chatbot_demo_seed()


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


@pytest.fixture
def chat(db):
    return Chat()


@pytest.fixture
def link_chat():
    """Link a chat to a user through the real code flow."""
    from chatbot.conversation.services import link_code_create

    def make(user, chat_id: str = "5550001", channel: str = "telegram") -> Chat:
        c = Chat(channel=channel, chat_id=chat_id)
        code = link_code_create(user=user).code
        c.send(f"/link {code}")
        assert "terhubung" in c.text, c.text
        return c

    return make
