from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from isolation import rules
from isolation.rules import EVENING, MORNING, Slot

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
D = dt.date


def at(day: int, hour: int, minute: int = 0, tz: ZoneInfo = WIB) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize(
    ("test_date", "start", "symptoms", "extended", "expected"),
    [
        (D(2024, 3, 1), D(2024, 3, 1), [], None, D(2024, 3, 11)),
        (D(2024, 3, 1), D(2024, 3, 2), [D(2024, 3, 5)], None, D(2024, 3, 11)),
        (D(2024, 3, 1), D(2024, 3, 2), [D(2024, 3, 9)], None, D(2024, 3, 12)),
        (
            D(2024, 3, 1),
            D(2024, 3, 2),
            [D(2024, 3, 9), D(2024, 3, 3)],
            None,
            D(2024, 3, 12),
        ),
        (None, D(2024, 3, 4), [], None, D(2024, 3, 14)),
        (D(2024, 3, 1), D(2024, 3, 1), [None], None, D(2024, 3, 11)),
        (D(2024, 3, 1), D(2024, 3, 1), [], D(2024, 3, 20), D(2024, 3, 20)),
        (
            D(2024, 3, 1),
            D(2024, 3, 1),
            [D(2024, 3, 19)],
            D(2024, 3, 20),
            D(2024, 3, 22),
        ),
    ],
)
def test_it_computes_estimated_end(test_date, start, symptoms, extended, expected):
    got = rules.estimated_end(
        test_date=test_date,
        start_date=start,
        symptom_days=symptoms,
        extended_until=extended,
    )
    assert got == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 3, 1), (1, 10)),
        (D(2024, 3, 5), (5, 10)),
        (D(2024, 3, 10), (10, 10)),
        (D(2024, 3, 14), (10, 10)),
        (D(2024, 2, 27), (1, 10)),
    ],
)
def test_it_counts_day_n_of_m(today, expected):
    got = rules.day_of(start_date=D(2024, 3, 1), end_date=D(2024, 3, 11), today=today)
    assert got == expected


@pytest.mark.parametrize(
    ("today", "due"),
    [(D(2024, 3, 10), False), (D(2024, 3, 11), True), (D(2024, 3, 12), True)],
)
def test_it_says_when_release_is_due(today, due):
    assert rules.release_due(end_date=D(2024, 3, 11), today=today) is due


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        (at(5, 0, 0), WIB, Slot(D(2024, 3, 5), MORNING)),
        (at(5, 13, 59), WIB, Slot(D(2024, 3, 5), MORNING)),
        (at(5, 14, 0), WIB, Slot(D(2024, 3, 5), EVENING)),
        (at(5, 23, 59), WIB, Slot(D(2024, 3, 5), EVENING)),
        # 23:30 UTC on the 4th is 06:30 on the 5th in WIB, 08:30 in WIT.
        (
            dt.datetime(2024, 3, 4, 23, 30, tzinfo=dt.UTC),
            WIB,
            Slot(D(2024, 3, 5), MORNING),
        ),
        (
            dt.datetime(2024, 3, 4, 23, 30, tzinfo=dt.UTC),
            WIT,
            Slot(D(2024, 3, 5), MORNING),
        ),
        # 06:30 UTC: 13:30 WIB (morning), 14:30 WITA (evening).
        (
            dt.datetime(2024, 3, 5, 6, 30, tzinfo=dt.UTC),
            WIB,
            Slot(D(2024, 3, 5), MORNING),
        ),
        (
            dt.datetime(2024, 3, 5, 6, 30, tzinfo=dt.UTC),
            WITA,
            Slot(D(2024, 3, 5), EVENING),
        ),
    ],
)
def test_it_assigns_the_slot_in_the_patients_zone(moment, tz, expected):
    assert rules.slot_for(moment, tz) == expected


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        rules.slot_for(dt.datetime(2024, 3, 5, 8), WIB)


def test_it_rejects_unknown_slots():
    with pytest.raises(ValueError):
        Slot(D(2024, 3, 5), "noon")


@pytest.mark.parametrize(
    ("slot", "nxt", "prev"),
    [
        (
            Slot(D(2024, 3, 5), MORNING),
            Slot(D(2024, 3, 5), EVENING),
            Slot(D(2024, 3, 4), EVENING),
        ),
        (
            Slot(D(2024, 3, 31), EVENING),
            Slot(D(2024, 4, 1), MORNING),
            Slot(D(2024, 3, 31), MORNING),
        ),
    ],
)
def test_it_steps_between_slots(slot, nxt, prev):
    assert slot.next() == nxt
    assert slot.previous() == prev
    assert prev < slot < nxt


