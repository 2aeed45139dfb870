"""Pure teleconsultation rules: slots, notice windows, reminders, no-shows.

No ORM and no settings. Instants are aware datetimes (stored and compared in UTC);
weekly windows and leave days are wall-clock values in the doctor's facility zone.
Indonesia's zones (WIB +7, WITA +8, WIT +9) have no DST, but generation still
skips wall-clock times that do not exist in a zone, so other zones stay correct.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.rules import TZ_LABELS
from isolation.teleconsult.error_codes import TeleconsultErrorCode

SLOT_MINUTES_CHOICES = (10, 15, 20, 30, 45, 60)
MAX_RESCHEDULES = 2
MAX_RANGE_DAYS = 31
NO_SHOW_GRACE = timedelta(minutes=15)
ROOM_OPENS_BEFORE = timedelta(minutes=10)
ROOM_CLOSES_AFTER = timedelta(minutes=30)
REMINDER_24H = "24h"
REMINDER_1H = "1h"
REMINDER_OFFSETS = {REMINDER_24H: timedelta(hours=24), REMINDER_1H: timedelta(hours=1)}

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Window:
    """A weekly availability window; weekday 0 is Monday."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Leave:
    """A day off (start/end None) or a blocked part of one day, local time."""

    day: date
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    slot_minutes: int = 30
    booking_notice: timedelta = timedelta(hours=1)
    cancel_notice: timedelta = timedelta(hours=2)
    max_reschedules: int = MAX_RESCHEDULES
    # How far ahead a slot may start (None: no limit); the slot listing stops there too.
    horizon: timedelta | None = None


class Slot(NamedTuple):
    start: datetime
    end: datetime


# User-facing texts for every rule violation, picked by the caller's language.
MESSAGES: dict[str, dict[str, str]] = {
    TeleconsultErrorCode.SLOT_IN_PAST: {
        "id": "Waktu konsultasi sudah lewat.",
        "en": "That consultation time is in the past.",
    },
    TeleconsultErrorCode.BOOKING_NOTICE: {
        "id": "Waktu konsultasi terlalu dekat; pesan lebih awal.",
        "en": "That time is too soon to book; choose a later slot.",
    },
    TeleconsultErrorCode.OUTSIDE_AVAILABILITY: {
        "id": "Dokter tidak praktik pada waktu itu.",
        "en": "The doctor is not available at that time.",
    },
    TeleconsultErrorCode.SLOT_UNALIGNED: {
        "id": "Waktu mulai tidak sesuai dengan jadwal slot dokter.",
        "en": "The start time is not on one of the doctor's slots.",
    },
    TeleconsultErrorCode.DOCTOR_ON_LEAVE: {
        "id": "Dokter sedang cuti pada waktu itu.",
        "en": "The doctor is on leave at that time.",
    },
    TeleconsultErrorCode.BOOKING_STARTED: {
        "id": "Konsultasi sudah dimulai atau selesai.",
        "en": "The consultation has already started or ended.",
    },
    TeleconsultErrorCode.CANCEL_NOTICE: {
        "id": "Terlalu dekat dengan waktu konsultasi untuk dibatalkan.",
        "en": "It is too close to the consultation to cancel.",
    },
    TeleconsultErrorCode.RESCHEDULE_NOTICE: {
        "id": "Terlalu dekat dengan waktu konsultasi untuk dijadwal ulang.",
        "en": "It is too close to the consultation to reschedule.",
    },
    TeleconsultErrorCode.RESCHEDULE_LIMIT: {
        "id": "Konsultasi ini sudah dijadwal ulang maksimal 2 kali.",
        "en": "This consultation has already been rescheduled twice.",
    },
    TeleconsultErrorCode.WINDOW_EMPTY: {
        "id": "Jam selesai harus setelah jam mulai.",
        "en": "The end time must be after the start time.",
    },
    TeleconsultErrorCode.WINDOW_TOO_SHORT: {
        "id": "Rentang waktu lebih pendek dari satu slot.",
        "en": "The window is shorter than one slot.",
    },
    TeleconsultErrorCode.WINDOW_OVERLAP: {
        "id": "Rentang waktu pada hari yang sama tumpang tindih.",
        "en": "Windows on the same day overlap.",
    },
    TeleconsultErrorCode.WINDOW_UNALIGNED: {
        "id": "Jam harus tepat menit (tanpa detik).",
        "en": "Times must be whole minutes.",
    },
    TeleconsultErrorCode.RANGE_INVALID: {
        "id": "Tanggal akhir harus sama atau setelah tanggal awal.",
        "en": "date_to must be on or after date_from.",
    },
    TeleconsultErrorCode.SLOT_BEYOND_HORIZON: {
        "id": "Waktu konsultasi terlalu jauh; pemesanan paling lama {days} hari ke "
        "depan.",
        "en": "That time is too far ahead; consultations can be booked at most "
        "{days} days ahead.",
    },
    TeleconsultErrorCode.RANGE_BEYOND_HORIZON: {
        "id": "Jadwal hanya tersedia sampai {days} hari ke depan.",
        "en": "Slots are only listed up to {days} days ahead.",
    },
    TeleconsultErrorCode.RANGE_TOO_LONG: {
        "id": "Rentang tanggal paling lama 31 hari.",
        "en": "The date range may span at most 31 days.",
    },
}


