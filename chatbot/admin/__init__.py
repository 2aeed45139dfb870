"""Curator admin: knowledge base, inboxes, statistics."""

from __future__ import annotations

from chatbot.admin import (  # noqa: F401  (registers the admins)
    inbox,
    inbox_hoaxes,
    knowledge,
    stats,
)
