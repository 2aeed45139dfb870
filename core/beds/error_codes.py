"""Every error code of hospital beds (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class BedErrorCode(StrEnum):
    BATCH_TOO_LARGE = "batch_too_large"
    HOSPITAL_NOT_ALLOWED = "hospital_not_allowed"
    HOSPITAL_NOT_FOUND = "hospital_not_found"
    INVALID = "invalid"
    INVALID_BED_REPORT = "invalid_bed_report"
    INVALID_RANGE = "invalid_range"
    NOT_A_HOSPITAL = "not_a_hospital"
    REPORT_KEY_REUSED = "report_key_reused"
    UNKNOWN_FIELDS = "unknown_fields"
