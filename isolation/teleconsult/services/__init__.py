"""Every teleconsultation write. Public names are re-exported here."""

from __future__ import annotations

from isolation.teleconsult.services.availability import (
    exception_create,
    exception_delete,
    schedule_update,
)
from isolation.teleconsult.services.bookings import (
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from isolation.teleconsult.services.consultation import (
    message_payload,
    message_post,
    outcome_write,
    room_join,
)
from isolation.teleconsult.services.demo import teleconsult_demo_seed
from isolation.teleconsult.services.jobs import bookings_settle, reminders_send_due
from isolation.teleconsult.services.proposals import (
    proposal_accept,
    proposal_create,
    proposal_create_for_alert,
    proposal_decline,
)

__all__ = [
    "booking_cancel",
    "booking_create",
    "booking_reschedule",
    "bookings_settle",
    "exception_create",
    "exception_delete",
    "message_payload",
    "message_post",
    "outcome_write",
    "proposal_accept",
    "proposal_create",
    "proposal_create_for_alert",
    "proposal_decline",
    "reminders_send_due",
    "room_join",
    "schedule_update",
    "teleconsult_demo_seed",
]
