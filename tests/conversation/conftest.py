from __future__ import annotations

import pytest

from tests.areas.fixtures import (  # noqa: F401  (fixtures)
    _boundaries_session,
    _fresh_indexes,
    boundaries,
    zone_rules,
)
from tests.conversation.helpers import (
    Chat,
)


@pytest.fixture(autouse=True)
def _chatbot_settings(chatbot_synchronous):
    """Every test here sees each change of the knowledge base at once."""


@pytest.fixture
def starter(db):
    from chatbot.demo import chatbot_demo_seed

    return chatbot_demo_seed()


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
