"""Bad input never reaches a 500: every refusal is a 4xx in the one error format."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from core import jsonparse
from isolation.models import CheckIn
from tests.channels.helpers import TG_SECRET
from tests.helpers import assert_error
from tests.isolation.helpers import enrol, new_client_id

DEEP = "[" * 100_000 + "]" * 100_000


def post_raw(client, path: str, body: str, **extra):
    return client.generic(
        "POST", path, body.encode(), content_type="application/json", **extra
    )


# --- deeply nested JSON ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/chatbot/ask",
        "/api/v1/selfcheck/assessments",
        "/api/v1/auth/otp/request",
    ],
)
def test_it_refuses_json_nested_100000_deep(path, api_client, db):
    r = post_raw(api_client, path, DEEP)
    assert_error(r, 400, "malformed_request")


def test_it_refuses_json_nested_deeper_than_the_limit(api_client, db):
    too_deep = {"question": "x"}
    for _ in range(jsonparse.MAX_DEPTH):
        too_deep = {"a": too_deep}
    r = post_raw(api_client, "/api/v1/chatbot/ask", json.dumps(too_deep))
    assert_error(r, 400, "malformed_request")


def test_the_telegram_webhook_refuses_deep_json(api_client, settings, db):
    settings.TELEGRAM_WEBHOOK_SECRET = TG_SECRET
    r = post_raw(
        api_client,
        "/api/v1/chatbot/telegram/webhook",
        DEEP,
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )
    assert_error(r, 400, "malformed_request")


def test_a_json_file_import_refuses_deep_json(curator):
    from chatbot.services.transfer import read_records
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as info:
        read_records(DEEP, filename="faq.json", required=["question"])
    assert info.value.code == "invalid_file"


# --- huge integer ids ----------------------------------------------------------------

HUGE = "501051501295584673792"


def test_a_huge_doctor_id_in_slots_is_a_field_error(alice, auth_client):
    r = auth_client(alice).get(f"/api/v1/teleconsult/slots?doctor={HUGE}")
    error = assert_error(r, 400)
    assert "doctor" in error["fields"]


def test_a_huge_doctor_id_in_a_booking_is_a_field_error(alice, auth_client):
    r = auth_client(alice).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": int(HUGE), "start": "2030-01-07T09:00:00+07:00"},
        format="json",
    )
    error = assert_error(r, 400)
    assert "doctor" in error["fields"]


# --- unknown API paths ---------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_path_answers_json_in_every_mode(debug, api_client, db):
    with override_settings(DEBUG=debug):
        r = api_client.get("/api/v1/no-such-thing", HTTP_ACCEPT="text/html")
    assert r["Content-Type"].startswith("application/json")
    assert_error(r, 404, "not_found")


# --- consent -------------------------------------------------------------------------


def test_consent_refuses_unknown_fields(bob, auth_client):
    from core.models import ResidentProfile

    client = auth_client(bob)
    client.delete("/api/v1/me/consent")
    r = client.post("/api/v1/me/consent", {"scope": "all"}, format="json")
    error = assert_error(r, 400, "unknown_field")
    assert error["fields"] == {"scope": "Kolom tidak dikenal."}
    assert ResidentProfile.objects.get(user=bob).consent_given_at is None
    assert client.post("/api/v1/me/consent", {}, format="json").status_code == 201


# --- vitals --------------------------------------------------------------------------


@pytest.fixture
def alice_isolating(alice, nurse):
    return enrol(nurse, alice)


def checkin(client, **vitals):
    return client.post(
        "/api/v1/isolation/checkins",
        {"client_id": new_client_id(), **vitals},
        format="json",
    )


def test_a_checkin_temperature_is_rounded_to_one_decimal(
    alice, alice_isolating, auth_client
):
    r = checkin(auth_client(alice), temperature_c=37.45, spo2=97)
    assert r.status_code == 201, r.json()
    assert r.json()["temperature_c"] == "37.5"
    assert str(CheckIn.objects.get().temperature) == "37.5"


def test_a_checkin_temperature_out_of_range_says_so(
    alice, alice_isolating, auth_client
):
    for value in (45.05, "1e999", "1e999999"):
        r = checkin(auth_client(alice), temperature_c=value)
        error = assert_error(r, 400)
        assert "45" in error["fields"]["temperature_c"]
    assert not CheckIn.objects.exists()


def test_selfcheck_and_checkin_name_vitals_alike(alice, alice_isolating, auth_client):
    from selfcheck.api.views import AssessmentListCreateApi

    client = auth_client(alice)
    r = checkin(client, temperature_c="38.2", spo2=96, respiratory_rate=20)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["temperature_c"], body["respiratory_rate"]) == ("38.2", 20)
    selfcheck_fields = set(AssessmentListCreateApi.InputSerializer().fields)
    assert {"temperature_c", "spo2", "respiratory_rate"} <= selfcheck_fields
    stored = CheckIn.objects.get()
    assert (str(stored.temperature), stored.breathing_rate) == ("38.2", 20)


def test_the_old_checkin_vitals_names_are_accepted_aliases(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    r = checkin(client, temperature="37.9", breathing_rate=18)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["temperature_c"], body["respiratory_rate"]) == ("37.9", 18)
    assert (body["temperature"], body["breathing_rate"]) == ("37.9", 18)

    r = checkin(client, temperature_c="37.9", temperature="38.9")
    error = assert_error(r, 400)
    assert "temperature" in error["fields"]
    assert CheckIn.objects.count() == 1


def test_the_schema_documents_the_aliases_as_deprecated(api_client, db):
    r = api_client.get("/api/schema/", {"format": "json"})
    schema = r.json()["components"]["schemas"]
    props = next(
        s["properties"]
        for name, s in schema.items()
        if name.startswith("CheckInSubmit") and "client_id" in s.get("properties", {})
    )
    assert {"temperature_c", "respiratory_rate"} <= set(props)
    assert "Deprecated" in props["temperature"]["description"]
    assert "Deprecated" in props["breathing_rate"]["description"]


# --- dates at the ends of the calendar -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2026-03-10", None),
        ("1900-01-01", None),
        ("2199-12-31", None),
        ("0001-01-01", "Tanggal harus antara 1900-01-01 dan 2199-12-31."),
        ("9999-12-31", "Tanggal harus antara 1900-01-01 dan 2199-12-31."),
    ],
)
def test_the_request_date_rule(value, error):
    import datetime as dt

    from core.rules import date_range_error

    assert date_range_error(dt.date.fromisoformat(value)) == error


# Every query or body date whose window (to - 13 days, a day's end, start + 14 days)
# left Python's calendar at its two ends and answered 500 OverflowError.
DATE_PARAMS = [
    ("anonymous", "/api/v1/areas/33.74/history", "to"),
    ("anonymous", "/api/v1/areas/33.74/history", "from"),
    ("alice", "/api/v1/teleconsult/slots?doctor={nurse}", "date_from"),
    ("alice", "/api/v1/teleconsult/slots?doctor={nurse}", "date_to"),
    ("health_office", "/api/v1/selfcheck/signals", "to"),
    ("health_office", "/api/v1/selfcheck/signals", "from"),
    ("health_office", "/api/v1/facilities/beds/occupancy?area=33.74", "date_to"),
    ("health_office", "/api/v1/facilities/beds/occupancy?area=33.74", "date_from"),
    ("health_office", "/api/v1/psc/response-times?area=33.74", "date_to"),
    ("health_office", "/api/v1/cases/discrepancies?area=33.74", "date"),
    ("health_office", "/api/v1/satusehat/reconciliation?area=33.74", "date"),
    ("anonymous", "/data/figures.csv?area=33.74", "to"),
]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(("who", "path", "param"), DATE_PARAMS)
def test_a_date_at_the_end_of_the_calendar_is_a_field_error(
    who, path, param, value, request, schedule, nurse, api_client, auth_client
):
    client = (
        api_client if who == "anonymous" else auth_client(request.getfixturevalue(who))
    )
    url = path.format(nurse=nurse.pk)
    url += ("&" if "?" in url else "?") + f"{param}={value}"
    error = assert_error(client.get(url), 400, "date_out_of_range")
    assert set(error["fields"]) == {param}


@pytest.mark.parametrize("field", ["test_date", "symptom_onset"])
def test_an_isolation_request_date_at_the_end_of_the_calendar_is_refused(
    field, alice, auth_client
):
    response = auth_client(alice).post(
        "/api/v1/isolation/requests",
        {"reason": "positive_test", field: "9999-12-31"},
        format="json",
    )
    error = assert_error(response, 400, "date_out_of_range")
    assert set(error["fields"]) == {field}


@pytest.mark.parametrize("value", [True, 0, 1])
def test_an_assessment_id_must_be_a_uuid_string(value, alice, auth_client):
    response = auth_client(alice).post(
        "/api/v1/isolation/requests",
        {"reason": "high_selfcheck", "assessment_id": value},
        format="json",
    )
    error = assert_error(response, 400)
    assert set(error["fields"]) == {"assessment_id"}


# --- the language of errors -------------------------------------------------------------


def test_general_error_messages_follow_accept_language(api_client, db):
    """Indonesian first; a client asking for English gets the general messages in
    English (the code and the fields' names are the same)."""
    indonesian = post_raw(api_client, "/api/v1/chatbot/ask", "{nope")
    english = post_raw(
        api_client, "/api/v1/chatbot/ask", "{nope", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert assert_error(indonesian, 400, "malformed_request")["message"] == (
        "Permintaan tidak dapat dibaca (JSON tidak valid)."
    )
    assert assert_error(english, 400, "malformed_request")["message"] == (
        "The request could not be read (invalid JSON)."
    )
    r = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(r, 401)["message"] == "Please sign in first."


def test_a_too_short_area_search_says_so_in_the_asked_language(api_client, db):
    r = api_client.get("/api/v1/areas/search", {"q": "a"})
    assert assert_error(r, 400)["message"] == "Ketik minimal 2 huruf."
    r = api_client.get("/api/v1/areas/search", {"q": "a"}, HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(r, 400)["message"] == "Type at least 2 letters."


@pytest.mark.parametrize("cursor", ["garbage", "cD0tMQ=="])
def test_a_cursor_the_api_never_gave_is_a_field_error(alice, auth_client, cursor):
    r = auth_client(alice).get("/api/v1/selfcheck/assessments", {"cursor": cursor})
    error = assert_error(r, 400, "invalid_cursor")
    assert set(error["fields"]) == {"cursor"}
