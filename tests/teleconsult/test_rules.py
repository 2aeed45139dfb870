"""Pure rule tables: no database, no Django."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.rules import WIB_ZONE as WIB
from core.rules import WIT_ZONE as WIT
from core.rules import WITA_ZONE as WITA
from isolation.teleconsult import rules
from isolation.teleconsult.rules import Leave, Policy, Slot, Window

MONDAY = date(2025, 3, 3)
WEEKDAYS_8_TO_12 = [Window(d, time(8), time(12)) for d in range(5)]
POLICY = Policy(
    slot_minutes=30, booking_notice=timedelta(hours=1), cancel_notice=timedelta(hours=2)
)
# Sunday evening in Jakarta, well before Monday's clinic.
NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_it_generates_slots_in_the_doctors_zone():
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
    )
    assert len(slots) == 8
    assert slots[0] == Slot(utc(2025, 3, 3, 1, 0), utc(2025, 3, 3, 1, 30))
    assert slots[-1].end == utc(2025, 3, 3, 5, 0)


@pytest.mark.parametrize(
    ("tz", "first_utc"),
    [
        (WIB, utc(2025, 3, 3, 1, 0)),
        (WITA, utc(2025, 3, 3, 0, 0)),
        (WIT, utc(2025, 3, 2, 23, 0)),
    ],
)
def test_it_reads_weekly_windows_as_local_wall_time(tz, first_utc):
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=60,
        tz=tz,
        date_from=MONDAY,
        date_to=MONDAY,
    )
    assert slots[0].start == first_utc
    assert slots[0].start.astimezone(tz).time() == time(8)


def test_it_shows_a_wib_doctors_slot_in_a_wit_patients_time():
    slot = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
    )[0]
    assert slot.start.astimezone(WIB).isoformat() == "2025-03-03T08:00:00+07:00"
    assert slot.start.astimezone(WIT).isoformat() == "2025-03-03T10:00:00+09:00"
    assert rules.zone_abbreviation(WIT) == "WIT"


def test_it_accepts_a_start_given_in_the_patients_offset():
    in_wit = datetime(2025, 3, 3, 10, 0, tzinfo=WIT)
    error = rules.slot_error(
        in_wit, windows=WEEKDAYS_8_TO_12, policy=POLICY, tz=WIB, now=NOW
    )
    assert error is None


def test_it_drops_a_partial_slot_at_the_end_of_a_window():
    slots = rules.generate_slots(
        windows=[Window(0, time(8), time(9, 45))],
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
    )
    assert [s.start.astimezone(WIB).time() for s in slots] == [
        time(8),
        time(8, 30),
        time(9),
    ]


@pytest.mark.parametrize(
    ("leaves", "expected"),
    [
        ([], 8),
        ([Leave(MONDAY)], 0),
        ([Leave(MONDAY, time(9), time(10))], 6),
        ([Leave(MONDAY, time(9, 15), time(9, 45))], 6),
        ([Leave(MONDAY + timedelta(days=1))], 8),
    ],
)
def test_it_leaves_out_slots_during_leave(leaves, expected):
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        leaves=leaves,
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
    )
    assert len(slots) == expected


def test_it_spans_days_and_skips_days_without_windows():
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=60,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY + timedelta(days=13),
    )
    assert len(slots) == 10 * 4
    assert {s.start.astimezone(WIB).weekday() for s in slots} == {0, 1, 2, 3, 4}
    assert slots == sorted(slots, key=lambda s: s.start)


def test_it_hides_slots_inside_the_booking_notice():
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
        not_before=utc(2025, 3, 3, 2, 10),
    )
    assert slots[0].start == utc(2025, 3, 3, 2, 30)


def test_it_skips_wall_times_that_do_not_exist_in_a_dst_zone():
    berlin = ZoneInfo("Europe/Berlin")
    slots = rules.generate_slots(
        windows=[Window(6, time(1), time(4))],
        slot_minutes=60,
        tz=berlin,
        date_from=date(2025, 3, 30),
        date_to=date(2025, 3, 30),
    )
    assert [s.start.astimezone(berlin).hour for s in slots] == [1, 3]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime(2025, 3, 3, 8, 0, tzinfo=WIB), None),
        (datetime(2025, 3, 3, 11, 30, tzinfo=WIB), None),
        (datetime(2025, 3, 3, 10, 0, tzinfo=WIT), None),
        (datetime(2025, 3, 3, 3, 0, tzinfo=UTC), None),
        (datetime(2025, 3, 1, 8, 0, tzinfo=WIB), "slot_in_past"),
        (NOW, "slot_in_past"),
        (datetime(2025, 3, 8, 8, 0, tzinfo=WIB), "outside_availability"),
        (datetime(2025, 3, 3, 7, 30, tzinfo=WIB), "outside_availability"),
        (datetime(2025, 3, 3, 12, 0, tzinfo=WIB), "outside_availability"),
        (datetime(2025, 3, 3, 8, 10, tzinfo=WIB), "slot_unaligned"),
        (datetime(2025, 3, 3, 8, 0, 30, tzinfo=WIB), "slot_unaligned"),
        (datetime(2025, 3, 3, 8, 0, tzinfo=WIT), "outside_availability"),
        (datetime(2025, 3, 4, 9, 0, tzinfo=WIB), "doctor_on_leave"),
    ],
)
def test_it_checks_a_requested_start(start, expected):
    error = rules.slot_error(
        start,
        windows=WEEKDAYS_8_TO_12,
        leaves=[Leave(date(2025, 3, 4))],
        policy=POLICY,
        tz=WIB,
        now=NOW,
    )
    assert error == expected


def test_it_rejects_a_slot_that_would_overrun_the_window():
    error = rules.slot_error(
        datetime(2025, 3, 3, 9, 30, tzinfo=WIB),
        windows=[Window(0, time(8), time(9, 45))],
        policy=POLICY,
        tz=WIB,
        now=NOW,
    )
    assert error == "outside_availability"


def test_it_enforces_the_minimum_booking_notice():
    now = datetime(2025, 3, 3, 7, 30, tzinfo=WIB)
    kwargs = {"windows": WEEKDAYS_8_TO_12, "policy": POLICY, "tz": WIB, "now": now}
    assert rules.slot_error(datetime(2025, 3, 3, 8, 0, tzinfo=WIB), **kwargs) == (
        "booking_notice"
    )
    assert rules.slot_error(datetime(2025, 3, 3, 8, 30, tzinfo=WIB), **kwargs) is None


@pytest.mark.parametrize(
    ("windows", "errors"),
    [
        ([Window(0, time(8), time(12))], {}),
        ([Window(0, time(12), time(8))], {0: "window_empty"}),
        ([Window(0, time(8), time(8))], {0: "window_empty"}),
        ([Window(0, time(8), time(8, 20))], {0: "window_too_short"}),
        ([Window(0, time(8, 0, 5), time(9))], {0: "window_unaligned"}),
        (
            [Window(0, time(8), time(12)), Window(0, time(11), time(13))],
            {1: "window_overlap"},
        ),
        ([Window(0, time(8), time(12)), Window(0, time(12), time(14))], {}),
        ([Window(0, time(8), time(12)), Window(1, time(8), time(12))], {}),
    ],
)
def test_it_validates_weekly_windows(windows, errors):
    assert rules.window_errors(windows, 30) == errors


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (MONDAY, MONDAY, None),
        (MONDAY, MONDAY + timedelta(days=30), None),
        (MONDAY, MONDAY + timedelta(days=31), "range_too_long"),
        (MONDAY, MONDAY - timedelta(days=1), "range_invalid"),
    ],
)
def test_it_bounds_the_date_range(date_from, date_to, expected):
    assert rules.date_range_error(date_from, date_to) == expected


START = utc(2025, 3, 10, 2, 0)


@pytest.mark.parametrize(
    ("now", "by_doctor", "expected"),
    [
        (START - timedelta(hours=3), False, None),
        (START - timedelta(hours=2), False, None),
        (START - timedelta(hours=1, minutes=59), False, "cancel_notice"),
        (START - timedelta(minutes=5), True, None),
        (START, True, "booking_started"),
        (START + timedelta(minutes=5), False, "booking_started"),
    ],
)
def test_it_applies_the_cancellation_notice(now, by_doctor, expected):
    error = rules.cancel_error(
        start=START, now=now, cancel_notice=timedelta(hours=2), by_doctor=by_doctor
    )
    assert error == expected


@pytest.mark.parametrize(
    ("count", "now", "expected"),
    [
        (0, START - timedelta(days=1), None),
        (1, START - timedelta(days=1), None),
        (2, START - timedelta(days=1), "reschedule_limit"),
        (0, START - timedelta(hours=1), "reschedule_notice"),
        (0, START + timedelta(minutes=1), "booking_started"),
    ],
)
def test_it_limits_rescheduling(count, now, expected):
    error = rules.reschedule_error(
        start=START, now=now, cancel_notice=timedelta(hours=2), reschedule_count=count
    )
    assert error == expected


BOOKED_EARLY = START - timedelta(days=3)


@pytest.mark.parametrize(
    ("booked_at", "now", "sent", "expected"),
    [
        (BOOKED_EARLY, START - timedelta(hours=25), (), []),
        (BOOKED_EARLY, START - timedelta(hours=24), (), ["24h"]),
        (BOOKED_EARLY, START - timedelta(hours=5), (), ["24h"]),
        (BOOKED_EARLY, START - timedelta(hours=5), ("24h",), []),
        (BOOKED_EARLY, START - timedelta(minutes=50), ("24h",), ["1h"]),
        (BOOKED_EARLY, START - timedelta(minutes=50), (), ["1h"]),
        (BOOKED_EARLY, START - timedelta(minutes=50), ("24h", "1h"), []),
        (BOOKED_EARLY, START, (), []),
        (START - timedelta(hours=3), START - timedelta(hours=2), (), []),
        (START - timedelta(hours=3), START - timedelta(minutes=30), (), ["1h"]),
        (START - timedelta(minutes=30), START - timedelta(minutes=20), (), []),
    ],
)
def test_it_knows_which_reminder_is_due(booked_at, now, sent, expected):
    due = rules.reminders_due(start=START, booked_at=booked_at, now=now, sent=sent)
    assert due == expected


def test_it_puts_reminders_24h_and_1h_before_the_start():
    assert rules.reminder_due_at(START, "24h") == utc(2025, 3, 9, 2, 0)
    assert rules.reminder_due_at(START, "1h") == utc(2025, 3, 10, 1, 0)


@pytest.mark.parametrize(
    ("now", "joined", "expected"),
    [
        (START + timedelta(minutes=14, seconds=59), False, False),
        (START + timedelta(minutes=15), False, True),
        (START + timedelta(hours=3), False, True),
        (START + timedelta(minutes=15), True, False),
    ],
)
def test_it_marks_a_no_show_15_minutes_after_the_start(now, joined, expected):
    assert rules.is_no_show(start=START, now=now, patient_joined=joined) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - timedelta(minutes=11), False),
        (START - timedelta(minutes=10), True),
        (START + timedelta(minutes=20), True),
        (START + timedelta(minutes=59), True),
        (START + timedelta(minutes=60), False),
    ],
)
def test_it_opens_the_room_around_the_booking_time(now, expected):
    end = START + timedelta(minutes=30)
    assert rules.room_is_open(start=START, end=end, now=now) is expected


def test_it_picks_the_earliest_slot():
    a = Slot(utc(2025, 3, 3, 2), utc(2025, 3, 3, 3))
    b = Slot(utc(2025, 3, 3, 1), utc(2025, 3, 3, 2))
    assert rules.earliest_slot([a, b]) == b
    assert rules.earliest_slot([]) is None


def test_it_treats_back_to_back_slots_as_not_overlapping():
    a, b, c = utc(2025, 3, 3, 1), utc(2025, 3, 3, 2), utc(2025, 3, 3, 3)
    assert not rules.overlaps(a, b, b, c)
    assert rules.overlaps(a, c, b, c)


def test_it_has_a_message_in_both_languages_for_every_code():
    for texts in rules.MESSAGES.values():
        assert set(texts) == {"id", "en"}


def test_it_removes_slots_that_overlap_a_booking():
    slots = rules.generate_slots(
        windows=WEEKDAYS_8_TO_12,
        slot_minutes=30,
        tz=WIB,
        date_from=MONDAY,
        date_to=MONDAY,
    )
    busy = [
        (utc(2025, 3, 3, 1, 0), utc(2025, 3, 3, 1, 30)),
        # An odd-length booking left over from an earlier slot length.
        (utc(2025, 3, 3, 2, 45), utc(2025, 3, 3, 3, 15)),
        (utc(2025, 3, 3, 0, 0), utc(2025, 3, 3, 0, 30)),
    ]
    free = rules.free_slots(slots, busy)
    assert [s.start.astimezone(WIB).strftime("%H:%M") for s in free] == [
        "08:30",
        "09:00",
        "10:30",
        "11:00",
        "11:30",
    ]
    assert rules.free_slots(slots, []) == slots


@pytest.mark.parametrize(
    ("active", "limit", "expected"),
    [(0, 2, None), (1, 2, None), (2, 2, "booking_limit"), (5, 2, "booking_limit")],
)
def test_it_caps_upcoming_bookings(active, limit, expected):
    assert rules.booking_limit_error(active=active, limit=limit) == expected


def test_it_refuses_a_slot_at_or_past_the_horizon():
    now = datetime(2030, 3, 3, 12, 0, tzinfo=UTC)
    policy = rules.Policy(horizon=timedelta(days=31))
    windows = [rules.Window(d, time(0), time(23, 30)) for d in range(7)]
    zone = ZoneInfo("UTC")

    def error(start):
        return rules.slot_error(start, windows=windows, policy=policy, tz=zone, now=now)

    assert error(now + timedelta(days=31) - timedelta(minutes=30)) is None
    assert error(now + timedelta(days=31)) == "slot_beyond_horizon"
    no_limit = rules.Policy()
    far = now + timedelta(days=400)
    assert (
        rules.slot_error(far, windows=windows, policy=no_limit, tz=zone, now=now)
        is None
    )


def test_it_holds_a_proposed_slot_until_its_start_at_most():
    now = datetime(2030, 3, 3, 12, 0, tzinfo=UTC)
    hold = timedelta(hours=2)
    soon, later = now + timedelta(hours=1), now + timedelta(days=1)
    assert rules.proposal_hold_until(start=soon, now=now, hold=hold) == soon
    assert rules.proposal_hold_until(start=later, now=now, hold=hold) == now + hold
