"""Small-number suppression: primary ("<5") at every level and complementary ("≥5")
so that no hidden count comes back by subtraction, on every public surface."""

from __future__ import annotations

import csv
import io
import re

import pytest

from core.areas.rules import (
    NATIONAL,
    SUPPRESSED,
    SUPPRESSED_COMPLEMENT,
    redact_explanation,
    suppression_cells,
)

H = "households_confirmed_7d"


def _day(**counts: int) -> dict:
    return {code.replace("_", "."): {H: n} for code, n in counts.items()}


def _hidden(values: dict) -> dict:
    return {c: m for (c, _), m in suppression_cells(values, figures=[H]).items()}


def test_it_hides_a_parent_under_five_too():
    day = {"33.74.06": {H: 4}, "33.74.06.1001": {H: 4}, "33.74": {H: 4}}
    assert _hidden(day) == dict.fromkeys(day, SUPPRESSED)


def test_it_hides_a_second_child_when_one_alone_would_be_subtracted():
    day = {"33.74.06": {H: 12}, "33.74.06.1001": {H: 4}, "33.74.06.1002": {H: 8}}
    assert _hidden(day) == {
        "33.74.06.1001": SUPPRESSED,
        "33.74.06.1002": SUPPRESSED_COMPLEMENT,
    }


def test_it_picks_a_complement_large_enough_to_leave_one_to_four_open():
    # 4 + 5 = 9: knowing the "≥5" is at least 5, the "<5" can still be 1-4.
    day = {
        "33.74.06": {H: 29},
        "33.74.06.1001": {H: 1},
        "33.74.06.1002": {H: 5},
        "33.74.06.1003": {H: 9},
        "33.74.06.1004": {H: 14},
    }
    assert _hidden(day) == {
        "33.74.06.1001": SUPPRESSED,
        "33.74.06.1003": SUPPRESSED_COMPLEMENT,
    }


def test_two_small_children_that_would_pin_each_other_get_a_complement():
    # Two "<5" summing to 2 could only be 1 and 1.
    day = {
        "33.74.06": {H: 12},
        "33.74.06.1001": {H: 1},
        "33.74.06.1002": {H: 1},
        "33.74.06.1003": {H: 10},
    }
    assert _hidden(day)["33.74.06.1003"] == SUPPRESSED_COMPLEMENT


def test_a_hidden_parent_hides_one_of_its_children():
    # Pedurungan's 4 hidden in Semarang's total puts Tembalang's 9 beside it; then
    # Tembalang = the sum of its kelurahan, so one of them is hidden too.
    day = {
        NATIONAL: {H: 13},
        "33": {H: 13},
        "33.74": {H: 13},
        "33.74.06": {H: 4},
        "33.74.06.1001": {H: 4},
        "33.74.10": {H: 9},
        "33.74.10.1001": {H: 9},
    }
    hidden = _hidden(day)
    assert hidden["33.74.10"] == SUPPRESSED_COMPLEMENT
    assert hidden["33.74.10.1001"] == SUPPRESSED_COMPLEMENT
    assert NATIONAL not in hidden and "33.74" not in hidden


def test_zeros_are_never_hidden():
    day = {"33.74.06": {H: 5}, "33.74.06.1001": {H: 0}, "33.74.06.1002": {H: 5}}
    assert _hidden(day) == {}


def test_a_small_part_of_a_row_identity_hides_its_total():
    figures = ["active_confirmed", "suspect", "probable", "isolating"]
    day = {
        "33.74.06": {
            "active_confirmed": 9,
            "suspect": 3,
            "probable": 0,
            "isolating": 12,
        }
    }
    cells = suppression_cells(day, figures=figures)
    assert cells == {
        ("33.74.06", "suspect"): SUPPRESSED,
        ("33.74.06", "isolating"): SUPPRESSED_COMPLEMENT,
    }


