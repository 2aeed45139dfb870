"""Celery: the periodic sync, the drain that follows the back-off, the nightly
reconciliation. Each calls one service; only transient errors are retried (the
services record them per row and the drain comes back when they are due)."""

from __future__ import annotations

import datetime as dt

from celery import current_app, shared_task
from django.core.cache import cache
from django.utils import timezone

from core.satusehat import reconcile, services
from core.satusehat.clients import enabled

DRAIN_SCHEDULED_KEY = "satusehat:drain-scheduled"
REFRESHED_KEY = "satusehat:refreshed-at"
PERIODIC_S = 300  # the periodic sync covers anything due later than this


@shared_task(ignore_result=True)
def satusehat_sync() -> None:
    """Periodic: new and changed records into the outbox, then send what is due.
    Only what changed since the previous run's start is looked at (all on the first
    run, or once a day so nothing missed stays missed)."""
    if not enabled():
        return
    started = timezone.now()
    last = cache.get(REFRESHED_KEY)
    changed_after = last - dt.timedelta(minutes=5) if last else None
    services.satusehat_sync(time_budget_s=240, changed_after=changed_after)
    cache.set(REFRESHED_KEY, started, timeout=24 * 3600)
    _drain_later()


@shared_task(ignore_result=True)
def satusehat_drain() -> None:
    """Send what is due (no refresh), and come back when the next row is due."""
    cache.delete(DRAIN_SCHEDULED_KEY)
    if not enabled():
        return
    services.satusehat_sync(refresh=False, time_budget_s=50)
    _drain_later()


def _drain_later() -> None:
    if current_app.conf.task_always_eager:
        return  # inline runs (tests, no Redis): the caller or the scheduler loops
    wait = services.next_due_in()
    if wait is None or wait > PERIODIC_S:
        return
    if cache.add(DRAIN_SCHEDULED_KEY, 1, timeout=int(wait) + 60):
        satusehat_drain.apply_async(countdown=max(wait, 0.5))


@shared_task(ignore_result=True)
def satusehat_reconcile_nightly() -> None:
    """Hourly beat; runs once a night (after 01:00 WIB)."""
    if enabled() and reconcile.reconciliation_due():
        reconcile.reconciliation_run()
