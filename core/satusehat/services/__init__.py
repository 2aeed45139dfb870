"""Writes of the SATUSEHAT bridge: the NIK vault, the outbox (refresh, claim, send)
and the sync that drains it.

Flow: `outbox_refresh` gives every reportable record a row whose fingerprint says what
Sigap would send now; a row whose fingerprint differs from what was last sent is
pending. `outbox_claim` hands due rows to one sender for a lease (a sender that dies
leaves them due again once the lease ends); `outbox_send` maps them to FHIR, sends
transaction Bundles and records the centre's ids, its error text, or the back-off.
Public names are re-exported here."""

from __future__ import annotations

from core.satusehat.services.refresh import RefreshResult, outbox_refresh
from core.satusehat.services.send import (
    CLAIM_CHUNK,
    MAX_BACKOFF_S,
    SendResult,
    backoff_seconds,
    outbox_claim,
    outbox_send,
)
from core.satusehat.services.sync import (
    SyncResult,
    next_due_in,
    outbox_counts,
    outbox_retry,
    satusehat_sync,
)
from core.satusehat.services.vault import nik_vault_read, nik_vault_store

__all__ = [
    "CLAIM_CHUNK",
    "MAX_BACKOFF_S",
    "RefreshResult",
    "SendResult",
    "SyncResult",
    "backoff_seconds",
    "next_due_in",
    "nik_vault_read",
    "nik_vault_store",
    "outbox_claim",
    "outbox_counts",
    "outbox_refresh",
    "outbox_retry",
    "outbox_send",
    "satusehat_sync",
]