@pytest.mark.parametrize(
    ("stored", "marker", "shown"),
    [
        (
            "oranye: 4 rumah dengan kasus konfirmasi dalam 7 hari terakhir (3–5); aturan X (v1)",
            SUPPRESSED,
            "oranye: kurang dari 5 rumah dengan kasus konfirmasi dalam 7 hari terakhir (3–5); aturan X (v1)",
        ),
        (
            "oranye: zona terberat dari 14 kelurahan/desa (1 oranye, 13 hijau); 4 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
            SUPPRESSED,
            "oranye: zona terberat dari 14 kelurahan/desa (1 oranye, 13 hijau); kurang dari 5 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
        ),
        # A count hidden as "≥5" is said as the range its zone's band allows: not
        # "5 atau lebih … (lebih dari 5)", which read as a contradiction.
        (
            "merah: 9 rumah dengan kasus konfirmasi dalam 7 hari terakhir (lebih dari 5); aturan X (v1)",
            SUPPRESSED_COMPLEMENT,
            "merah: lebih dari 5 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
        ),
        (
            "oranye: 7 rumah dengan kasus konfirmasi dalam 7 hari terakhir (6–10); aturan X (v0)",
            SUPPRESSED_COMPLEMENT,
            "oranye: 6–10 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v0)",
        ),
        # Never one number: 5 in a 3–5 band is said as the band.
        (
            "oranye: 5 rumah dengan kasus konfirmasi dalam 7 hari terakhir (3–5); aturan X (v1)",
            SUPPRESSED_COMPLEMENT,
            "oranye: 3–5 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
        ),
        (
            "merah: zona terberat dari 14 kelurahan/desa (1 merah, 13 hijau); 9 rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
            SUPPRESSED_COMPLEMENT,
            "merah: zona terberat dari 14 kelurahan/desa (1 merah, 13 hijau); 5 atau lebih rumah dengan kasus konfirmasi dalam 7 hari terakhir; aturan X (v1)",
        ),
    ],
)
def test_it_redacts_the_count_from_an_explanation(stored, marker, shown):
    households = int(re.search(r"[:;] (\d+) rumah", stored).group(1))
    out = redact_explanation({"id": stored}, households=households, marker=marker)
    assert out == {"id": shown}


def test_it_redacts_english_explanations():
    out = redact_explanation(
        {
            "en": "yellow: 1 household with a confirmed case in the last 7 days (1–2); rule X (v1)"
        },
        households=1,
        marker=SUPPRESSED,
    )
    assert out["en"].startswith("yellow: fewer than 5 households with confirmed cases")


def test_a_hidden_count_and_its_zone_band_agree_in_both_languages():
    from core.areas.rules import BUILTIN_RULES, explain_zone, zone_for

    thresholds = BUILTIN_RULES["v1"].thresholds
    for households in (6, 7, 12):
        stored = explain_zone(
            zone=zone_for(households, thresholds),
            households=households,
            thresholds=thresholds,
            rule_name="Inmendagri 7/2021",
            version="v1",
        )
        out = redact_explanation(
            stored, households=households, marker=SUPPRESSED_COMPLEMENT
        )
        assert out == {
            "id": "merah: lebih dari 5 rumah dengan kasus konfirmasi dalam 7 hari "
            "terakhir; aturan Inmendagri 7/2021 (v1)",
            "en": "red: more than 5 households with confirmed cases in the last 7 "
            "days; rule Inmendagri 7/2021 (v1)",
        }


# --- Every public surface of the demo ------------------------------------------------------


def _csv(response) -> list[dict]:
    return list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))
        )
    )


def _true_small(date: str) -> dict[str, int]:
    """code -> households, for every area with 1-4 that day (the secret to keep)."""
    from core.areas.models import AreaDailyFigure

    return dict(
        AreaDailyFigure.objects.filter(
            date=date, households_confirmed_7d__gt=0, households_confirmed_7d__lt=5
        ).values_list("region_id", "households_confirmed_7d")
    )


