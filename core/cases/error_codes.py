"""Every error code case integration answers with (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class CaseErrorCode(StrEnum):
    BATCH_TOO_LARGE = "batch_too_large"
    CASE_NOT_FOUND = "case_not_found"
    EMPTY_BATCH = "empty_batch"
    EMPTY_FILE = "empty_file"
    FILE_NOT_FOUND = "file_not_found"
    INVALID_ENCODING = "invalid_encoding"
    INVALID_HEADER = "invalid_header"
    INVALID_REPORTS = "invalid_reports"
    UNREADABLE_CSV = "unreadable_csv"
