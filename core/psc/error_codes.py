"""Every error code of PSC 119 escalations (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class PscErrorCode(StrEnum):
    ALREADY_TAKEN = "already_taken"
    ASSESSMENT_NOT_FOUND = "assessment_not_found"
    CONSENT_REQUIRED = "consent_required"
    ESCALATION_NOT_FOUND = "escalation_not_found"
    HELD_BY_OTHER = "held_by_other"
    INVALID = "invalid"
    INVALID_RANGE = "invalid_range"
    INVALID_TRANSITION = "invalid_transition"
    LOCATION_REQUIRED = "location_required"
    NOT_A_DANGER_ALERT = "not_a_danger_alert"
    NOT_ELIGIBLE = "not_eligible"
    OUTSIDE_INDONESIA = "outside_indonesia"
    PERMISSION_DENIED = "permission_denied"
    UNKNOWN_ACTION = "unknown_action"