def test_it_places_slot_windows_in_local_time():
    evening = Slot(D(2024, 3, 5), EVENING)
    assert evening.opens_at(WIT) == at(5, 14, tz=WIT)
    assert evening.expected_by(WIT) == at(5, 20, tz=WIT)
    assert evening.closes_at(WIT) == at(6, 0, tz=WIT)
    assert Slot(D(2024, 3, 5), MORNING).closes_at(WIB) == at(5, 14)


@pytest.mark.parametrize(
    ("started", "first"),
    [
        (at(5, 8), Slot(D(2024, 3, 5), MORNING)),
        (at(5, 12), Slot(D(2024, 3, 5), MORNING)),
        (at(5, 12, 1), Slot(D(2024, 3, 5), EVENING)),
        (at(5, 20, 30), Slot(D(2024, 3, 6), MORNING)),
    ],
)
def test_it_does_not_blame_a_patient_for_a_slot_before_enrolment(started, first):
    assert rules.first_due_slot(started_at=started, tz=WIB) == first


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(5, 13, 59), []),
        (at(5, 14), [Slot(D(2024, 3, 5), MORNING)]),
        (at(6, 0), [Slot(D(2024, 3, 5), MORNING), Slot(D(2024, 3, 5), EVENING)]),
        (
            at(6, 15),
            [
                Slot(D(2024, 3, 5), MORNING),
                Slot(D(2024, 3, 5), EVENING),
                Slot(D(2024, 3, 6), MORNING),
            ],
        ),
    ],
)
def test_it_lists_closed_due_slots(now, expected):
    assert rules.closed_due_slots(started_at=at(5, 8), now=now, tz=WIB) == expected


def test_it_stops_counting_slots_when_monitoring_ended():
    got = rules.closed_due_slots(
        started_at=at(5, 8), now=at(8, 15), tz=WIB, until=at(6, 12)
    )
    assert got == [
        Slot(D(2024, 3, 5), MORNING),
        Slot(D(2024, 3, 5), EVENING),
        Slot(D(2024, 3, 6), MORNING),
    ]


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (at(6, 15), WIB, [Slot(D(2024, 3, 5), EVENING), Slot(D(2024, 3, 6), MORNING)]),
        (at(6, 9), WIB, [Slot(D(2024, 3, 5), MORNING), Slot(D(2024, 3, 5), EVENING)]),
        (
            at(6, 0, 0),
            WIB,
            [Slot(D(2024, 3, 5), MORNING), Slot(D(2024, 3, 5), EVENING)],
        ),
        (
            at(6, 9, tz=WIT),
            WIT,
            [Slot(D(2024, 3, 5), MORNING), Slot(D(2024, 3, 5), EVENING)],
        ),
    ],
)
def test_it_finds_the_last_two_closed_slots(now, tz, expected):
    assert rules.last_closed_slots(now, tz) == expected


S = [
    Slot(D(2024, 3, 5), MORNING),
    Slot(D(2024, 3, 5), EVENING),
    Slot(D(2024, 3, 6), MORNING),
]


@pytest.mark.parametrize(
    ("due", "checked", "missed", "alert"),
    [
        ([], [], [], None),
        (S[:1], [], S[:1], None),
        (S[:2], [], S[:2], S[1]),
        (S, [S[0]], S[1:], S[2]),
        (S, [S[1]], [S[0], S[2]], None),
        (S, [S[2]], S[:2], None),
        (S, S, [], None),
    ],
)
def test_it_detects_two_missed_slots_in_a_row(due, checked, missed, alert):
    assert rules.missed_slots(due, checked) == missed
    assert rules.two_missed_in_a_row(due, checked) == alert


