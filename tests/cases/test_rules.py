"""Pure case-integration rules: names, report validation, timelines, daily figures."""

from __future__ import annotations

import datetime as dt

import pytest

from core.cases import rules

D = dt.date(2021, 6, 10)
VILLAGES = {"33.74.10.1001", "33.74.10.1002"}
# A valid NIK: Kota Semarang / Tembalang, born 12-04-1991, male.
NIK = "3374101204910001"


def d(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hj. Siti Choirunnisa, S.Kom", "SITI KHOIRUNISA"),
        ("Moh. Soekarno", "Muhammad Sukarno"),
        ("M. Rizki", "Muhamad Rizki"),
        ("Djoko  Tjahjono", "joko cahyono"),
        ("Achmad", "Ahmad"),
        ("Dr. Budi Santoso", "budi santoso"),
    ],
)
def test_it_normalises_spellings_of_one_name_to_one_key(a, b):
    assert rules.normalise_person_name(a) == rules.normalise_person_name(b)


def test_it_keeps_different_names_apart():
    assert rules.normalise_person_name("Budi Santoso") != rules.normalise_person_name(
        "Budi Santosa"
    )
    assert rules.normalise_person_name("Joko") != rules.normalise_person_name("Yoko")


def test_it_hashes_matching_keys_without_the_nik_in_them():
    nik_key, name_key = rules.person_keys(
        nik=NIK,
        name_key="budi",
        birth_date=D,
        kelurahan_code="33.74.10.1001",
        secret=b"s",
    )
    assert nik_key.startswith("nik:") and NIK not in nik_key
    assert name_key.startswith("name:")
    other, _ = rules.person_keys(
        nik=NIK,
        name_key="budi",
        birth_date=D,
        kelurahan_code="33.74.10.1001",
        secret=b"t",
    )
    assert other != nik_key


def valid(**overrides) -> dict:
    base = {
        "record_id": "LAB-1",
        "full_name": "Budi Santoso",
        "birth_date": "1991-04-12",
        "sex": "M",
        "kelurahan_code": "33.74.10.1001",
        "status": "confirmed",
        "event_date": "2021-06-10",
        "test_type": "pcr",
        "test_result": "positive",
    }
    return {**base, **overrides}


def test_it_accepts_a_complete_report_and_normalises_it():
    report, errors = rules.validate_report(
        valid(
            sex="L",
            kelurahan_code="3374101001",
            status="Konfirmasi",
            event_date="10/06/2021",
        ),
        villages=VILLAGES,
        today=D,
    )
    assert errors == {}
    assert (report.sex, report.kelurahan_code, report.status, report.event_date) == (
        "M",
        "33.74.10.1001",
        "confirmed",
        D,
    )


def test_it_reads_sex_from_the_nik_when_missing():
    report, errors = rules.validate_report(
        valid(nik=NIK, sex="", full_name=""), villages=VILLAGES, today=D
    )
    assert errors == {} and report.sex == "M" and report.nik == NIK


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"record_id": ""}, "record_id"),
        ({"event_date": "2021-13-01"}, "event_date"),
        ({"event_date": "2030-01-01"}, "event_date"),
        ({"event_date": "2019-12-31"}, "event_date"),
        ({"kelurahan_code": "33.74.99.9999"}, "kelurahan_code"),
        ({"kelurahan_code": "33.74.10"}, "kelurahan_code"),
        ({"status": "sick"}, "status"),
        ({"sex": "X"}, "sex"),
        ({"nik": "123"}, "nik"),
        (
            {"nik": "3374105204910001"},
            "nik",
        ),  # encodes a woman born 12-04-91: sex mismatch
        ({"full_name": "", "nik": ""}, "full_name"),
        ({"birth_date": "", "nik": ""}, "birth_date"),
        ({"test_result": "negative"}, "test_result"),
        ({"test_type": "", "test_result": "positive"}, "test_type"),
        ({"specimen_type": "blood sample"}, "specimen_type"),
        ({"household_id": "x" * 65}, "household_id"),
        ({"full_name": ["not", "text"]}, "full_name"),
    ],
)
def test_it_rejects_a_bad_field_precisely(overrides, field):
    report, errors = rules.validate_report(
        valid(**overrides), villages=VILLAGES, today=D
    )
    assert report is None
    assert field in errors


def test_it_takes_the_server_date_as_possibly_yesterday_in_indonesia():
    # At 00:30 WIB the server's (UTC) date is still the day before.
    tomorrow = str(D + dt.timedelta(days=1))
    later = str(D + dt.timedelta(days=2))
    for field in ("event_date", "birth_date"):
        _, errors = rules.validate_report(
            valid(**{field: tomorrow, "event_date": tomorrow}),
            villages=VILLAGES,
            today=D,
        )
        assert errors == {}, field
        _, errors = rules.validate_report(
            valid(**{field: later}), villages=VILLAGES, today=D
        )
        assert field in errors


