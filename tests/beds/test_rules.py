from __future__ import annotations

import datetime as dt

import pytest

from core.beds import rules

NOW = dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("age", "stale"),
    [
        (dt.timedelta(0), False),
        (dt.timedelta(hours=23, minutes=59), False),
        (dt.timedelta(hours=24), False),
        (dt.timedelta(hours=24, seconds=1), True),
        (dt.timedelta(days=3), True),
    ],
)
def test_it_marks_reports_over_24_hours_stale(age, stale):
    assert rules.is_stale(NOW - age, NOW) is stale


def test_it_marks_a_hospital_without_report_stale():
    assert rules.is_stale(None, NOW) is True


@pytest.mark.parametrize(
    ("beds", "field"),
    [
        ({}, "beds"),
        ({"icu": {"total": 2, "free": 3}}, "beds.icu"),
        ({"icu": {"total": -1, "free": 0}}, "beds.icu"),
        ({"icu": {"total": "2", "free": 0}}, "beds.icu"),
        ({"icu": {"total": True, "free": 0}}, "beds.icu"),
        ({"ward": {"total": 2, "free": 0}}, "beds.ward"),
        ({"icu": {"total": 2, "free": 0, "x": 1}}, "beds.icu"),
    ],
)
def test_it_refuses_bad_counts(beds, field):
    clean, errors = rules.beds_validate(beds)
    assert field in errors


def test_it_accepts_good_counts():
    clean, errors = rules.beds_validate({"igd": {"total": 10, "free": 0}})
    assert errors == {} and clean == {"igd": {"total": 10, "free": 0}}


@pytest.mark.parametrize(
    ("spo2", "signs", "first"),
    [
        (93, [], "isolation_negative"),
        (89, [], "icu_ventilator"),
        (None, ["bluish_lips"], "icu_ventilator"),
        (None, ["chest_pain"], "isolation_negative"),
    ],
)
def test_it_picks_the_bed_kinds_a_patient_needs(spo2, signs, first):
    kinds = rules.needed_bed_kinds(spo2=spo2, danger_signs=signs)
    assert kinds[0] == first and "igd" in kinds


def test_it_ranks_free_fresh_beds_before_distance():
    near_full = rules.referral_rank_key(free=0, stale=False, distance=1.0, name="A")
    far_free = rules.referral_rank_key(free=1, stale=False, distance=50.0, name="B")
    stale_free = rules.referral_rank_key(free=9, stale=True, distance=2.0, name="C")
    assert sorted([near_full, stale_free, far_free]) == [
        far_free,
        stale_free,
        near_full,
    ]


def test_it_computes_occupancy():
    assert rules.occupancy(10, 2) == 0.8
    assert rules.occupancy(0, 0) is None


def test_it_measures_straight_line_distance():
    # Semarang (Kariadi) to Jakarta (Monas): about 405 km (straight line).
    assert 395 < rules.distance_km(-6.9936, 110.4069, -6.1754, 106.8272) < 415


AT1 = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
AT2 = AT1 + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("current", "counts", "at", "report_id", "expected"),
    [
        # A report of one kind leaves the others.
        (
            {"icu": {"total": 5, "free": 1, "reported_at": AT1.isoformat()}},
            {"igd": {"total": 3, "free": 3}},
            AT2,
            2,
            {"icu": (5, 1, AT1), "igd": (3, 3, AT2)},
        ),
        # A newer figure replaces the kind.
        (
            {"icu": {"total": 5, "free": 1, "reported_at": AT1.isoformat()}},
            {"icu": {"total": 5, "free": 4}},
            AT2,
            2,
            {"icu": (5, 4, AT2)},
        ),
        # An older one does not.
        (
            {"icu": {"total": 5, "free": 1, "reported_at": AT2.isoformat()}},
            {"icu": {"total": 5, "free": 4}},
            AT1,
            2,
            {"icu": (5, 1, AT2)},
        ),
        # Same moment: the later report wins.
        (
            {
                "icu": {
                    "total": 5,
                    "free": 1,
                    "reported_at": AT1.isoformat(),
                    "report_id": 1,
                }
            },
            {"icu": {"total": 5, "free": 4}},
            AT1,
            2,
            {"icu": (5, 4, AT1)},
        ),
    ],
)
def test_it_merges_a_report_into_the_picture_kind_by_kind(
    current, counts, at, report_id, expected
):
    merged = rules.beds_merge(current, counts, reported_at=at, report_id=report_id)
    assert {
        k: (v["total"], v["free"], rules.kind_reported_at(v)) for k, v in merged.items()
    } == expected


def test_it_counts_free_needed_beds_fresh_per_kind():
    now = AT2
    beds = {
        "icu": {"free": 2, "reported_at": (now - dt.timedelta(hours=1)).isoformat()},
        "igd": {"free": 5, "reported_at": (now - dt.timedelta(hours=30)).isoformat()},
        "isolation": {"free": 9, "reported_at": now.isoformat()},
    }
    assert rules.free_needed(beds, ("icu", "igd", "hcu"), now) == (7, 2)