@pytest.mark.parametrize(
    ("moment", "tz", "allowed"),
    [
        (at(5, 5, 59), WIB, False),
        (at(5, 6, 0), WIB, True),
        (at(5, 12, 0), WIB, True),
        (at(5, 20, 59), WIB, True),
        (at(5, 21, 0), WIB, False),
        (at(5, 23, 30), WIB, False),
        (at(5, 2, 0), WIB, False),
        # 20:30 WIB is 22:30 WIT: fine for a Semarang patient, quiet hours in Jayapura.
        (at(5, 20, 30), WIT, False),
        (at(5, 20, 30).astimezone(WIT), WIB, True),
    ],
)
def test_it_never_reminds_between_21_and_06_local(moment, tz, allowed):
    assert rules.reminder_allowed(moment, tz) is allowed


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (at(5, 11, 59), WIB, None),
        (at(5, 12, 0), WIB, Slot(D(2024, 3, 5), MORNING)),
        (at(5, 13, 59), WIB, Slot(D(2024, 3, 5), MORNING)),
        (at(5, 14, 0), WIB, None),
        (at(5, 20, 15), WIB, Slot(D(2024, 3, 5), EVENING)),
        (at(5, 21, 15), WIB, None),
        (dt.datetime(2024, 3, 5, 12, 15, tzinfo=dt.UTC), WIB, None),  # 19:15 WIB
        (
            dt.datetime(2024, 3, 5, 12, 15, tzinfo=dt.UTC),
            WITA,
            Slot(D(2024, 3, 5), EVENING),
        ),
        (dt.datetime(2024, 3, 5, 12, 15, tzinfo=dt.UTC), WIT, None),  # 21:15 WIT
    ],
)
def test_it_picks_the_slot_to_remind(now, tz, expected):
    assert rules.slot_to_remind(now, tz) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, []),
        ({"spo2": 95, "breathing_rate": 24}, []),
        ({"spo2": 94}, ["spo2_low"]),
        ({"spo2": 92, "breathing_rate": 30}, ["spo2_low", "breathing_rate_high"]),
        ({"breathing_rate": 25}, ["breathing_rate_high"]),
        ({"danger_signs": ["confusion", "chest_pain"]}, ["chest_pain", "confusion"]),
        ({"spo2": 98, "danger_signs": ["bluish_lips"]}, ["bluish_lips"]),
    ],
)
def test_it_detects_danger(kwargs, expected):
    assert rules.danger_reasons(**kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"danger": False}, False),
        ({"danger": True}, True),
        ({"danger": False, "temperature": Decimal("37.9")}, False),
        ({"danger": False, "temperature": Decimal("38.0")}, True),
        ({"danger": False, "temperature": 36.5, "symptoms": ["cough"]}, True),
    ],
)
def test_it_tells_unwell_from_ok(kwargs, expected):
    assert rules.is_unwell(**kwargs) is expected


@pytest.mark.parametrize(
    ("now", "unwell", "expected"),
    [
        (at(5, 10), [], rules.NOT_DUE),
        (at(5, 14), [], rules.MISSED),
        (at(5, 10), [False], rules.SEEN_OK),
        (at(5, 22), [False, True], rules.SEEN_NOT_OK),
        (at(6, 1), [False, False], rules.SEEN_OK),
    ],
)
def test_it_gives_the_daily_follow_up_status(now, unwell, expected):
    got = rules.daily_status(
        day=D(2024, 3, 5),
        now=now,
        tz=WIB,
        started_at=at(5, 8),
        checkins_unwell=unwell,
    )
    assert got == expected


def test_it_is_not_due_on_the_enrolment_day_when_enrolled_late():
    got = rules.daily_status(
        day=D(2024, 3, 5),
        now=at(6, 1),
        tz=WIB,
        started_at=at(5, 20, 30),
        checkins_unwell=[],
    )
    assert got == rules.NOT_DUE


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(5, 13, 59), None),
        (at(5, 14), at(5, 12)),
        (at(5, 23, 59), at(5, 12)),
        (at(6, 0), at(5, 20)),
        (at(7, 9), at(5, 20)),
        (at(5, 15, tz=WIT), None),  # 13:00 WIB: the WIB morning is still open
    ],
)
def test_it_gives_the_latest_start_a_missed_day_allows(now, expected):
    got = rules.missed_if_started_by(day=D(2024, 3, 5), now=now, tz=WIB)
    assert got == expected


@pytest.mark.parametrize("tz", [WIB, WITA, WIT])
def test_the_missed_bound_says_what_daily_status_says(tz):
    day = D(2024, 3, 5)
    moments = [
        dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(minutes=m)
        for m in range(-24 * 60, 2 * 24 * 60, 30)
    ]
    moments += [m + dt.timedelta(microseconds=1) for m in moments]
    for now in moments[::3]:
        bound = rules.missed_if_started_by(day=day, now=now, tz=tz)
        for started_at in moments:
            missed = rules.daily_status(
                day=day, now=now, tz=tz, started_at=started_at, checkins_unwell=[]
            )
            assert (missed == rules.MISSED) == (
                bound is not None and started_at <= bound
            ), (now, started_at)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], rules.FLAT),
        ([97], rules.FLAT),
        ([97, 95], rules.DOWN),
        ([95, None, 97], rules.UP),
        ([96, 96], rules.FLAT),
        ([Decimal("37.0"), Decimal("37.1")], rules.UP),
    ],
)
def test_it_computes_a_trend(values, expected):
    assert rules.trend(values) == expected


def _key(**overrides):
    base = {
        "open_danger": 0,
        "open_missed": 0,
        "release_due": False,
        "today_status": rules.SEEN_OK,
        "last_spo2": 98,
    }
    base.update(overrides)
    return rules.urgency_key(**base)


