"""Fixtures of the channel tests; the fake Telegram and Graph API servers are in
fixtures.py, the updates built as the platforms document them in helpers.py."""

from __future__ import annotations

import pytest

from chatbot.conversation.types import Inbound
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
