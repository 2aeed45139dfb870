"""Pure PSC 119 rules: which step may follow which, urgency, waiting too long and the
daily response-time figures. No ORM, no settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

NEW, TAKEN, DISPATCHED, REFERRED, RESOLVED, CANCELLED = (
    "new",
    "taken",
    "dispatched",
    "referred",
    "resolved",
    "cancelled",
)
OPEN_STATUSES = (NEW, TAKEN, DISPATCHED, REFERRED)
CLOSED_STATUSES = (RESOLVED, CANCELLED)

# action -> (statuses it may start from, status it leads to; None keeps the status)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "take": ((NEW,), TAKEN),
    "call": ((TAKEN, DISPATCHED, REFERRED), None),
    "note": ((NEW, TAKEN, DISPATCHED, REFERRED), None),
    "dispatch": ((TAKEN,), DISPATCHED),
    "refer": ((TAKEN, DISPATCHED), REFERRED),
    "resolve": ((TAKEN, DISPATCHED, REFERRED), RESOLVED),
    "cancel": ((NEW, TAKEN, DISPATCHED, REFERRED), CANCELLED),
}
OPERATOR_ACTIONS = tuple(ACTIONS)

# Waiting too long: not taken within 2 minutes, no ambulance within 15 minutes of
# being taken (Sikesta's targets, as a default).
ACK_TARGET = dt.timedelta(minutes=2)
DISPATCH_TARGET = dt.timedelta(minutes=15)

SEVERE_SPO2_BELOW = 90

# Indonesia's extent, as core.areas.geo.INDONESIA_BBOX (min lng, min lat, max lng,
# max lat): the first check of a shared GPS point, before the boundaries.
INDONESIA_BBOX = (94.0, -11.8, 141.8, 6.8)
# A shared GPS point this far from the kab/kota the escalation went to is doubtful:
# the PSC would send its ambulance out of its own area on the point's word. Within
# it, a resident near their kab/kota's border with a GPS error is still theirs.
LOCATION_DOUBT_METERS = 25_000
SEVERE_SIGNS = frozenset({"bluish_lips", "confusion", "severe_breathing_difficulty"})


def transition(status: str, action: str) -> str | None:
    """The status after `action`, or raises ValueError when it may not happen now."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action}")
    allowed, after = ACTIONS[action]
    if status not in allowed:
        raise ValueError(f"{action} not allowed from {status}")
    return status if after is None else after


def urgency(*, spo2: int | None, danger_signs: Iterable[str]) -> int:
    """3: life-threatening now (SpO2 < 90 or a severe sign); 2: any other danger."""
    if (spo2 is not None and spo2 < SEVERE_SPO2_BELOW) or SEVERE_SIGNS & set(
        danger_signs
    ):
        return 3
    return 2


def _in_indonesia_bbox(lat: float, lng: float) -> bool:
    min_lng, min_lat, max_lng, max_lat = INDONESIA_BBOX
    return min_lat <= lat <= max_lat and min_lng <= lng <= max_lng


def gps_point_problem(*, lat: float, lng: float) -> str | None:
    """Why a shared point cannot be a GPS location in Indonesia: "null_island" (0, 0:
    a phone without a fix), "swapped" (lat and lng exchanged), "outside" (beyond
    Indonesia's extent); None when it may be (the boundaries decide the rest)."""
    if abs(lat) < 1e-6 and abs(lng) < 1e-6:
        return "null_island"
    if _in_indonesia_bbox(lat, lng):
        return None
    if _in_indonesia_bbox(lng, lat):
        return "swapped"
    return "outside"


def location_doubtful(*, distance_m: float | None) -> bool:
    """A GPS point farther than LOCATION_DOUBT_METERS from the kab/kota it was sent
    to (None: not measurable, no boundaries)."""
    return distance_m is not None and distance_m > LOCATION_DOUBT_METERS


def waiting_too_long(
    *,
    status: str,
    created_at: dt.datetime,
    taken_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    if status == NEW:
        return now - created_at > ACK_TARGET
    if status == TAKEN and taken_at is not None:
        return now - taken_at > DISPATCH_TARGET
    return False


def queue_key(*, status: str, urgency: int, created_at: dt.datetime) -> tuple:
    """Console order: untaken first, then the most urgent, then the longest waiting."""
    return (0 if status == NEW else 1, -urgency, created_at)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return round(ordered[rank], 1)


def response_figures(rows: Iterable[Mapping]) -> dict:
    """rows: {created_at, taken_at, dispatched_at, status} of one day."""
    ack, dispatch = [], []
    count = late_ack = late_dispatch = 0
    by_status: dict[str, int] = {}
    for r in rows:
        count += 1
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
        if r["taken_at"] is not None:
            seconds = (r["taken_at"] - r["created_at"]).total_seconds()
            ack.append(seconds)
            late_ack += seconds > ACK_TARGET.total_seconds()
        if r["dispatched_at"] is not None:
            seconds = (r["dispatched_at"] - r["created_at"]).total_seconds()
            dispatch.append(seconds)
            if r["taken_at"] is not None:
                late_dispatch += (r["dispatched_at"] - r["taken_at"]) > DISPATCH_TARGET
    return {
        "escalations": count,
        "by_status": by_status,
        "acknowledged": len(ack),
        "ack_seconds_median": _percentile(ack, 0.5),
        "ack_seconds_p90": _percentile(ack, 0.9),
        "ack_late": late_ack,
        "dispatched": len(dispatch),
        "dispatch_seconds_median": _percentile(dispatch, 0.5),
        "dispatch_seconds_p90": _percentile(dispatch, 0.9),
        "dispatch_late": late_dispatch,
    }
