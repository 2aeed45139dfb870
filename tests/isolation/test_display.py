"""One formatter for the times and numbers the board shows (pages and live events)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from isolation import display

AT = dt.datetime(2026, 12, 2, 18, 23, 58, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "zone, expected",
    [
        ("Asia/Jakarta", "03 Des 01:23"),
        ("Asia/Makassar", "03 Des 02:23"),
        ("Asia/Jayapura", "03 Des 03:23"),
    ],
)
def test_it_writes_wall_time_in_the_patients_zone(zone, expected):
    assert display.wall_time(AT, zone) == expected


def test_it_writes_the_long_form_and_nothing_for_none():
    assert display.wall_time(AT, "Asia/Jakarta", display.LONG) == "03 Des 2026 01:23"
    assert display.wall_time(None, "Asia/Jakarta") == ""


@pytest.mark.parametrize(
    "value, expected",
    [(Decimal("38.8"), "38,8"), ("37.0", "37,0"), (36, "36"), (None, "–")],
)
def test_it_writes_decimals_with_a_comma(value, expected):
    assert display.decimal_label(value) == expected


def test_it_names_the_zone():
    assert display.zone_label("Asia/Makassar") == "WITA"


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("temperature", Decimal("38.8"), "suhu 38,8°C"),
        ("temperature", None, "suhu –"),
        ("spo2", 96, "SpO2 96%"),
        ("spo2", None, "SpO2 –"),
        ("breathing_rate", 20, "napas 20/mnt"),
        ("breathing_rate", None, "napas –"),
    ],
)
def test_it_writes_a_missing_vital_without_its_unit(name, value, expected):
    assert display.vital_label(name, value) == expected


def test_it_dates_a_vital_only_when_it_is_older_than_the_latest_report():
    earlier = AT - dt.timedelta(minutes=1)
    parts = display.last_vitals(
        {"temperature": (Decimal("37.4"), earlier), "spo2": (96, AT)},
        latest_at=AT,
        tz="Asia/Jakarta",
    )
    assert [(p["text"], p["earlier"]) for p in parts] == [
        ("suhu 37,4°C", True),
        ("SpO2 96%", False),
        ("napas –", False),
    ]
    assert parts[0]["measured_label"] == "03 Des 01:22"
