from __future__ import annotations

import pytest

from chatbot.index import index_reset


@pytest.fixture(autouse=True)
def _chatbot_settings(settings):
    """Rebuild the index synchronously and write stats at once, so tests see the
    effect of each change immediately."""
    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    index_reset()
    yield
    index_reset()


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
