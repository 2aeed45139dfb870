"""The chatbot: matcher thresholds, conversations, and the Telegram and WhatsApp
channels."""

from __future__ import annotations

from core.settings.env import env, env_bool, env_int

# --- Chatbot matcher (chatbot) -----------------------------------------------------------------
# Thresholds calibrated on the dev half of tests/chatbot/data/eval_set.json
# (bench/chatbot_quality.py --calibrate prints the sweep).
CHATBOT_FAQ_ANSWER_THRESHOLD = float(env("CHATBOT_FAQ_ANSWER_THRESHOLD", "0.40"))
CHATBOT_FAQ_MARGIN = float(env("CHATBOT_FAQ_MARGIN", "0.06"))
CHATBOT_FAQ_SUGGEST_THRESHOLD = float(env("CHATBOT_FAQ_SUGGEST_THRESHOLD", "0.15"))
CHATBOT_HOAX_AUTO_THRESHOLD = float(env("CHATBOT_HOAX_AUTO_THRESHOLD", "0.52"))
CHATBOT_HOAX_SUGGEST_THRESHOLD = float(env("CHATBOT_HOAX_SUGGEST_THRESHOLD", "0.44"))
# Curator inboxes show a "nearest entry" only from this score up: below it, on the eval
# set, the nearest FAQ is right for 1 question in 5 and the nearest hoax claim never.
CHATBOT_INBOX_FAQ_MIN_SCORE = float(env("CHATBOT_INBOX_FAQ_MIN_SCORE", "0.35"))
CHATBOT_INBOX_HOAX_MIN_SCORE = float(env("CHATBOT_INBOX_HOAX_MIN_SCORE", "0.30"))
CHATBOT_MAX_MESSAGE_CHARS = env_int("CHATBOT_MAX_MESSAGE_CHARS", 4000)
# Each process checks the shared index version at most this often (seconds) and, when
# it changed, rebuilds in a background thread while answering with the old index.
CHATBOT_INDEX_CHECK_SECONDS = float(env("CHATBOT_INDEX_CHECK_SECONDS", "1"))
CHATBOT_INDEX_REBUILD_IN_BACKGROUND = env_bool(
    "CHATBOT_INDEX_REBUILD_IN_BACKGROUND", True
)
# Match counters are buffered per process and written at most this often (seconds).
CHATBOT_STATS_FLUSH_SECONDS = float(env("CHATBOT_STATS_FLUSH_SECONDS", "10"))

# --- Chatbot conversations (chatbot.conversation) ----------------------------------
# A flow left idle this long goes back to the menu (an open handoff never expires).
CHATBOT_CONVERSATION_IDLE_MINUTES = env_int("CHATBOT_CONVERSATION_IDLE_MINUTES", 30)
# Chat linking codes: lifetime, and wrong codes allowed per chat per window.
CHATBOT_LINK_CODE_TTL_SECONDS = env_int("CHATBOT_LINK_CODE_TTL_SECONDS", 600)
CHATBOT_LINK_MAX_ATTEMPTS = env_int("CHATBOT_LINK_MAX_ATTEMPTS", 5)
CHATBOT_LINK_WINDOW_SECONDS = env_int("CHATBOT_LINK_WINDOW_SECONDS", 900)

# --- Chatbot on Telegram and WhatsApp (chatbot.channels) ---------------------------
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN")
# Sent by Telegram in X-Telegram-Bot-Api-Secret-Token (set with telegram_set_webhook).
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
WHATSAPP_TOKEN = env("WHATSAPP_TOKEN")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_GRAPH_URL = env("WHATSAPP_GRAPH_URL", "https://graph.facebook.com")
WHATSAPP_GRAPH_VERSION = env("WHATSAPP_GRAPH_VERSION", "v21.0")
# Platform limits (messages per second): Telegram overall and per chat, WhatsApp per number.
CHATBOT_TELEGRAM_RATE = float(env("CHATBOT_TELEGRAM_RATE", "30"))
CHATBOT_TELEGRAM_CHAT_RATE = float(env("CHATBOT_TELEGRAM_CHAT_RATE", "1"))
CHATBOT_WHATSAPP_RATE = float(env("CHATBOT_WHATSAPP_RATE", "80"))
# An unsent reply is retried with backoff until it is this old (WhatsApp's 24 h window).
CHATBOT_OUTBOX_MAX_AGE_SECONDS = env_int("CHATBOT_OUTBOX_MAX_AGE_SECONDS", 86400)
CHATBOT_INBOUND_MAX_ATTEMPTS = env_int("CHATBOT_INBOUND_MAX_ATTEMPTS", 5)
