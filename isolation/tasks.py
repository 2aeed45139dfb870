"""Celery tasks: take ids, call one service. All idempotent and safe to redeliver.

acks_late + reject_on_worker_lost: a worker killed mid-task leaves the message on the
broker and another worker runs it again; the services' row locks, unique keys and
``delivered_at`` make the second run a no-op for whatever the first one committed.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from isolation import services

_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
}


@shared_task(
    **_OPTIONS,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_alert(alert_id: int) -> None:
    services.alerts_deliver(alert_ids=[alert_id])


@shared_task(**_OPTIONS)
def deliver_pending_alerts() -> None:
    """Outbox sweep: alerts stored while Redis or the workers were down."""
    services.alerts_deliver_pending()


@shared_task(**_OPTIONS)
def flag_missed_checkins() -> None:
    services.missed_checkins_flag()


@shared_task(**_OPTIONS)
def flag_release_due() -> None:
    services.release_due_flag()


@shared_task(**_OPTIONS)
def send_checkin_reminders() -> None:
    services.checkin_reminders_send()
