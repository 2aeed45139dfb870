"""POST /api/v1/isolation/checkins: a reused client_id, times without an offset,
reports that say nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from isolation.models import Alert, CheckIn
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/isolation/checkins"
FIRST = {
    "client_id": "citra-0001",
    "temperature_c": 37.2,
    "spo2": 97,
    "respiratory_rate": 18,
    "symptoms": ["cough", "fatigue"],
    "note": "batuk",
}


def test_it_answers_a_retry_of_the_same_report_with_the_stored_one(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    first = client.post(URL, FIRST, format="json")
    # The same values as stored: 37.20 is 37.2, symptom order and repeats say nothing,
    # the deprecated names are the same vitals.
    retry = client.post(
        URL,
        {
            "client_id": "citra-0001",
            "temperature": "37.20",
            "spo2": 97,
            "breathing_rate": 18,
            "symptoms": ["fatigue", "cough", "cough"],
            "note": "batuk ",
        },
        format="json",
    )

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert CheckIn.objects.count() == 1


def test_it_refuses_a_client_id_reused_for_another_report(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    first = client.post(URL, FIRST, format="json")

    worse = client.post(
        URL,
        {**FIRST, "temperature_c": 39.9, "spo2": 91, "respiratory_rate": 30},
        format="json",
    )

    assert first.status_code == 201
    assert worse.status_code == 409
    error = worse.json()["error"]
    assert error["code"] == "client_id_reused"
    assert "client_id baru" in error["message"]
    assert "client_id" in error["fields"]
    assert list(CheckIn.objects.values_list("spo2", flat=True)) == [97]
    assert not Alert.objects.exists()
    # Sent again under a new id, it is stored and raises its alert.
    resent = client.post(
        URL,
        {**FIRST, "client_id": "citra-0002", "spo2": 91, "respiratory_rate": 30},
        format="json",
    )
    assert resent.status_code == 201
    assert sorted(Alert.objects.get().reasons) == ["breathing_rate_high", "spo2_low"]


@pytest.mark.parametrize(
    "change",
    [
        {"symptoms": ["cough"]},
        {"symptoms": []},
        {"note": ""},
        {"danger_signs": ["chest_pain"]},
        {"temperature_c": None},
        {"measured_at": "2001-01-01T00:00:00Z"},
    ],
)
def test_any_other_value_is_another_report(alice, alice_isolating, auth_client, change):
    client = auth_client(alice)
    assert client.post(URL, FIRST, format="json").status_code == 201
    response = client.post(URL, {**FIRST, **change}, format="json")
    assert response.status_code in (400, 409)
    if "measured_at" not in change:
        assert response.json()["error"]["code"] == "client_id_reused"
    assert CheckIn.objects.count() == 1


def test_the_same_measured_at_in_another_offset_is_the_same_report(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    at = alice_isolating.started_at + dt.timedelta(hours=1)
    body = {**FIRST, "measured_at": at.astimezone(alice_isolating.tz).isoformat()}
    first = client.post(URL, body, format="json")
    in_utc = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    retry = client.post(URL, {**body, "measured_at": in_utc}, format="json")
    a_minute_later = (at + dt.timedelta(minutes=1)).isoformat()
    later = client.post(URL, {**body, "measured_at": a_minute_later}, format="json")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert later.status_code == 409
    assert later.json()["error"]["code"] == "client_id_reused"


@pytest.mark.parametrize(
    "value", ["2026-12-05T10:00:00", "2026-12-05 10:00", "2026-12-05"]
)
def test_it_refuses_a_measured_at_without_an_offset(
    alice, alice_isolating, auth_client, value
):
    response = auth_client(alice).post(
        URL,
        {"client_id": new_client_id(), "spo2": 97, "measured_at": value},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "naive"
    assert "zona waktu" in error["fields"]["measured_at"]
    assert not CheckIn.objects.exists()


def test_it_takes_a_measured_at_with_its_offset(alice, alice_isolating, auth_client):
    at = alice_isolating.started_at.isoformat()
    response = auth_client(alice).post(
        URL,
        {"client_id": new_client_id(), "spo2": 97, "measured_at": at},
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"danger_signs": []},
        {"note": ""},
        {"temperature_c": None, "spo2": None, "respiratory_rate": None},
    ],
)
def test_it_refuses_a_checkin_that_says_nothing(
    alice, alice_isolating, auth_client, body
):
    response = auth_client(alice).post(
        URL, {"client_id": "eko-000001", **body}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "empty_checkin"
    assert {"temperature_c", "spo2", "symptoms", "note"} <= error["fields"].keys()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"symptoms": []},
        {"spo2": 97},
        {"temperature_c": 36.5},
        {"respiratory_rate": 18},
        {"danger_signs": ["confusion"]},
        {"note": "sehat"},
    ],
)
def test_one_answer_is_enough(alice, alice_isolating, auth_client, body):
    response = auth_client(alice).post(
        URL, {"client_id": new_client_id(), **body}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_no_symptoms_is_seen_ok(alice, alice_isolating, auth_client, nurse):
    response = auth_client(alice).post(
        URL, {"client_id": new_client_id(), "symptoms": []}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["unwell"] is False


def test_it_keeps_symptoms_left_out_as_not_answered(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    body = {"client_id": new_client_id(), "spo2": 97}
    response = client.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["symptoms"] is None
    assert response.json()["unwell"] is False
    assert CheckIn.objects.get().symptoms is None
    answered = client.post(
        URL, {"client_id": new_client_id(), "symptoms": []}, format="json"
    )
    assert answered.json()["symptoms"] == []
    assert CheckIn.objects.filter(symptoms=[]).count() == 1
    assert CheckIn.objects.filter(symptoms__isnull=True).count() == 1


def test_symptoms_left_out_differ_from_none_in_a_retry(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    body = {"client_id": "citra-0002", "spo2": 97}
    assert client.post(URL, body, format="json").status_code == 201
    retry = client.post(URL, {**body, "symptoms": []}, format="json")
    assert retry.status_code == 409
    assert retry.json()["error"]["code"] == "client_id_reused"


def test_a_retry_of_a_report_stored_before_null_symptoms_is_the_same(
    alice, alice_isolating, auth_client
):
    # Before isolation/0004 a report without symptoms was stored as [].
    client = auth_client(alice)
    body = {"client_id": "citra-0003", "spo2": 97}
    first = client.post(URL, body, format="json")
    CheckIn.objects.update(symptoms=[])
    retry = client.post(URL, body, format="json")
    assert first.status_code == 201
    assert retry.status_code == 200, retry.json()
    assert CheckIn.objects.count() == 1


def test_it_marks_a_report_received_long_after_its_slot_late(
    alice, alice_isolating, auth_client, nurse
):
    from django.test import Client
    from django.utils import timezone

    from isolation import selectors

    client = auth_client(alice)
    measured = timezone.now() - dt.timedelta(hours=30)
    late = client.post(
        URL,
        {"client_id": new_client_id(), "spo2": 97, "measured_at": measured.isoformat()},
        format="json",
    )
    fresh = client.post(URL, {"client_id": new_client_id(), "spo2": 97}, format="json")

    assert late.status_code == 201, late.json()
    assert late.json()["late"] is True
    assert fresh.json()["late"] is False
    stored = CheckIn.objects.get(pk=late.json()["id"])
    assert stored.late is True
    # Kept, but the slot it was measured in still counts as missed.
    slot = (stored.slot_date, stored.slot)
    missed = selectors.missed_slot_list(alice_isolating)
    assert slot in [(s.day, s.slot) for s in missed]
    page = Client()
    page.force_login(nurse)
    html = page.get(f"/dashboard/patients/{alice_isolating.pk}/").text
    assert html.count("terlambat diterima (dikirim ") == 1
