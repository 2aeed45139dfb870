"""Boundary import and GPS lookup against the real kecamatan file."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from core.areas import geo
from core.areas.services import boundaries_import, regions_locate
from core.models import AreaBoundary, BoundaryImport, Region
from core.services.regions import regions_load

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/areas/lookup"


# --- Ground truth (data README) ---------------------------------------------------------------


def test_it_finds_tembalang_and_gambir_and_nothing_in_the_java_sea(boundaries):
    index = geo.boundary_index()
    assert len(index) == 7285
    assert index.locate(110.4381, -7.0561).code == "33.74.10"
    assert index.locate(106.8272, -6.1754).code == "31.71.01"
    assert index.locate(110.0, -5.6, max_distance_m=2000) is None


def test_it_answers_the_lookup_api_with_parents_zone_and_figures(
    boundaries, regions_semarang, zone_rules, api_client
):
    response = api_client.get(LOOKUP, {"lat": -7.0561, "lng": 110.4381})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["approximate"]) == (
        "33.74.10",
        "Tembalang",
        False,
    )
    assert [p["code"] for p in body["parents"]] == ["33.74", "33"]
    assert body["parents"][0]["name"] == "Kota Semarang"
    assert body["zone"]["zone"] == "hijau"
    assert body["zone"]["rule"] == {"version": "v1", "name": "Inmendagri 7/2021"}
    assert body["figures"]["active_confirmed"] == 0


def test_it_finds_gambir_over_http(boundaries, api_client, zone_rules):
    regions_load(root="31.71")
    body = api_client.get(LOOKUP, {"lat": -6.1754, "lng": 106.8272}).json()
    assert body["code"] == "31.71.01"
    assert body["parents"][0]["name"] == "Kota Administrasi Jakarta Pusat"


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (-5.6, 110.0),  # the Java Sea, 26 km from Karimunjawa
        (35.68, 139.69),  # Tokyo
        (1.2903, 103.8519),  # Singapore, 12 km from Belakang Padang's islands
        (1.2494, 103.8303),  # Sentosa, 9 km from them
        (1.3329, 103.7436),  # Jurong
        (4.2448, 117.8911),  # Tawau (Sabah), 9 km from Sebatik
        (-8.5569, 125.5603),  # Dili
        (-9.5, 105.0),  # the Indian Ocean
    ],
)
def test_it_says_outside_indonesia_for_the_open_sea_and_neighbours(
    boundaries, api_client, lat, lng
):
    response = api_client.get(LOOKUP, {"lat": lat, "lng": lng})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "outside_indonesia"


@pytest.mark.parametrize(
    ("lat", "lng", "code", "max_km"),
    [
        # Kepulauan Seribu Selatan's own centroid, at sea between Tidung and Pari.
        (-5.901011, 106.621299, "31.01.02", 5),
        # Tambelan Archipelago (Wikipedia: 1°00'N 107°30'E).
        (1.0, 107.5, "21.01.09", 3),
        # Kepulauan Balabalakang (id.wikipedia: 2°26'44"S 117°59'5"E), 11 km east
        # of the islands the file has.
        (-2.44556, 117.98472, "76.02.16", 12),
        # At sea among Popayato's islets (off Torosiaje), 2.8 km from the nearest
        # one the file has.
        (0.44, 121.43, "75.04.01", 3),
    ],
)
def test_it_resolves_small_islands_to_their_archipelago_kecamatan(
    boundaries, api_client, lat, lng, code, max_km
):
    body = api_client.get(LOOKUP, {"lat": lat, "lng": lng}).json()
    assert body["code"] == code
    assert body["approximate"] is True
    assert 0 < body["distance_m"] <= max_km * 1000


def test_neighbours_land_touches_no_kecamatan(boundaries):
    index = geo.boundary_index()
    _, touching = index.tree.query(index.foreign, predicate="intersects")
    assert [index.codes[i] for i in touching] == []


def _offshore(code: str, meters: float) -> tuple[float, float]:
    """A point `meters` north of the northernmost vertex of a coastal kecamatan."""
    geometry = shapely.from_wkb(bytes(AreaBoundary.objects.get(code=code).geometry))
    coords = shapely.get_coordinates(geometry)
    lng, lat = coords[coords[:, 1].argmax()]
    return lng, lat + meters / geo.METERS_PER_DEGREE


def test_it_resolves_a_point_just_off_the_coast_as_approximate(
    boundaries, regions_semarang, zone_rules, api_client
):
    lng, lat = _offshore("33.74.02", 800)  # Semarang Utara, on the Java Sea
    body = api_client.get(LOOKUP, {"lat": lat, "lng": lng}).json()
    assert body["approximate"] is True
    assert body["code"].startswith("33.74.")
    assert 0 < body["distance_m"] <= 2000
    far_lng, far_lat = _offshore("33.74.02", 6000)
    assert api_client.get(LOOKUP, {"lat": far_lat, "lng": far_lng}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "abc", "lng": "110.4"}, "lat"),
        ({"lat": "-7", "lng": "nan"}, "lng"),
        ({"lat": "91", "lng": "110.4"}, "lat"),
        ({"lat": "-7", "lng": "-181"}, "lng"),
        ({"lng": "110.4"}, "lat"),
    ],
)
def test_it_rejects_bad_coordinates_with_field_errors(api_client, params, field):
    response = api_client.get(LOOKUP, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_marks_lookups_cacheable_and_honours_etags(
    boundaries, regions_semarang, zone_rules, api_client
):
    params = {"lat": -7.0561, "lng": 110.4381}
    first = api_client.get(LOOKUP, params)
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    etag = first["ETag"]
    again = api_client.get(LOOKUP, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag


def test_it_reports_boundaries_missing_as_unavailable(db, api_client, monkeypatch):
    monkeypatch.setattr(geo, "boundary_index", lambda: geo.BoundaryIndex([], []))
    response = api_client.get(LOOKUP, {"lat": -7.0561, "lng": 110.4381})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "boundaries_not_loaded"


# --- Import ---------------------------------------------------------------------------------------

BOWTIE = [[[110.0, -7.0], [110.1, -7.1], [110.1, -7.0], [110.0, -7.1], [110.0, -7.0]]]


def _write(tmp_path, features, *, gz=False, name="b.geojson"):
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    path = tmp_path / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _feature(code, coords, name="Uji", kind="Polygon"):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": kind, "coordinates": coords},
    }


@pytest.fixture
def clean_index():
    yield
    geo.invalidate()


def test_it_repairs_invalid_geometries_instead_of_dropping_them(
    db, tmp_path, clean_index
):
    path = _write(tmp_path, [_feature("99.01.01", BOWTIE)])
    result = boundaries_import(path=path)
    assert (result.created, result.repaired) == (1, 1)
    stored = shapely.from_wkb(bytes(AreaBoundary.objects.get(code="99.01.01").geometry))
    assert stored.is_valid and stored.area > 0
    assert AreaBoundary.objects.get(code="99.01.01").repaired is True


def test_it_reports_counts_unmatched_codes_and_skipped_features(
    db, tmp_path, regions_semarang, clean_index
):
    square = [
        [
            [110.40, -7.04],
            [110.41, -7.04],
            [110.41, -7.05],
            [110.40, -7.05],
            [110.40, -7.04],
        ]
    ]
    features = [
        _feature("33.74.10", square, name="Tembalang"),
        _feature("99.01.02", square),
        {"type": "Feature", "properties": {"name": "no code"}, "geometry": None},
        _feature("33.74", square),
        _feature("33.74.11", [[110.4, -7.0]], kind="Point"),
    ]
    result = boundaries_import(path=_write(tmp_path, features, gz=True))
    assert result.features == 5
    assert result.unmatched_codes == ["99.01.02"]
    assert [s["index"] for s in result.skipped] == [2, 3, 4]
    run = BoundaryImport.objects.get(pk=result.run_id)
    assert run.unmatched_codes == ["99.01.02"] and len(run.skipped) == 3
    assert AreaBoundary.objects.get(code="33.74.10").region_id == "33.74.10"


def test_it_changes_nothing_when_the_same_file_comes_again(db, tmp_path, clean_index):
    path = _write(tmp_path, [_feature("99.01.03", BOWTIE)])
    boundaries_import(path=path)
    again = boundaries_import(path=path, force=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    edited = _write(tmp_path, [_feature("99.01.03", BOWTIE, name="Renamed")])
    assert boundaries_import(path=edited).updated == 1


def test_it_reimports_the_real_file_as_unchanged(boundaries, settings, capsys):
    call_command("import_boundaries", settings.SIGAP_BOUNDARIES_FILE, "--no-progress")
    out = capsys.readouterr().out
    assert "7285 features: 0 created, 0 updated, 7285 unchanged" in out
    assert "Same file as import" in out
    result = boundaries_import(path=settings.SIGAP_BOUNDARIES_FILE)
    assert result.same_file and result.repaired >= 275
    assert len(result.unmatched_codes) == 7285  # no Region rows loaded in this test


def test_it_imports_sigap_boundaries_file_when_given_no_file(
    db, tmp_path, clean_index, settings, capsys
):
    settings.SIGAP_BOUNDARIES_FILE = str(
        _write(tmp_path, [_feature("99.01.05", BOWTIE)])
    )
    call_command("import_boundaries", "--no-progress")
    assert "1 features: 1 created" in capsys.readouterr().out
    assert AreaBoundary.objects.filter(code="99.01.05").exists()


@pytest.mark.parametrize("configured", ["", "missing.geojson.gz"])
def test_it_asks_for_a_file_when_sigap_boundaries_file_is_unset_or_missing(
    db, tmp_path, settings, configured
):
    settings.SIGAP_BOUNDARIES_FILE = str(tmp_path / configured) if configured else ""
    with pytest.raises(CommandError, match="SIGAP_BOUNDARIES_FILE"):
        call_command("import_boundaries", "--no-progress")


def test_it_merges_a_code_that_comes_twice(db, tmp_path, clean_index):
    a = [[[110.0, -7.0], [110.1, -7.0], [110.1, -7.1], [110.0, -7.1], [110.0, -7.0]]]
    b = [[[111.0, -7.0], [111.1, -7.0], [111.1, -7.1], [111.0, -7.1], [111.0, -7.0]]]
    result = boundaries_import(
        path=_write(tmp_path, [_feature("99.01.04", a), _feature("99.01.04", b)])
    )
    assert result.merged_duplicates == 1
    index = geo.BoundaryIndex(
        ["99.01.04"],
        [shapely.from_wkb(bytes(AreaBoundary.objects.get(code="99.01.04").geometry))],
    )
    assert (
        index.locate(110.05, -7.05).code
        == index.locate(111.05, -7.05).code
        == "99.01.04"
    )


def test_it_refuses_a_file_that_is_not_a_feature_collection(db, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "Feature"}')
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_boundaries", str(path), "--no-progress")
    with pytest.raises(CommandError, match="not found"):
        call_command(
            "import_boundaries", str(tmp_path / "missing.geojson"), "--no-progress"
        )


def test_it_gives_regions_coordinates_rolled_up_to_kabupaten_and_provinsi(
    boundaries, regions_semarang
):
    AreaBoundary.objects.filter(code__startswith="33.74.").update(region_id=None)
    AreaBoundary.objects.filter(code__in=Region.objects.values("code")).update(
        region_id=F("code")
    )
    assert regions_locate() > 0
    tembalang = Region.objects.get(code="33.74.10")
    assert tembalang.latitude == pytest.approx(-7.06, abs=0.05)
    assert tembalang.longitude == pytest.approx(110.45, abs=0.05)
    kota = Region.objects.get(code="33.74")
    assert kota.latitude == pytest.approx(-7.01, abs=0.06)
    assert kota.longitude == pytest.approx(110.40, abs=0.06)
    assert Region.objects.get(code="33").latitude is not None


def test_it_rebuilds_the_index_when_boundaries_change(db, tmp_path, clean_index):
    geo.invalidate()
    before = geo.boundary_index()
    boundaries_import(path=_write(tmp_path, [_feature("99.01.05", BOWTIE)]))
    after = geo.boundary_index()
    assert after is not before
    assert after.version != before.version