def zone_abbreviation(tz: ZoneInfo) -> str:
    return TZ_LABELS.get(tz.key, tz.key)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _local_instant(day: date, minutes: int, tz: ZoneInfo) -> datetime | None:
    """`day` at `minutes` after local midnight as UTC, or None inside a DST gap."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return utc


# --- availability -------------------------------------------------------------


def window_errors(windows: Iterable[Window], slot_minutes: int) -> dict[int, str]:
    """Problems with a weekly schedule, keyed by the window's position."""
    errors: dict[int, str] = {}
    items = list(windows)
    for i, w in enumerate(items):
        if w.start.second or w.start.microsecond or w.end.second or w.end.microsecond:
            errors[i] = TeleconsultErrorCode.WINDOW_UNALIGNED
        elif w.end <= w.start:
            errors[i] = TeleconsultErrorCode.WINDOW_EMPTY
        elif _minutes(w.end) - _minutes(w.start) < slot_minutes:
            errors[i] = TeleconsultErrorCode.WINDOW_TOO_SHORT
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if i in errors or j in errors or a.weekday != b.weekday:
                continue
            if a.start < b.end and b.start < a.end:
                errors[j] = TeleconsultErrorCode.WINDOW_OVERLAP
    return errors


def date_range_error(
    date_from: date, date_to: date, max_days: int = MAX_RANGE_DAYS
) -> str | None:
    if date_to < date_from:
        return TeleconsultErrorCode.RANGE_INVALID
    if (date_to - date_from).days + 1 > max_days:
        return TeleconsultErrorCode.RANGE_TOO_LONG
    return None


def _leave_blocks(leaves: Iterable[Leave]) -> dict[date, list[tuple[int, int]]]:
    """Leave as blocked minute ranges per local day; a whole day is (0, 1440)."""
    blocks: dict[date, list[tuple[int, int]]] = {}
    for leave in leaves:
        if leave.start is None or leave.end is None:
            span = (0, 24 * 60)
        else:
            span = (_minutes(leave.start), _minutes(leave.end))
        blocks.setdefault(leave.day, []).append(span)
    return blocks


def generate_slots(
    *,
    windows: Iterable[Window],
    leaves: Iterable[Leave] = (),
    slot_minutes: int,
    tz: ZoneInfo,
    date_from: date,
    date_to: date,
    not_before: datetime | None = None,
) -> list[Slot]:
    """All slots from `date_from` to `date_to` (inclusive, local days), in order.

    Slots start at each window's start and repeat every `slot_minutes` while a whole
    slot still fits; slots touching leave or starting before `not_before` (now plus
    the booking notice) are left out.
    """
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for w in windows:
        by_weekday.setdefault(w.weekday, []).append(
            (_minutes(w.start), _minutes(w.end))
        )
    for spans in by_weekday.values():
        spans.sort()
    blocked = _leave_blocks(leaves)
    length = timedelta(minutes=slot_minutes)
    slots: list[Slot] = []
    day = date_from
    while day <= date_to:
        day_blocks = blocked.get(day, ())
        for begin, finish in by_weekday.get(day.weekday(), ()):
            count = (finish - begin) // slot_minutes
            first = _local_instant(day, begin, tz)
            last = _local_instant(day, begin + (count - 1) * slot_minutes, tz)
            steady = (
                first is not None
                and last is not None
                and last - first == (count - 1) * length
            )
            if steady and not day_blocks:
                # The common case (always, in Indonesia): one offset for the whole
                # window, no leave, so plain UTC arithmetic is exact and cheap.
                t = first
                for _ in range(count):
                    t_end = t + length
                    if not_before is None or t >= not_before:
                        slots.append(Slot(t, t_end))
                    t = t_end
                continue
            for k in range(count):
                m = begin + k * slot_minutes
                if any(b < m + slot_minutes and m < e for b, e in day_blocks):
                    continue
                start = first + k * length if steady else _local_instant(day, m, tz)
                if start is not None and (not_before is None or start >= not_before):
                    slots.append(Slot(start, start + length))
        day += _DAY
    return slots


