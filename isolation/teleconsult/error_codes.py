"""Every error code of teleconsultation (availability, bookings, proposals, the
consultation room), as answered in `{"error": {"code": …}}`; the rules' codes are also
the keys of their messages."""

from __future__ import annotations

from enum import StrEnum


class TeleconsultErrorCode(StrEnum):
    BOOKING_LIMIT = "booking_limit"
    BOOKING_NOT_ACTIVE = "booking_not_active"
    BOOKING_NOT_FOUND = "booking_not_found"
    BOOKING_NOTICE = "booking_notice"
    BOOKING_STARTED = "booking_started"
    CANCEL_NOTICE = "cancel_notice"
    CONSULTATION_NOT_STARTED = "consultation_not_started"
    DOCTOR_ON_LEAVE = "doctor_on_leave"
    DOCTOR_ONLY = "doctor_only"
    EXCEPTION_NOT_FOUND = "exception_not_found"
    INVALID_WINDOWS = "invalid_windows"
    LEAVE_HAS_BOOKINGS = "leave_has_bookings"
    MESSAGE_EMPTY = "message_empty"
    NOT_HEALTH_WORKER = "not_health_worker"
    OUTSIDE_AVAILABILITY = "outside_availability"
    PATIENT_BUSY = "patient_busy"
    PATIENT_ONLY = "patient_only"
    PROPOSAL_NOT_FOUND = "proposal_not_found"
    PROPOSAL_NOT_OPEN = "proposal_not_open"
    RANGE_BEYOND_HORIZON = "range_beyond_horizon"
    RANGE_INVALID = "range_invalid"
    RANGE_TOO_LONG = "range_too_long"
    RESCHEDULE_LIMIT = "reschedule_limit"
    RESCHEDULE_NOTICE = "reschedule_notice"
    ROOM_CLOSED = "room_closed"
    SAME_SLOT = "same_slot"
    SLOT_BEYOND_HORIZON = "slot_beyond_horizon"
    SLOT_HELD = "slot_held"
    SLOT_IN_PAST = "slot_in_past"
    SLOT_TAKEN = "slot_taken"
    SLOT_UNALIGNED = "slot_unaligned"
    UNKNOWN_DOCTOR = "unknown_doctor"
    WINDOW_EMPTY = "window_empty"
    WINDOW_OVERLAP = "window_overlap"
    WINDOW_TOO_SHORT = "window_too_short"
    WINDOW_UNALIGNED = "window_unaligned"
