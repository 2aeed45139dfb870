from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from isolation.teleconsult.services import (
    bookings_settle,
    proposal_create_for_alert,
    reminders_send_due,
)


@shared_task(acks_late=True, ignore_result=True)
def send_due_reminders() -> None:
    """Every minute: 24 h and 1 h reminders; each is claimed once in the DB."""
    reminders_send_due()


@shared_task(acks_late=True, ignore_result=True)
def settle_bookings() -> None:
    """Every minute: no-shows 15 min after start, finished rooms, stale proposals."""
    bookings_settle()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def propose_consultation_for_alert(alert_id: int) -> None:
    """Enqueued by the isolation app after a danger alert is committed."""
    proposal_create_for_alert(alert_id=alert_id)
