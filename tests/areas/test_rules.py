"""Pure zoning, roll-up and name rules (no database)."""

from __future__ import annotations

import pytest

from core.areas import rules
from core.areas.rules import V0, V1, Threshold


@pytest.mark.parametrize(
    ("households", "v0", "v1"),
    [
        (0, "hijau", "hijau"),
        (1, "kuning", "kuning"),
        (2, "kuning", "kuning"),
        (3, "kuning", "oranye"),
        (5, "kuning", "oranye"),
        (6, "oranye", "merah"),
        (10, "oranye", "merah"),
        (11, "merah", "merah"),
        (250, "merah", "merah"),
    ],
)
def test_it_zones_each_band_edge_per_rule_table(households, v0, v1):
    assert rules.zone_for(households, V0.thresholds) == v0
    assert rules.zone_for(households, V1.thresholds) == v1


def test_it_refuses_a_negative_count():
    with pytest.raises(ValueError):
        rules.zone_for(-1, V1.thresholds)


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [Threshold(0, "hijau"), Threshold(5, "kuning")],  # top band not open
        [Threshold(None, "hijau"), Threshold(5, "kuning")],  # open band first
        [
            Threshold(5, "hijau"),
            Threshold(2, "kuning"),
            Threshold(None, "merah"),
        ],  # not rising
        [Threshold(0, "merah"), Threshold(None, "hijau")],  # milder as counts grow
        [Threshold(0, "hijau"), Threshold(None, "ungu")],  # unknown zone
    ],
)
def test_it_rejects_broken_threshold_tables(bands):
    assert rules.thresholds_errors(bands)


def test_it_accepts_the_builtin_tables():
    assert rules.thresholds_errors(V0.thresholds) == []
    assert rules.thresholds_errors(V1.thresholds) == []


def test_it_explains_a_zone_with_its_figure_band_and_rule():
    text = rules.explain_zone(
        zone="merah",
        households=7,
        thresholds=V1.thresholds,
        rule_name=V1.name,
        version="v1",
    )
    assert text["id"] == (
        "merah: 7 rumah dengan kasus konfirmasi dalam 7 hari terakhir (lebih dari 5); "
        "aturan Inmendagri 7/2021 (v1)"
    )
    assert text["en"].startswith(
        "red: 7 households with confirmed cases in the last 7 days"
    )
    one = rules.explain_zone(
        zone="kuning",
        households=1,
        thresholds=V1.thresholds,
        rule_name=V1.name,
        version="v1",
    )
    assert "(1–2)" in one["id"] and "1 household with a confirmed case" in one["en"]


def test_it_rolls_up_to_the_most_severe_child_zone_counting_silent_children_as_hijau():
    result = rules.rollup(["kuning", "oranye", "kuning"], children_total=12)
    assert result.zone == "oranye"
    assert result.counts == {"hijau": 9, "kuning": 2, "oranye": 1, "merah": 0}
    assert result.children == 12
    assert rules.rollup([], children_total=5).zone == "hijau"
    text = rules.explain_rollup(
        result=result,
        households=4,
        parent_level=3,
        rule_name="Inmendagri 7/2021",
        version="v1",
    )
    assert text["id"].startswith(
        "oranye: zona terberat dari 12 kelurahan/desa (1 oranye, 2 kuning, 9 hijau)"
    )
    assert "most severe zone of 12 villages" in text["en"]
    assert "4 households with confirmed cases" in text["en"]


def test_it_speaks_of_one_household_and_one_child_in_the_singular():
    text = rules.explain_rollup(
        result=rules.rollup(["kuning"], children_total=1),
        households=1,
        parent_level=2,
        rule_name="Inmendagri 7/2021",
        version="v1",
    )
    assert "most severe zone of 1 district (" in text["en"]
    assert "; 1 household with a confirmed case in the last 7 days" in text["en"]


@pytest.mark.parametrize(
    ("raw", "text", "level", "kind"),
    [
        ("Kec. Tembalang", "tembalang", 3, None),
        ("kecamatan  tembalang", "tembalang", 3, None),
        ("Kab. Sleman", "sleman", 2, "kabupaten"),
        ("kota smrang", "smrang", 2, "kota"),
        ("Kota Adm. Jakarta Pusat", "jakarta pusat", 2, "kota"),
        ("DKI Jakarta", "jakarta", 1, None),
        ("Kel. Meteseh", "meteseh", 4, None),
        ("Kota", "kota", None, None),  # the word alone is a name
        ("jogja", "yogyakarta", None, None),
        ("Pécs", "pecs", None, None),
        # English level words, after or before the name.
        ("tembalang district", "tembalang", 3, None),
        ("Tembalang Subdistrict", "tembalang", 3, None),
        ("tembalang sub-district", "tembalang", 3, None),
        ("semarang city", "semarang", 2, "kota"),
        ("City of Semarang", "semarang", 2, "kota"),
        ("semarang regency", "semarang", 2, "kabupaten"),
        ("meteseh village", "meteseh", 4, None),
        ("central java province", "jawa tengah", 1, None),
        ("district", "district", None, None),  # the word alone is a name
    ],
)
def test_it_parses_what_people_type(raw, text, level, kind):
    query = rules.parse_name_query(raw)
    assert (query.text, query.level, query.kind) == (text, level, kind)


@pytest.mark.parametrize(
    ("name", "level", "key"),
    [
        ("Kota Administrasi Jakarta Pusat", 2, "jakarta pusat"),
        ("Kabupaten Sleman", 2, "sleman"),
        ("Daerah Istimewa Yogyakarta", 1, "yogyakarta"),
        ("Kota Baru", 3, "kota baru"),  # a kecamatan keeps its name
    ],
)
def test_it_keys_official_names(name, level, key):
    assert rules.name_key(name, level) == key


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("33.74.10", "33.74.10"),
        ("337410", "33.74.10"),
        ("3374101001", "33.74.10.1001"),
        ("33", "33"),
        ("33.7", None),
        ("tembalang", None),
    ],
)
def test_it_reads_region_codes(raw, code):
    assert rules.parse_code(raw) == code