def slot_error(
    start: datetime,
    *,
    windows: Iterable[Window],
    leaves: Iterable[Leave] = (),
    policy: Policy,
    tz: ZoneInfo,
    now: datetime,
) -> str | None:
    """Why `start` cannot be booked with this doctor, or None when it can."""
    if start <= now:
        return TeleconsultErrorCode.SLOT_IN_PAST
    if beyond_horizon(start, now=now, horizon=policy.horizon):
        return TeleconsultErrorCode.SLOT_BEYOND_HORIZON
    local = start.astimezone(tz)
    day = local.date()
    m = local.hour * 60 + local.minute
    on_minute = not (local.second or local.microsecond)
    inside = False
    for w in windows:
        if w.weekday != day.weekday():
            continue
        begin, finish = _minutes(w.start), _minutes(w.end)
        if begin <= m < finish:
            inside = True
            if on_minute and (m - begin) % policy.slot_minutes == 0:
                if m + policy.slot_minutes > finish:
                    return TeleconsultErrorCode.OUTSIDE_AVAILABILITY
                break
    else:
        return (
            TeleconsultErrorCode.SLOT_UNALIGNED
            if inside
            else TeleconsultErrorCode.OUTSIDE_AVAILABILITY
        )
    for b, e in _leave_blocks(leaves).get(day, ()):
        if b < m + policy.slot_minutes and m < e:
            return TeleconsultErrorCode.DOCTOR_ON_LEAVE
    if start < now + policy.booking_notice:
        return TeleconsultErrorCode.BOOKING_NOTICE
    return None


def beyond_horizon(
    start: datetime, *, now: datetime, horizon: timedelta | None
) -> bool:
    """A slot starting at or after now + horizon is neither listed nor bookable."""
    return horizon is not None and start >= now + horizon


def booking_limit_error(*, active: int, limit: int) -> str | None:
    """A resident holding `active` upcoming consultations may book another one only
    while that is under `limit` (one person cannot take a doctor's whole day)."""
    return TeleconsultErrorCode.BOOKING_LIMIT if active >= limit else None


def proposal_hold_until(*, start: datetime, now: datetime, hold: timedelta) -> datetime:
    """A proposed slot is held for its patient for `hold`, never past its start."""
    return min(start, now + hold)


def free_slots(
    slots: Iterable[Slot], busy: Iterable[tuple[datetime, datetime]]
) -> list[Slot]:
    """`slots` (in order) minus any that overlap a busy interval."""
    taken = sorted(busy)
    if not taken:
        return list(slots)
    free: list[Slot] = []
    i, n = 0, len(taken)
    for slot in slots:
        while i < n and taken[i][1] <= slot.start:
            i += 1
        j, clash = i, False
        while j < n and taken[j][0] < slot.end:
            if taken[j][1] > slot.start:
                clash = True
                break
            j += 1
        if not clash:
            free.append(slot)
    return free


def earliest_slot(slots: Iterable[Slot]) -> Slot | None:
    return min(slots, key=lambda s: s.start, default=None)


def overlaps(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime
) -> bool:
    """Half-open intervals [start, end): back-to-back slots do not overlap."""
    return a_start < b_end and b_start < a_end


# --- changes to a booking -----------------------------------------------------


def cancel_error(
    *, start: datetime, now: datetime, cancel_notice: timedelta, by_doctor: bool
) -> str | None:
    """Patients must cancel `cancel_notice` ahead; a doctor may until the start."""
    if now >= start:
        return TeleconsultErrorCode.BOOKING_STARTED
    if not by_doctor and start - now < cancel_notice:
        return TeleconsultErrorCode.CANCEL_NOTICE
    return None


def reschedule_error(
    *,
    start: datetime,
    now: datetime,
    cancel_notice: timedelta,
    reschedule_count: int,
    max_reschedules: int = MAX_RESCHEDULES,
) -> str | None:
    if now >= start:
        return TeleconsultErrorCode.BOOKING_STARTED
    if reschedule_count >= max_reschedules:
        return TeleconsultErrorCode.RESCHEDULE_LIMIT
    if start - now < cancel_notice:
        return TeleconsultErrorCode.RESCHEDULE_NOTICE
    return None


# --- reminders, no-shows, the room --------------------------------------------


def reminder_due_at(start: datetime, kind: str) -> datetime:
    return start - REMINDER_OFFSETS[kind]


def reminders_due(
    *, start: datetime, booked_at: datetime, now: datetime, sent: Collection[str]
) -> list[str]:
    """Reminder kinds to send now: at most one, the most recent that fell due.

    A reminder is skipped if the booking was made after it fell due (someone who
    books 3 hours ahead gets the 1 h reminder only), and a late job sends the 1 h
    reminder rather than both.
    """
    if now >= start:
        return []
    due = [
        kind
        for kind, offset in REMINDER_OFFSETS.items()
        if booked_at < start - offset <= now
    ]
    if not due:
        return []
    latest = min(due, key=lambda k: REMINDER_OFFSETS[k])
    return [] if latest in sent else [latest]


def no_show_at(start: datetime) -> datetime:
    return start + NO_SHOW_GRACE


def is_no_show(*, start: datetime, now: datetime, patient_joined: bool) -> bool:
    return not patient_joined and now >= no_show_at(start)


def room_opens_at(start: datetime) -> datetime:
    return start - ROOM_OPENS_BEFORE


def room_closes_at(end: datetime) -> datetime:
    return end + ROOM_CLOSES_AFTER


def room_is_open(*, start: datetime, end: datetime, now: datetime) -> bool:
    return room_opens_at(start) <= now < room_closes_at(end)
