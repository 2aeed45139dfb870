"""Celery tasks: take ids, call one service. All idempotent and safe to redeliver.

acks_late + reject_on_worker_lost (set once for every task in settings:
CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST): a worker killed mid-task
leaves the message on the broker and another worker runs it again; the services' row
locks, unique keys and ``delivered_at`` make the second run a no-op for whatever the
first one committed.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from isolation import services


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_alert(alert_id: int) -> None:
    services.alerts_deliver(alert_ids=[alert_id])


@shared_task(ignore_result=True)
def deliver_pending_alerts() -> None:
    """Outbox sweep: alerts stored while Redis or the workers were down."""
    services.alerts_deliver_pending()


@shared_task(ignore_result=True)
def flag_missed_checkins() -> None:
    services.missed_checkins_flag()


@shared_task(ignore_result=True)
def flag_release_due() -> None:
    services.release_due_flag()


@shared_task(ignore_result=True)
def send_checkin_reminders() -> None:
    services.checkin_reminders_send()