def test_it_takes_a_callable_for_known_villages():
    report, _ = rules.validate_report(
        valid(), villages=lambda code: code in VILLAGES, today=D
    )
    assert report is not None


def test_it_fingerprints_content_so_a_resend_is_recognised():
    a, _ = rules.validate_report(valid(), villages=VILLAGES, today=D)
    b, _ = rules.validate_report(valid(sex="L"), villages=VILLAGES, today=D)
    c, _ = rules.validate_report(valid(status="recovered"), villages=VILLAGES, today=D)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


@pytest.mark.parametrize(
    ("events", "transitions"),
    [
        # suspect, then confirmed, then recovered
        (
            [(d(0), "suspect"), (d(2), "confirmed"), (d(12), "recovered")],
            [(d(0), "suspect"), (d(2), "confirmed"), (d(12), "recovered")],
        ),
        # a late suspect report does not downgrade a confirmed case
        (
            [(d(0), "confirmed"), (d(3), "suspect")],
            [(d(0), "confirmed")],
        ),
        # the same confirmation from two sources counts once
        (
            [(d(0), "confirmed"), (d(1), "confirmed")],
            [(d(0), "confirmed")],
        ),
        # same-day confirmed + recovered ends recovered, in any input order
        (
            [(d(5), "recovered"), (d(5), "confirmed")],
            [(d(5), "confirmed"), (d(5), "recovered")],
        ),
        # death is final
        (
            [(d(0), "confirmed"), (d(4), "died"), (d(9), "recovered")],
            [(d(0), "confirmed"), (d(4), "died")],
        ),
        # a suspect with no news for 14 days is discarded
        (
            [(d(0), "suspect")],
            [(d(0), "suspect"), (d(14), "discarded")],
        ),
        (
            [(d(0), "suspect"), (d(20), "confirmed")],
            [(d(0), "suspect"), (d(14), "discarded"), (d(20), "confirmed")],
        ),
        # reinfection after recovery opens a new episode
        (
            [(d(0), "confirmed"), (d(10), "recovered"), (d(90), "confirmed")],
            [(d(0), "confirmed"), (d(10), "recovered"), (d(90), "confirmed")],
        ),
    ],
)
def test_it_builds_the_timeline_of_a_case(events, transitions):
    assert list(rules.case_timeline(events).transitions) == transitions


def test_it_derives_daily_figures_from_tracks():
    tracks = [
        # household A: two people confirmed on d(0) and d(3)
        rules.Track("A", ((d(0), "confirmed"), (d(10), "recovered"))),
        rules.Track("A", ((d(3), "confirmed"),)),
        rules.Track("B", ((d(1), "suspect"), (d(2), "confirmed"), (d(5), "died"))),
        rules.Track("C", ((d(4), "probable"),)),
    ]
    figures = rules.daily_figures(tracks, d(0), d(20))
    assert figures[d(0)]["new_confirmed"] == 1
    assert figures[d(1)]["suspect"] == 1 and figures[d(1)]["isolating"] == 2
    assert figures[d(2)]["households_confirmed_7d"] == 2  # A and B
    assert figures[d(3)]["households_confirmed_7d"] == 2  # A counted once
    assert figures[d(4)]["active_confirmed"] == 3 and figures[d(4)]["probable"] == 1
    assert figures[d(5)]["deaths"] == 1 and figures[d(5)]["active_confirmed"] == 2
    assert figures[d(9)]["households_confirmed_7d"] == 1  # A's window runs to d(9)
    assert figures[d(8)]["households_confirmed_7d"] == 2  # B's window ends d(8)
    assert (
        figures[d(10)]["recovered"] == 1
        and figures[d(10)]["households_confirmed_7d"] == 0
    )
    assert figures[d(20)]["probable"] == 1  # tracks are taken as given
    assert min(figures) == d(0)


def test_it_skips_days_with_nothing_to_count():
    tracks = [rules.Track("A", ((d(0), "confirmed"), (d(2), "recovered")))]
    figures = rules.daily_figures(tracks, d(0), d(30))
    assert sorted(figures) == [d(0), d(1), d(2), d(3), d(4), d(5), d(6)]
    assert figures[d(2)] == {
        **rules.zero_figures(),
        "recovered": 1,
        "households_confirmed_7d": 1,
    }


def test_it_counts_only_the_requested_window():
    tracks = [rules.Track("A", ((d(0), "confirmed"),))]
    figures = rules.daily_figures(tracks, d(5), d(6))
    assert (
        figures[d(5)]["active_confirmed"] == 1 and figures[d(5)]["new_confirmed"] == 0
    )
    assert figures[d(6)]["households_confirmed_7d"] == 1
