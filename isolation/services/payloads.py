"""What a dashboard event carries: enough to update one row without a reload."""

from __future__ import annotations

from isolation import content, display
from isolation.models import Alert, CheckIn, Isolation


def _num(value) -> str | int | None:
    if value is None:
        return None
    return str(value) if not isinstance(value, int) else value


def checkin_payload(checkin: CheckIn, *, today_status: str) -> dict:
    isolation = checkin.isolation
    return {
        "patient_name": isolation.patient.full_name,
        "checkin_id": checkin.pk,
        "slot_date": checkin.slot_date.isoformat(),
        "slot": checkin.slot,
        "measured_at": checkin.measured_at.isoformat(),
        "measured_at_label": display.wall_time(checkin.measured_at, isolation.tz),
        "zone_label": display.zone_label(isolation.tz),
        "temperature_c": _num(checkin.temperature),
        "temperature_label": display.decimal_label(checkin.temperature),
        # One label per vital, "suhu –" when this report did not measure it: the
        # board keeps the last known value then (dashboard.js).
        "vital_labels": {
            name: display.vital_label(name, getattr(checkin, name))
            for name, _prefix, _unit in display.VITALS
        },
        "spo2": checkin.spo2,
        "respiratory_rate": checkin.breathing_rate,
        # Deprecated names, kept one release (README "Vitals").
        "temperature": _num(checkin.temperature),
        "breathing_rate": checkin.breathing_rate,
        "danger": checkin.danger,
        "unwell": checkin.unwell,
        "today_status": today_status,
        "today_status_label": content.DAILY_STATUS_LABELS[today_status]["id"],
        "estimated_end": isolation.estimated_end.isoformat(),
    }


def alert_payload(alert: Alert, *, patient_name: str) -> dict:
    return {
        "alert_id": alert.pk,
        "checkin_id": alert.checkin_id,
        "kind": alert.kind,
        "kind_label": content.ALERT_LABELS[alert.kind]["id"],
        "patient_name": patient_name,
        "reasons": alert.reasons,
        "reason_labels": [
            content.DANGER_LABELS.get(r, {"id": r})["id"] for r in alert.reasons
        ],
        "slot_date": alert.slot_date.isoformat(),
        "slot": alert.slot,
        "created_at": alert.created_at.isoformat(),
        "created_at_label": display.wall_time(alert.created_at, alert.isolation.tz),
        "zone_label": display.zone_label(alert.isolation.tz),
    }


def ack_payload(alert: Alert) -> dict:
    by = alert.acknowledged_by
    return {
        "alert_id": alert.pk,
        "acknowledged_by": by.full_name if by else "",
        "acknowledged_at": alert.acknowledged_at.isoformat()
        if alert.acknowledged_at
        else None,
        "note": alert.note,
    }


def patient_payload(isolation: Isolation, *, action: str) -> dict:
    return {
        "action": action,
        "patient_name": isolation.patient.full_name,
        "status": isolation.status,
        "status_label": content.ISOLATION_STATUS_LABELS[isolation.status]["id"],
        "estimated_end": isolation.estimated_end.isoformat(),
    }
