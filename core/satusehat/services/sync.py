"""Operator actions and the sync that refreshes and drains the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from core.satusehat.clients import SatusehatClient
from core.satusehat.services.records import (
    Row,
    State,
)
from core.satusehat.services.refresh import RefreshResult, outbox_refresh
from core.satusehat.services.send import (
    SendResult,
    outbox_claim,
    outbox_due,
    outbox_send,
)


def outbox_retry(*, ids: Iterable[int]) -> int:
    """An operator asks for these rows to be sent again now (after fixing a facility
    mapping, say): due at once, attempts counted afresh."""
    return Row.objects.filter(pk__in=list(ids)).update(
        status=State.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )


# --- The sync ---------------------------------------------------------------------------------


@dataclass
class SyncResult:
    refreshed: RefreshResult
    sent: SendResult
    due: int = 0
    remaining: int = 0
    by_status: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            **{f"refresh_{k}": v for k, v in self.refreshed.as_dict().items()},
            **self.sent.as_dict(),
            "due": self.due,
            "remaining": self.remaining,
            "by_status": self.by_status,
        }


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    return dict(Row.objects.order_by().values_list("status").annotate(n=Count("id")))


def satusehat_sync(
    *,
    since: dt.date | None = None,
    dry_run: bool = False,
    time_budget_s: float | None = None,
    refresh: bool = True,
    changed_after: dt.datetime | None = None,
    client: SatusehatClient | None = None,
) -> SyncResult:
    """Bring the outbox up to date and send what is due, until nothing is due (rows
    waiting for their back-off stay for a later run) or the time budget is spent."""
    import time

    started = time.monotonic()
    refreshed = (
        outbox_refresh(since=since, changed_after=changed_after)
        if refresh
        else RefreshResult()
    )
    total = SendResult()
    due = Row.objects.filter(outbox_due()).count()
    if dry_run:
        return SyncResult(
            refreshed, total, due=due, remaining=due, by_status=outbox_counts()
        )
    own_client = client is None
    client = client or SatusehatClient()
    try:
        while True:
            ids = outbox_claim()
            if not ids:
                break
            total.add(outbox_send(ids=ids, client=client))
            if time_budget_s and time.monotonic() - started > time_budget_s:
                break
    finally:
        if own_client:
            client.close()
    return SyncResult(
        refreshed,
        total,
        due=due,
        remaining=Row.objects.filter(outbox_due()).count(),
        by_status=outbox_counts(),
    )


def next_due_in() -> float | None:
    """Seconds until the earliest waiting row is due (None when nothing waits)."""
    if Row.objects.filter(outbox_due()).exists():
        return 0.0
    first = (
        Row.objects.filter(status__in=(State.PENDING, State.FAILED))
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if first is None:
        return None
    return max(0.0, (first - timezone.now()).total_seconds())
