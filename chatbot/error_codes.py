"""Every error code of the chatbot (FAQ answers, inbox, channels, conversations),
as answered in `{"error": {"code": …}}`."""

from __future__ import annotations

from enum import StrEnum


class ChatbotErrorCode(StrEnum):
    ALREADY_REVIEWED = "already_reviewed"
    BLANK = "blank"
    BROADCAST_NOT_FOUND = "broadcast_not_found"
    FILE_TOO_LARGE = "file_too_large"
    HANDOFF_CLOSED = "handoff_closed"
    HANDOFF_NOT_FOUND = "handoff_not_found"
    INVALID_FILE = "invalid_file"
    INVALID_SECRET_TOKEN = "invalid_secret_token"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_UPDATE = "invalid_update"
    INVALID_VERIFY_TOKEN = "invalid_verify_token"
    LINK_CODE_INVALID = "link_code_invalid"
    LINK_LOCKED = "link_locked"
    MALFORMED_REQUEST = "malformed_request"
    NOT_LINKABLE = "not_linkable"
    NOT_LINKED = "not_linked"
    TOO_LONG = "too_long"
    UNKNOWN_CHANNEL = "unknown_channel"
