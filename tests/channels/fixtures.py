"""Fake Telegram Bot API and Graph API servers as fixtures, and fresh rate-limit
buckets per test; imported by the conftest.py of each test package that needs them."""

from __future__ import annotations

import pytest

from chatbot.channels import ratelimit
from tests.channels.helpers import (
    TG_SECRET,
    TG_TOKEN,
    WA_PHONE_ID,
    WA_SECRET,
    WA_VERIFY,
    FakeServer,
    graph_handler,
    telegram_handler,
)


@pytest.fixture
def telegram_api(settings):
    server = FakeServer(telegram_handler)
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = TG_SECRET
    settings.TELEGRAM_API_BASE_URL = server.url
    settings.CHATBOT_TELEGRAM_CHAT_RATE = 1000.0
    settings.CHATBOT_TELEGRAM_RATE = 1000.0
    ratelimit.reset_local()
    yield server
    server.close()


@pytest.fixture
def graph_api(settings):
    server = FakeServer(graph_handler)
    settings.WHATSAPP_TOKEN = "EAAG-test"
    settings.WHATSAPP_APP_SECRET = WA_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = WA_VERIFY
    settings.WHATSAPP_PHONE_NUMBER_ID = WA_PHONE_ID
    settings.WHATSAPP_GRAPH_URL = server.url
    settings.WHATSAPP_GRAPH_VERSION = "v21.0"
    settings.CHATBOT_WHATSAPP_RATE = 1000.0
    ratelimit.reset_local()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _fresh_buckets(settings):
    # Redis buckets outlive a test; keep each test's limits its own.
    ratelimit.reset_local()
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter("sigap:chan:rl:*"):
            client.delete(key)
    yield
