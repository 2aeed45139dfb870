"""Every error code of the public map and open data (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class PublicErrorCode(StrEnum):
    AREA_NOT_FOUND = "area_not_found"
    DATASET_NOT_FOUND = "dataset_not_found"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    INVALID_AREA = "invalid_area"
    INVALID_DATE = "invalid_date"
    INVALID_LEVEL = "invalid_level"
    INVALID_RANGE = "invalid_range"
