"""Every write of isolation monitoring. Public names are re-exported here."""

from isolation.services.alerts import alert_acknowledge
from isolation.services.care import isolation_extend, isolation_status_change, note_add
from isolation.services.checkins import checkin_submit
from isolation.services.delivery import alerts_deliver, alerts_deliver_pending
from isolation.services.demo import isolation_demo_seed
from isolation.services.enrolment import isolation_enroll, isolation_enroll_audit
from isolation.services.events import events_push, events_record
from isolation.services.requests import (
    isolation_request_confirm,
    isolation_request_create,
    isolation_request_decline,
)
from isolation.services.scans import (
    checkin_reminders_send,
    missed_checkins_flag,
    release_due_flag,
)

__all__ = [
    "alert_acknowledge",
    "alerts_deliver",
    "alerts_deliver_pending",
    "checkin_reminders_send",
    "checkin_submit",
    "events_push",
    "events_record",
    "isolation_enroll",
    "isolation_enroll_audit",
    "isolation_extend",
    "isolation_request_confirm",
    "isolation_request_create",
    "isolation_request_decline",
    "isolation_status_change",
    "missed_checkins_flag",
    "note_add",
    "release_due_flag",
    "isolation_demo_seed",
]
