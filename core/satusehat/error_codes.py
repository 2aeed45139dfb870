"""Every error code of the SATUSEHAT bridge (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class SatusehatErrorCode(StrEnum):
    EMPTY_BATCH = "empty_batch"
    INVALID_BUNDLE = "invalid_bundle"
    NOT_CONFIGURED = "satusehat_not_configured"
    RECONCILIATION_NOT_FOUND = "reconciliation_not_found"
