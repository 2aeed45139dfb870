from __future__ import annotations

import datetime as dt
import uuid

import pytest

from core.rules import WIB_ZONE
from selfcheck.models import RuleSet
from selfcheck.services import assessment_submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/selfcheck/signals"
DAY = dt.date(2026, 3, 10)
NOON_WIB = dt.datetime(2026, 3, 10, 5, 0, tzinfo=dt.UTC)


def record(n: int, *, district="33.74.10", at=NOON_WIB, **answers):
    answers = {"age": 30, "exposure": "none", **answers}
    for _ in range(n):
        assessment_submit(
            actor=None,
            answers=answers,
            client_key=uuid.uuid4(),
            district_code=district,
            now=at,
        )


@pytest.fixture
def history(regions_semarang):
    record(5, symptoms=["fever", "cough"])  # moderate
    record(2, symptoms=["fever", "cough", "sore_throat"])  # high
    record(6, district="33.74.03")  # low
    record(3, at=NOON_WIB + dt.timedelta(days=1), symptoms=["fever"])  # next day


def test_it_counts_per_kecamatan_and_day_with_small_cells_hidden(
    history, health_office, auth_client
):
    response = auth_client(health_office).get(
        URL, {"area": "33.74", "from": "2026-03-10", "to": "2026-03-11"}
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["area"], data["from"], data["to"]) == (
        "33.74",
        "2026-03-10",
        "2026-03-11",
    )
    rows = {(r["date"], r["district"]["code"]): r for r in data["results"]}
    assert list(rows) == [
        ("2026-03-10", "33.74.03"),
        ("2026-03-10", "33.74.10"),
        ("2026-03-11", "33.74.10"),
    ]
    tembalang = rows[("2026-03-10", "33.74.10")]
    assert tembalang["district"]["name"] == "Tembalang"
    assert tembalang["risk_levels"] == {
        "low": "<5",
        "moderate": 5,
        "high": "<5",
        "critical": "<5",
    }
    assert tembalang["symptoms"]["fever"] == 7
    assert tembalang["symptoms"]["cough"] == 7
    assert tembalang["symptoms"]["sore_throat"] == "<5"
    assert rows[("2026-03-10", "33.74.03")]["risk_levels"]["low"] == 6
    assert rows[("2026-03-11", "33.74.10")]["risk_levels"]["moderate"] == "<5"


def test_it_never_shows_a_count_below_five(history, curator, auth_client):
    data = (
        auth_client(curator).get(URL, {"from": "2026-03-01", "to": "2026-03-31"}).json()
    )

    counts = []
    for row in data["results"]:
        assert set(row) == {"date", "district", "risk_levels", "symptoms"}
        counts += [*row["risk_levels"].values(), *row["symptoms"].values()]
    assert "<5" in counts and any(c != "<5" for c in counts)  # both kinds were there
    assert all(count == "<5" or count >= 5 for count in counts)


def test_it_filters_by_area_and_dates(history, health_office, auth_client):
    client = auth_client(health_office)

    one_district = client.get(
        URL, {"area": "33.74.03", "from": "2026-03-01", "to": "2026-03-31"}
    )
    one_day = client.get(
        URL, {"area": "33.74", "from": "2026-03-11", "to": "2026-03-11"}
    )

    assert [r["district"]["code"] for r in one_district.json()["results"]] == [
        "33.74.03"
    ]
    assert [r["date"] for r in one_day.json()["results"]] == ["2026-03-11"]


def test_it_defaults_to_the_last_seven_days(
    regions_semarang, health_office, auth_client, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 12, 3, 0, tzinfo=dt.UTC))

    data = auth_client(health_office).get(URL).json()

    assert (data["from"], data["to"]) == ("2026-03-06", "2026-03-12")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "99.99"}, "area"),
        ({"area": "33.74.10.1001"}, "area"),
        ({"from": "2026-03-12", "to": "2026-03-10"}, "from"),
        ({"from": "2026-01-01", "to": "2026-06-01"}, "to"),
        ({"from": "kemarin"}, "from"),
        ({"region": "33"}, "region"),
    ],
)
def test_it_rejects_bad_filters(
    regions_semarang, health_office, auth_client, params, field
):
    response = auth_client(health_office).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_keeps_signals_for_health_offices(alice, nurse, auth_client, api_client):
    assert api_client.get(URL).status_code == 401
    assert auth_client(alice).get(URL).status_code == 403
    assert auth_client(nurse).get(URL).status_code == 403


def test_a_health_office_reads_the_signals_of_its_wilayah_kerja_only(
    history, health_office, jakarta_office, curator, auth_client
):
    dates = {"from": "2026-03-10", "to": "2026-03-11"}
    outside = auth_client(jakarta_office).get(URL, {"area": "33.74", **dates})
    assert outside.status_code == 404
    assert outside.json()["error"]["code"] == "area_not_found"
    # Without an area a health office gets its own wilayah kerja, and nothing else.
    own = auth_client(jakarta_office).get(URL, dates).json()
    assert (own["area"], own["results"]) == ("31.71", [])
    semarang = auth_client(health_office).get(URL, dates).json()
    assert semarang["area"] == "33.74" and len(semarang["results"]) == 3
    assert auth_client(health_office).get(URL, {"area": "33", **dates}).status_code == (
        404
    )
    # Curators see every area's anonymised counts (for their broadcasts).
    assert auth_client(curator).get(URL, {"area": "33", **dates}).status_code == 200


# --- Fever as triage judged it ------------------------------------------------------


def _v2_start() -> dt.datetime:
    return RuleSet.objects.get(version="triage-v2").starts_at


def _tembalang(client, day: dt.date) -> dict:
    data = client.get(
        URL, {"area": "33.74.10", "from": day.isoformat(), "to": day.isoformat()}
    ).json()
    (row,) = data["results"]
    return row


def test_it_counts_a_measured_fever_as_fever(
    regions_semarang, health_office, auth_client
):
    at = _v2_start() + dt.timedelta(hours=1)
    record(5, at=at, temperature_c="38.6")  # fever not ticked
    record(5, at=at, temperature_c="37.5")
    record(1, at=at, temperature_c="39.0", symptoms=["fever"])  # once, not twice

    row = _tembalang(auth_client(health_office), at.astimezone(WIB_ZONE).date())

    assert row["symptoms"]["fever"] == 6
    # Triage said the same: the six with fever moderate, the five at 37.5 low.
    assert (row["risk_levels"]["moderate"], row["risk_levels"]["low"]) == (6, 5)


def test_it_judges_each_day_by_the_rule_version_that_judged_it(
    regions_semarang, health_office, auth_client
):
    v1_at = _v2_start() - dt.timedelta(days=2)
    v2_at = _v2_start() + dt.timedelta(days=1)
    for at in (v1_at, v2_at):
        record(5, at=at, temperature_c="38.6")
    client = auth_client(health_office)

    v1 = _tembalang(client, v1_at.astimezone(WIB_ZONE).date())
    v2 = _tembalang(client, v2_at.astimezone(WIB_ZONE).date())

    # Triage-v1 has no fever threshold: a measured 38.6 °C was judged low, no fever.
    assert (v1["symptoms"]["fever"], v1["risk_levels"]["low"]) == ("<5", 5)
    assert (v2["symptoms"]["fever"], v2["risk_levels"]["moderate"]) == (5, 5)
