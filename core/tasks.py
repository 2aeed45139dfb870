from __future__ import annotations

from celery import shared_task

from core.health import heartbeat_record
from core.services.notifications import notification_deliver, notifications_due_ids


@shared_task(ignore_result=True)
def deliver_notification(notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def deliver_due_notifications() -> None:
    """Sweep: messages whose quiet hours ended, retries, and any missed enqueue."""
    for pk in notifications_due_ids():
        notification_deliver(notification_id=pk)


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat schedules it every minute; /healthz reads the time a worker ran it."""
    heartbeat_record()
