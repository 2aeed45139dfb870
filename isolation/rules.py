"""Isolation monitoring rules: pure functions, no ORM, no settings.

Slots are defined in the patient's local time (WIB/WITA/WIT):

    morning ("am"): opens 00:00, expected by 12:00, closes 14:00
    evening ("pm"): opens 14:00, expected by 20:00, closes 24:00

A check-in belongs to the slot whose window contains its local time. A slot is *due*
for an isolation when monitoring started before the slot's expected-by time (a patient
enrolled at 13:30 is not blamed for the morning). A due slot with no check-in is
*missed* once it has closed. Two missed slots in a row make a missed alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core import rules as core_rules

MORNING, EVENING = "am", "pm"
SLOTS = (MORNING, EVENING)

# (opens, expected by, closes) as local times; None = midnight at the end of the day.
SLOT_WINDOWS: dict[str, tuple[dt.time, dt.time, dt.time | None]] = {
    MORNING: (dt.time(0, 0), dt.time(12, 0), dt.time(14, 0)),
    EVENING: (dt.time(14, 0), dt.time(20, 0), None),
}

# Reminders are never sent in [QUIET_START, QUIET_END) local time.
QUIET_START, QUIET_END = dt.time(21, 0), dt.time(6, 0)

ISOLATION_DAYS_AFTER_TEST = 10
DAYS_AFTER_LAST_SYMPTOM = 3

SYMPTOMS = (
    "fever",
    "cough",
    "sore_throat",
    "breathing_difficulty",
    "loss_of_smell_taste",
    "fatigue",
    "diarrhoea",
)
DANGER_SIGNS = ("severe_breathing_difficulty", "chest_pain", "confusion", "bluish_lips")
SPO2_DANGER_BELOW = 95
BREATHING_RATE_DANGER_ABOVE = 24
FEVER_FROM = Decimal("38.0")

# Plausible measured values (core.rules, shared with the self-check); the check-in's
# earlier name for the respiratory rate is still BREATHING_RATE here.
TEMPERATURE_RANGE = core_rules.TEMPERATURE_RANGE
SPO2_RANGE = core_rules.SPO2_RANGE
BREATHING_RATE_RANGE = core_rules.RESPIRATORY_RATE_RANGE

SEEN_OK, SEEN_NOT_OK, MISSED, NOT_DUE = "seen_ok", "seen_not_ok", "missed", "not_due"
DAILY_STATUSES = (SEEN_OK, SEEN_NOT_OK, MISSED, NOT_DUE)

UP, DOWN, FLAT = "up", "down", "flat"


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One check-in slot. Orders chronologically ("am" < "pm")."""

    day: dt.date
    slot: str

    def __post_init__(self) -> None:
        if self.slot not in SLOTS:
            raise ValueError(f"unknown slot {self.slot!r}")

    def next(self) -> Slot:
        if self.slot == MORNING:
            return Slot(self.day, EVENING)
        return Slot(self.day + dt.timedelta(days=1), MORNING)

    def previous(self) -> Slot:
        if self.slot == EVENING:
            return Slot(self.day, MORNING)
        return Slot(self.day - dt.timedelta(days=1), EVENING)

    def opens_at(self, tz: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(self.day, SLOT_WINDOWS[self.slot][0], tzinfo=tz)

    def expected_by(self, tz: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(self.day, SLOT_WINDOWS[self.slot][1], tzinfo=tz)

    def closes_at(self, tz: ZoneInfo) -> dt.datetime:
        close = SLOT_WINDOWS[self.slot][2]
        if close is None:
            return dt.datetime.combine(
                self.day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz
            )
        return dt.datetime.combine(self.day, close, tzinfo=tz)


def received_late(
    slot: Slot, *, received_at: dt.datetime, tz: ZoneInfo, grace: dt.timedelta
) -> bool:
    """A report received more than `grace` after its slot closed (an offline phone's
    queue, or a back-dated measured_at): kept, but it did not report the slot in time,
    so it does not undo a missed slot."""
    return received_at > slot.closes_at(tz) + grace


# --- dates -------------------------------------------------------------------------


def estimated_end(
    *,
    test_date: dt.date | None,
    start_date: dt.date,
    symptom_days: Iterable[dt.date] = (),
    extended_until: dt.date | None = None,
) -> dt.date:
    """max(test date + 10, last symptom day + 3), never before an explicit extension.

    Without a test date (enrolled from a high self-check) the count starts at the
    start of isolation. ``symptom_days`` holds the onset day and every day a check-in
    reported a symptom or danger sign; the latest one counts.
    """
    candidates = [
        (test_date or start_date) + dt.timedelta(days=ISOLATION_DAYS_AFTER_TEST)
    ]
    days = [d for d in symptom_days if d is not None]
    if days:
        candidates.append(max(days) + dt.timedelta(days=DAYS_AFTER_LAST_SYMPTOM))
    if extended_until is not None:
        candidates.append(extended_until)
    return max(candidates)


def day_of(
    *, start_date: dt.date, end_date: dt.date, today: dt.date
) -> tuple[int, int]:
    """(N, M) for "day N of M"; N is clamped to 1..M."""
    total = max((end_date - start_date).days, 1)
    n = (today - start_date).days + 1
    return min(max(n, 1), total), total


def release_due(*, end_date: dt.date, today: dt.date) -> bool:
    return today >= end_date


# --- slots -------------------------------------------------------------------------


def slot_for(moment: dt.datetime, tz: ZoneInfo) -> Slot:
    """The slot a check-in made at ``moment`` (aware) counts for, in the patient's zone."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(tz)
    closes_morning = SLOT_WINDOWS[MORNING][2]
    assert closes_morning is not None
    return Slot(local.date(), MORNING if local.time() < closes_morning else EVENING)


def is_due(slot: Slot, *, started_at: dt.datetime, tz: ZoneInfo) -> bool:
    return started_at <= slot.expected_by(tz)


def first_due_slot(*, started_at: dt.datetime, tz: ZoneInfo) -> Slot:
    slot = slot_for(started_at, tz)
    while not is_due(slot, started_at=started_at, tz=tz):
        slot = slot.next()
    return slot


def closed_due_slots(
    *,
    started_at: dt.datetime,
    now: dt.datetime,
    tz: ZoneInfo,
    until: dt.datetime | None = None,
) -> list[Slot]:
    """Due slots that have closed by ``now`` (oldest first).

    ``until`` (when monitoring ended: release, referral…) stops the count: slots
    expected after it are not due.
    """
    result: list[Slot] = []
    slot = first_due_slot(started_at=started_at, tz=tz)
    while slot.closes_at(tz) <= now:
        if until is not None and slot.expected_by(tz) > until:
            break
        result.append(slot)
        slot = slot.next()
    return result


def last_closed_slots(now: dt.datetime, tz: ZoneInfo, count: int = 2) -> list[Slot]:
    """The ``count`` most recently closed slots at ``now`` (oldest first).

    The same for every patient in one time zone, which is what lets the missed-slot
    scan run as one set-based query per zone.
    """
    slot = slot_for(now, tz).previous()
    found = []
    for _ in range(count):
        found.append(slot)
        slot = slot.previous()
    return list(reversed(found))


def missed_slots(due: Iterable[Slot], checked: Iterable[Slot]) -> list[Slot]:
    seen = set(checked)
    return [s for s in due if s not in seen]


def two_missed_in_a_row(due: Sequence[Slot], checked: Iterable[Slot]) -> Slot | None:
    """The alert key (the later slot) when the two latest closed due slots were missed.

    Only the latest pair counts: a run that ended with a check-in needs no alert.
    """
    if len(due) < 2:
        return None
    seen = set(checked)
    prev, last = due[-2], due[-1]
    if prev in seen or last in seen:
        return None
    return last


def reminder_allowed(moment: dt.datetime, tz: ZoneInfo) -> bool:
    """Never between 21:00 and 06:00 local time."""
    local = moment.astimezone(tz).time()
    return QUIET_END <= local < QUIET_START


def slot_to_remind(now: dt.datetime, tz: ZoneInfo) -> Slot | None:
    """The open slot whose expected-by time has passed, if a reminder may go now."""
    if not reminder_allowed(now, tz):
        return None
    slot = slot_for(now, tz)
    if slot.expected_by(tz) <= now < slot.closes_at(tz):
        return slot
    return None


# --- vitals and daily status -------------------------------------------------------


def danger_reasons(
    *,
    spo2: int | None = None,
    breathing_rate: int | None = None,
    danger_signs: Iterable[str] = (),
) -> list[str]:
    """Why a check-in is dangerous; empty when it is not."""
    reasons = sorted(set(danger_signs))
    if spo2 is not None and spo2 < SPO2_DANGER_BELOW:
        reasons.append("spo2_low")
    if breathing_rate is not None and breathing_rate > BREATHING_RATE_DANGER_ABOVE:
        reasons.append("breathing_rate_high")
    return reasons


def is_unwell(
    *,
    danger: bool,
    temperature: Decimal | float | None = None,
    symptoms: Iterable[str] | None = (),
) -> bool:
    """Go.Data "seen, not ok": any danger, a fever, or any symptom reported (None,
    no answer about symptoms, reports none)."""
    if danger:
        return True
    if temperature is not None and Decimal(str(temperature)) >= FEVER_FROM:
        return True
    return any(True for _ in symptoms or ())


def report_says_something(
    *,
    temperature: Decimal | None,
    spo2: int | None,
    breathing_rate: int | None,
    symptoms: Iterable[str] | None,
    danger_signs: Iterable[str],
    note: str,
) -> bool:
    """A check-in must tell the nurse something: a measured value, an answer about
    symptoms (an empty list is the answer "no symptoms"; None is no answer), a
    danger sign or a note. An empty one would show the patient as seen ok."""
    return (
        temperature is not None
        or spo2 is not None
        or breathing_rate is not None
        or symptoms is not None
        or any(True for _ in danger_signs)
        or bool(note.strip())
    )


def report_values(
    *,
    temperature: Decimal | float | str | None,
    spo2: int | None,
    breathing_rate: int | None,
    symptoms: Iterable[str] | None,
    danger_signs: Iterable[str] | None,
    note: str,
) -> dict:
    """A check-in's reported values as they are stored: the temperature to one
    decimal (37.20 is 37.2), symptoms and danger signs as sorted sets (order and
    repeats say nothing; None, no answer about symptoms, stays None). Two reports are
    the same when these are equal."""
    return {
        "temperature": None
        if temperature is None
        else Decimal(str(temperature)).quantize(Decimal("0.1"), ROUND_HALF_UP),
        "spo2": spo2,
        "breathing_rate": breathing_rate,
        "symptoms": None if symptoms is None else sorted(set(symptoms)),
        "danger_signs": sorted(set(danger_signs or ())),
        "note": note.strip(),
    }


def same_measurement_time(
    sent: dt.datetime | None,
    *,
    stored: dt.datetime,
    received_at: dt.datetime,
    skew: dt.timedelta,
) -> bool:
    """Whether a retry's `measured_at` is the stored one's. A retry that leaves it out
    is stamped on arrival, so says nothing; a stored time up to `skew` ahead of the
    server's clock was stored as the arrival time (`received_at`), so the same time
    sent again is the same report."""
    if sent is None or sent == stored:
        return True
    stamped_on_arrival = abs(received_at - stored) < dt.timedelta(seconds=1)
    return stamped_on_arrival and stored < sent <= stored + skew


def daily_status(
    *,
    day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
    started_at: dt.datetime,
    checkins_unwell: Sequence[bool],
) -> str:
    """Follow-up status of one day: seen ok / seen not ok / missed / not due.

    ``checkins_unwell`` has one entry per check-in of that day (True = not ok).
    """
    if checkins_unwell:
        return SEEN_NOT_OK if any(checkins_unwell) else SEEN_OK
    for slot in (Slot(day, MORNING), Slot(day, EVENING)):
        if is_due(slot, started_at=started_at, tz=tz) and slot.closes_at(tz) <= now:
            return MISSED
    return NOT_DUE


def missed_if_started_by(
    *, day: dt.date, now: dt.datetime, tz: ZoneInfo
) -> dt.datetime | None:
    """`daily_status`'s "missed" as one bound: a day without a check-in is missed for
    an isolation that started at or before the returned time (the latest expected-by
    of the day's slots closed by `now`); None while none has closed. A query can
    compare `started_at` with it (selectors.isolations_by_urgency)."""
    closed = [
        slot
        for slot in (Slot(day, MORNING), Slot(day, EVENING))
        if slot.closes_at(tz) <= now
    ]
    return max((slot.expected_by(tz) for slot in closed), default=None)


def trend(
    values: Sequence[float | int | Decimal | None], *, tolerance: float = 0
) -> str:
    """Direction of the last two known values (oldest first)."""
    known = [float(v) for v in values if v is not None]
    if len(known) < 2:
        return FLAT
    delta = known[-1] - known[-2]
    if delta > tolerance:
        return UP
    if delta < -tolerance:
        return DOWN
    return FLAT


#: How a day's status sorts on the board (most worrying first).
STATUS_RANK = {SEEN_NOT_OK: 0, MISSED: 1, NOT_DUE: 2, SEEN_OK: 3}
#: Where a patient with no SpO2 reading sorts: after every real reading.
NO_SPO2_RANK = 101


def urgency_key(
    *,
    open_danger: int,
    open_missed: int,
    release_due: bool,
    today_status: str,
    last_spo2: int | None,
    oldest_open_alert: dt.datetime | None = None,
    tiebreak: int = 0,
) -> tuple:
    """Sort key, ascending = most urgent first.

    Open danger alerts first, then open missed alerts, then how today looks, then the
    lowest last SpO2; the oldest unacknowledged alert breaks ties; release-due patients
    come before settled ones with the same status.
    """
    return (
        0 if open_danger else 1,
        0 if open_missed else 1,
        STATUS_RANK.get(today_status, len(STATUS_RANK)),
        last_spo2 if last_spo2 is not None else NO_SPO2_RANK,
        0 if release_due else 1,
        oldest_open_alert.timestamp() if oldest_open_alert else float("inf"),
        tiebreak,
    )