def _states(client, date: str) -> list[tuple[str, object, str]]:
    """(code, households as published, explanation) from the zones download."""
    rows = _csv(client.get(f"/data/zones.csv?area=33.74&from={date}&to={date}"))
    return [
        (
            r["code"],
            "hidden" if r[f"{H}_suppressed"] == "True" else int(r[H]),
            r["explanation_id"] + " " + r["explanation_en"],
        )
        for r in rows
    ]


@pytest.fixture
def demo_day(demo_areas):
    from core.areas.models import AreaDailyFigure

    return str(
        AreaDailyFigure.objects.filter(
            region_id="33.74.06.1001", households_confirmed_7d=4
        )
        .values_list("date", flat=True)
        .first()
    )


def test_no_hidden_count_appears_in_any_public_output(client, demo_day):
    secret = _true_small(demo_day)
    assert "33.74.06.1001" in secret and "33.74.06" in secret  # Penggaron, Pedurungan
    outputs = {}
    for code in secret:
        outputs[f"card {code}"] = client.get(
            f"/peta/data/area/{code}.json?date={demo_day}"
        ).json()
        outputs[f"api {code}"] = client.get(f"/api/v1/areas/{code}").json()
    for level in (1, 2, 3, 4):
        outputs[f"zones {level}"] = client.get(
            f"/peta/data/zones.json?level={level}&date={demo_day}"
        ).json()
    outputs["geojson"] = client.get("/api/v1/areas/33.74/geojson").json()
    outputs["children"] = client.get("/api/v1/areas/33.74.06/children").json()
    for fmt in ("csv", "json"):
        for slug in ("zones", "figures"):
            response = client.get(
                f"/data/{slug}.{fmt}?area=33.74&from={demo_day}&to={demo_day}"
            )
            outputs[f"{slug}.{fmt}"] = b"".join(response.streaming_content).decode()
    for name, out in outputs.items():
        text = str(out)
        for n in set(secret.values()):
            assert not re.search(rf"(?<![\d.]){n} (rumah|household)", text), (name, n)
    card = outputs["card 33.74.06.1001"]
    assert card["zone"]["households_confirmed_7d"] == SUPPRESSED
    assert "kurang dari 5 rumah" in card["zone"]["explanation"]
    assert outputs["zones 3"]["zones"]["33.74.06"][1] == SUPPRESSED


def test_no_hidden_count_comes_back_by_subtraction(client, demo_areas):
    """For every published parent, its children's hidden cells are never exactly
    one, and a "<5" keeps its whole range 1-4 given the published figures; on every
    demo day with a small count."""
    from core.areas.models import AreaDailyFigure

    days = sorted(
        {
            str(d)
            for d in AreaDailyFigure.objects.filter(
                households_confirmed_7d__gt=0, households_confirmed_7d__lt=5
            ).values_list("date", flat=True)
        }
    )
    checked = 0
    for day in days:
        published = {code: shown for code, shown, _ in _states(client, day)}
        values = dict(
            AreaDailyFigure.objects.filter(date=day).values_list("region_id", H)
        )
        for parent in (c for c in published if c.count(".") in (1, 2)):
            if published[parent] == "hidden":
                continue
            kids = [c for c in published if c.rsplit(".", 1)[0] == parent]
            hidden = [c for c in kids if published[c] == "hidden"]
            if not hidden:
                continue
            checked += 1
            assert len(hidden) >= 2, (day, parent)
            rest = published[parent] - sum(
                published[c] for c in kids if c not in hidden
            )
            assert rest == sum(values[c] for c in hidden)
            for c in hidden:
                if values[c] < 5:
                    low = sum(1 if values[o] < 5 else 5 for o in hidden if o != c)
                    assert rest - low >= 4, (day, parent, c)  # 4 stays possible
    assert checked  # the demo has such groups
