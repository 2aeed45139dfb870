"""Alerts: a health worker acknowledges one, an action closes those it made moot.
Delivery (`delivery`) and the periodic scans that raise alerts (`scans`) are
re-exported here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict
from core.models import User
from core.services.audit import audit_record
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import Alert, DashboardEvent, Isolation
from isolation.services.delivery import alerts_deliver, alerts_deliver_pending
from isolation.services.events import NewEvent, events_record
from isolation.services.payloads import ack_payload
from isolation.services.scans import (
    checkin_reminders_send,
    missed_checkins_flag,
    release_due_flag,
)

__all__ = [
    "alert_acknowledge",
    "alerts_close_for_isolation",
    "alerts_deliver",
    "alerts_deliver_pending",
    "checkin_reminders_send",
    "missed_checkins_flag",
    "release_due_flag",
]


def _alert_for_worker(actor: User, alert_id: int, *, lock: bool = False) -> Alert:
    from isolation.selectors import alert_get_for_worker

    return alert_get_for_worker(actor=actor, alert_id=alert_id, lock=lock)


@transaction.atomic
def alert_acknowledge(*, actor: User, alert_id: int, note: str = "") -> Alert:
    """A person takes charge of an alert; it leaves every open list."""
    alert = _alert_for_worker(actor, alert_id, lock=True)
    if alert.acknowledged_at is not None:
        raise Conflict(
            message("already_acknowledged"),
            code=IsolationErrorCode.ALREADY_ACKNOWLEDGED,
        )
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.note = note.strip()
    alert.full_clean(validate_unique=False, validate_constraints=False)
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    isolation = alert.isolation
    audit_record(
        actor=actor,
        action="isolation.alert.acknowledge",
        target=alert,
        patient=isolation.patient,
        detail={"isolation": isolation.pk, "kind": alert.kind},
    )
    events_record(
        [
            NewEvent(
                facility_id=isolation.facility_id,
                kind=DashboardEvent.Kind.ALERT_ACK,
                isolation_id=isolation.pk,
                alert_id=alert.pk,
                payload=ack_payload(alert),
            )
        ]
    )
    return alert


def alerts_close_for_isolation(
    *, actor: User, isolation: Isolation, note: str, kinds: Iterable[str] | None = None
) -> int:
    """Acknowledge open alerts an action made moot (inside the action's tx)."""
    now = timezone.now()
    qs = Alert.objects.select_for_update().filter(
        isolation=isolation, acknowledged_at__isnull=True
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    alerts = list(qs)
    for alert in alerts:
        alert.acknowledged_by = actor
        alert.acknowledged_at = now
        alert.note = note
    Alert.objects.bulk_update(alerts, ["acknowledged_by", "acknowledged_at", "note"])
    events_record(
        NewEvent(
            facility_id=isolation.facility_id,
            kind=DashboardEvent.Kind.ALERT_ACK,
            isolation_id=isolation.pk,
            alert_id=alert.pk,
            payload=ack_payload(alert),
        )
        for alert in alerts
    )
    return len(alerts)
