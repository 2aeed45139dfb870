"""Every error code isolation monitoring answers with (`{"error": {"code": …}}`)
besides the generic ones (`invalid`, `not_found`)."""

from __future__ import annotations

from enum import StrEnum


class IsolationErrorCode(StrEnum):
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_DECIDED = "already_decided"
    ALREADY_ISOLATING = "already_isolating"
    CLIENT_ID_REUSED = "client_id_reused"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    EMPTY_CHECKIN = "empty_checkin"
    ENROLMENT_REFUSED = "enrolment_refused"
    FACILITY_REQUIRED = "facility_required"
    INVALID_ASSESSMENT = "invalid_assessment"
    ISOLATION_CLOSED = "isolation_closed"
    NO_ACTIVE_ISOLATION = "no_active_isolation"
    NO_ISOLATION = "no_isolation"
    NOT_FOUND = "not_found"
    OPEN_DANGER_ALERTS = "open_danger_alerts"
    REQUEST_PENDING = "request_pending"
