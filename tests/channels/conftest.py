"""Fixtures of the channel tests; the fake Telegram and Graph API servers are in
fixtures.py, the updates built as the platforms document them in helpers.py."""

from __future__ import annotations

import pytest

from chatbot.conversation.types import Inbound
from chatbot.index import index_reset
from tests.channels.fixtures import (  # noqa: F401  (fixtures)
    _fresh_buckets,
    graph_api,
    telegram_api,
)
from tests.channels.helpers import echo_handle


@pytest.fixture
def echo_engine(monkeypatch):
    seen: list[Inbound] = []

    def handle(inbound):
        seen.append(inbound)
        return echo_handle(inbound)

    monkeypatch.setattr("chatbot.channels.processing.engine_handle", handle)
    return seen


@pytest.fixture
def chatbot_synchronous(settings):
    """The index rebuilt at once and stats written at once, so a conversation test
    sees each change immediately (`pytestmark` of the modules that talk to the bot)."""
    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    index_reset()
    yield
    index_reset()
