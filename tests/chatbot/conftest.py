from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _chatbot_settings(chatbot_synchronous):
    """Every test here sees each change of the knowledge base at once."""


@pytest.fixture
def starter(db):
    """The shipped starter set: 53 FAQ answers (id + en) and 40 hoax entries."""
    from chatbot.demo import chatbot_demo_seed

    return chatbot_demo_seed()


@pytest.fixture
def chat_curator(db):
    from core.models import User

    return User.objects.create_user(
        "+6281299990001", "curator-pass", role="curator", is_staff=True
    )


@pytest.fixture
def curator_client(client, chat_curator):
    client.force_login(chat_curator)
    return client
