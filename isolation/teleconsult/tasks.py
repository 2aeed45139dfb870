from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from isolation.services.dispatch import task_enqueue
from isolation.teleconsult.services import (
    bookings_settle,
    proposal_create_for_alert,
    reminders_send_due,
)


@shared_task(ignore_result=True)
def send_due_reminders() -> None:
    """Every minute: 24 h and 1 h reminders; each is claimed once in the DB."""
    reminders_send_due()


@shared_task(ignore_result=True)
def settle_bookings() -> None:
    """Every minute: no-shows 15 min after start, finished rooms, stale proposals."""
    bookings_settle()


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def propose_consultation_for_alert(alert_id: int) -> None:
    """Enqueued after a danger alert is committed (consultation_proposal_enqueue)."""
    proposal_create_for_alert(alert_id=alert_id)


def consultation_proposal_enqueue(alert_id: int) -> None:
    """Isolation's danger-alert hook (registered in apps.py): a worker proposes a slot
    to the patient; with the broker down, nothing is proposed (logged)."""
    task_enqueue(
        lambda: propose_consultation_for_alert.apply_async((alert_id,), retry=False),
        what=f"a consultation proposal for alert {alert_id}",
    )
