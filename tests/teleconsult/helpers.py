"""Helpers of the teleconsult tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time

# Sunday 3 March 2030, 19:00 WIB: the nurse's clinic opens tomorrow at 08:00 WIB.
NOW = datetime(2030, 3, 3, 12, 0, tzinfo=UTC)
MONDAY_0800_WIB = datetime(2030, 3, 4, 1, 0, tzinfo=UTC)
WEEKDAY_MORNINGS = [{"weekday": d, "start": time(8), "end": time(12)} for d in range(5)]
