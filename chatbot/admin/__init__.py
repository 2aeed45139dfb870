"""Curator admin: knowledge base, inboxes, statistics."""

from __future__ import annotations

from chatbot.admin import inbox, knowledge, stats  # noqa: F401  (registers the admins)