def test_it_sorts_patients_by_urgency():
    patients = {
        "ok": _key(),
        "danger": _key(open_danger=1, today_status=rules.SEEN_NOT_OK, last_spo2=92),
        "missed_alert": _key(open_missed=1, today_status=rules.MISSED),
        "not_ok": _key(today_status=rules.SEEN_NOT_OK, last_spo2=96),
        "missed_today": _key(today_status=rules.MISSED),
        "not_due": _key(today_status=rules.NOT_DUE, last_spo2=None),
        "ok_low_spo2": _key(last_spo2=95),
        "release": _key(release_due=True),
    }
    order = sorted(patients, key=patients.__getitem__)
    assert order == [
        "danger",
        "missed_alert",
        "not_ok",
        "missed_today",
        "not_due",
        "ok_low_spo2",
        "release",
        "ok",
    ]


def test_it_puts_the_oldest_open_alert_first():
    older = _key(open_danger=1, oldest_open_alert=at(5, 8))
    newer = _key(open_danger=1, oldest_open_alert=at(5, 9))
    assert older < newer


# --- what a check-in reports ------------------------------------------------------

NOTHING = {
    "temperature": None,
    "spo2": None,
    "breathing_rate": None,
    "symptoms": None,
    "danger_signs": [],
    "note": "",
}


@pytest.mark.parametrize(
    ("change", "says_something"),
    [
        ({}, False),
        ({"note": "  "}, False),
        ({"danger_signs": []}, False),
        ({"symptoms": []}, True),  # the answer "no symptoms"
        ({"symptoms": ["cough"]}, True),
        ({"temperature": Decimal("36.5")}, True),
        ({"spo2": 97}, True),
        ({"breathing_rate": 18}, True),
        ({"danger_signs": ["confusion"]}, True),
        ({"note": "pusing"}, True),
    ],
)
def test_a_report_must_say_something(change, says_something):
    assert rules.report_says_something(**{**NOTHING, **change}) is says_something


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"temperature": "37.20"}, {"temperature": Decimal("37.2")}, True),
        ({"temperature": 37.2}, {"temperature": "37.2"}, True),
        ({"temperature": "37.2"}, {"temperature": "37.3"}, False),
        ({"symptoms": ["fever", "cough"]}, {"symptoms": ["cough", "fever"]}, True),
        ({"symptoms": []}, {"symptoms": None}, False),  # "none" is not "no answer"
        ({"symptoms": ["cough"]}, {"symptoms": []}, False),
        ({"note": "batuk "}, {"note": "batuk"}, True),
        ({"spo2": 97}, {"spo2": 91}, False),
        ({"danger_signs": ["chest_pain"]}, {}, False),
    ],
)
def test_reports_compare_as_stored(a, b, same):
    assert (
        rules.report_values(**{**NOTHING, **a})
        == rules.report_values(**{**NOTHING, **b})
    ) is same


T = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
SKEW = dt.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("sent", "stored", "received_at", "same"),
    [
        (None, T, T, True),  # stamped on arrival: says nothing
        (T, T, T + dt.timedelta(hours=2), True),
        (T.astimezone(WIB), T, T, True),
        (T + dt.timedelta(minutes=1), T, T + dt.timedelta(hours=2), False),
        # A little ahead of the server's clock: stored as the arrival time.
        (T + dt.timedelta(minutes=3), T, T + dt.timedelta(milliseconds=4), True),
        (T + dt.timedelta(minutes=6), T, T + dt.timedelta(milliseconds=4), False),
        (T - dt.timedelta(minutes=1), T, T, False),
    ],
)
def test_a_retry_says_the_same_measurement_time(sent, stored, received_at, same):
    assert (
        rules.same_measurement_time(
            sent, stored=stored, received_at=received_at, skew=SKEW
        )
        is same
    )


@pytest.mark.parametrize("symptoms", [None, []])
def test_no_answer_about_symptoms_is_not_unwell(symptoms):
    assert rules.is_unwell(danger=False, symptoms=symptoms) is False


@pytest.mark.parametrize(
    ("slot", "received", "late"),
    [
        (rules.Slot(D(2024, 3, 5), rules.MORNING), at(5, 20), False),
        (rules.Slot(D(2024, 3, 5), rules.MORNING), at(5, 20, 1), True),
        (rules.Slot(D(2024, 3, 5), rules.EVENING), at(6, 6), False),
        (rules.Slot(D(2024, 3, 5), rules.EVENING), at(6, 6, 1), True),
    ],
)
def test_a_report_is_late_six_hours_after_its_slot_closed(slot, received, late):
    grace = dt.timedelta(hours=6)
    assert rules.received_late(slot, received_at=received, tz=WIB, grace=grace) is late
