"""Where an escalation is: a shared GPS point must be a place in Indonesia (the rule
of GET /api/v1/areas/lookup), and one Sigap could not place is flagged for the
operator when it lies far from the kab/kota the case went to."""

from __future__ import annotations

import pytest

from core.models import Escalation
from core.psc import rules
from tests.psc.test_api import URL, ask


def ask_in_english(client, **body):
    return client.post(
        URL, {"consent": True, **body}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.mark.parametrize(
    ("lat", "lng", "problem"),
    [
        (-7.06, 110.44, None),  # Tembalang
        (1.29, 103.85, None),  # Singapore: inside the box, the boundaries decide
        (0.0, 0.0, "null_island"),
        (110.44, -7.06, "swapped"),
        (103.85, 1.29, "swapped"),
        (-33.87, 151.21, "outside"),  # Sydney
        (48.85, 2.35, "outside"),
    ],
)
def test_it_tells_what_cannot_be_a_gps_point(lat, lng, problem):
    assert rules.gps_point_problem(lat=lat, lng=lng) == problem


@pytest.mark.parametrize(
    ("distance_m", "doubtful"),
    [(None, False), (0.0, False), (25_000.0, False), (25_001.0, True), (1.17e6, True)],
)
def test_a_point_far_from_its_kab_kota_is_doubtful(distance_m, doubtful):
    assert rules.location_doubtful(distance_m=distance_m) is doubtful


SEA_OR_ABROAD = "Titik lokasi ini tidak berada di daratan Indonesia"
NOT_GPS = "Lokasi yang dikirim bukan titik GPS yang dapat dipakai: "


@pytest.mark.parametrize(
    ("lat", "lng", "field", "message"),
    [
        (1.29, 103.85, "Titik di luar daratan Indonesia.", SEA_OR_ABROAD),  # Singapore
        (-10.5, 110.0, "Titik di luar daratan Indonesia.", SEA_OR_ABROAD),  # at sea
        (0, 0, "0, 0 bukan lokasi GPS", NOT_GPS),
        (110.44, -7.06, "lat dan lng tertukar", NOT_GPS),
    ],
)
def test_a_point_that_is_no_place_in_indonesia_is_refused(
    alice, alice_critical, auth_client, boundaries, lat, lng, field, message
):
    response = ask(auth_client(alice), lat=lat, lng=lng)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "outside_indonesia"
    assert set(error["fields"]) == {"lat", "lng"} and field in error["fields"]["lat"]
    assert error["message"].startswith(message) and "telepon 119" in error["message"]
    assert not Escalation.objects.exists()
    # Without a point, the request goes through on the self-check's kecamatan.
    assert ask(auth_client(alice)).status_code == 201


def test_the_refusal_is_in_the_requests_language(
    alice, alice_critical, auth_client, boundaries
):
    response = ask_in_english(auth_client(alice), lat=1.29, lng=103.85)

    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "outside_indonesia"
    assert error["message"].startswith("This point is not on Indonesian land")
    assert error["fields"]["lat"] == "Point outside Indonesian land."
    swapped = ask_in_english(auth_client(alice), lat=110.44, lng=-7.06)
    assert "swapped" in swapped.json()["error"]["fields"]["lng"]


def test_a_point_in_the_kab_kota_is_not_doubtful(
    alice, alice_critical, auth_client, boundaries, operator
):
    case_id = ask(auth_client(alice), lat=-7.0561, lng=110.4381).json()["id"]

    location = auth_client(operator).get(f"{URL}/{case_id}").json()["location"]
    assert location["district"] == "33.74.10" and location["source"] == "gps"
    assert location["distance_km"] == 0 and location["doubtful"] is False
    assert location["doubt_label"] == ""


def test_a_point_sigap_cannot_place_far_away_is_flagged_for_the_operator(
    alice, alice_critical, auth_client, boundaries, operator, facilities
):
    """Jakarta's regions are not loaded here: the point's kecamatan has no row, so
    the case goes to Alice's self-check kecamatan in Kota Semarang, ~400 km away.
    The resident is not refused (the point is in Indonesia); the operator sees the
    doubt and hospitals of their own kab/kota, not distances to the point."""
    response = ask(auth_client(alice), lat=-6.1754, lng=106.8272)  # Gambir
    assert response.status_code == 201
    escalation = Escalation.objects.get(pk=response.json()["id"])
    assert escalation.region_id == "33.74" and escalation.location_source == "gps"

    detail = auth_client(operator).get(f"{URL}/{escalation.pk}").json()
    location = detail["location"]
    assert location["doubtful"] is True and 380 < location["distance_km"] < 420
    assert location["doubt_label"].startswith("Lokasi diragukan: titik GPS ")
    assert "km dari Kota Semarang" in location["doubt_label"]
    assert all(h["distance_km"] is None for h in detail["hospitals"])

    page = _console_page(operator, escalation.pk)
    assert 'id="location-doubt"' in page and "lokasi diragukan" in page


def _console_page(operator, case_id: int) -> str:
    from django.test import Client

    client = Client()
    client.force_login(operator)
    response = client.get(f"/psc/escalations/{case_id}/")
    assert response.status_code == 200
    return response.content.decode()
