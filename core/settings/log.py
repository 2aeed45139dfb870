"""Logging: request ids, never personal data."""

from __future__ import annotations

import sys

from core.settings.env import env
from core.settings.redis_celery import REDIS_URL

LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "no_query": {"()": "core.logging.NoQueryStringFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
            "stream": sys.stderr,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # runserver prints its own access log line; don't print it twice. Access
        # lines never show query strings (websocket tokens, GPS points).
        "django.channels.server": {
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query"],
        },
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query"],
        },
        # Embedded default: tasks run inline, so "task succeeded" lines are noise and
        # the in-memory broker has no hostname to complain about.
        **(
            {}
            if REDIS_URL
            else {
                "celery.app.trace": {"level": "WARNING"},
                "kombu.connection": {"level": "ERROR"},
            }
        ),
        # httpx logs every request URL at INFO, and Telegram's URLs contain the bot
        # token.
        "httpx": {"level": "WARNING"},
    },
}
