from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditLog, ResidentProfile, User
from core.services.audit import audit_record

pytestmark = pytest.mark.django_db

# 33.74.10 Tembalang; 15 Aug 1995, female (day + 40).
ALICE_NIK = "3374105508950001"


def test_it_updates_the_profile_with_a_consistent_nik(alice, auth_client):
    client = auth_client(alice)
    r = client.patch(
        "/api/v1/me",
        {"birth_date": "1995-08-15", "sex": "F", "nik": ALICE_NIK, "language": "en"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["profile"]["has_nik"] is True
    assert "nik" not in r.json()["profile"]  # never echoed back
    alice.refresh_from_db()
    assert alice.language == "en"
    assert alice.profile.nik == ALICE_NIK


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"birth_date": "1995-08-15", "sex": "F", "nik": "12345"}, "16 digit"),
        (
            {"birth_date": "1995-08-15", "sex": "F", "nik": "9974105508950001"},
            "wilayah",
        ),
        (
            {"birth_date": "1995-08-15", "sex": "F", "nik": "3374103208950001"},
            "tanggal lahir",
        ),
        ({"birth_date": "1996-08-15", "sex": "F", "nik": ALICE_NIK}, "tanggal lahir"),
        ({"birth_date": "1995-08-15", "sex": "M", "nik": ALICE_NIK}, "jenis kelamin"),
    ],
)
def test_it_rejects_an_invalid_nik_and_changes_nothing(
    alice, auth_client, payload, message
):
    r = auth_client(alice).patch("/api/v1/me", payload, format="json")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid_nik"
    assert message in error["fields"]["nik"].lower()
    assert payload["nik"] not in r.content.decode()
    profile = ResidentProfile.objects.get(user=alice)
    assert profile.nik is None
    assert str(profile.birth_date) == "1991-04-12"


def test_a_declared_nik_is_not_taken_and_reveals_nothing(alice, bob, auth_client):
    """NIK squatting: bob declares alice's NIK first; the answer is the same as for
    any NIK, and alice can still declare hers (see docs/privacy.md, "NIK")."""
    body = {"birth_date": "1995-08-15", "sex": "F", "nik": ALICE_NIK}
    first = auth_client(bob).patch("/api/v1/me", body, format="json")
    hers = auth_client(alice).patch("/api/v1/me", body, format="json")

    assert first.status_code == hers.status_code == 200
    assert ResidentProfile.objects.filter(nik=ALICE_NIK).count() == 2


def test_only_a_verified_nik_belongs_to_an_account(alice, bob, nurse, auth_client):
    from core.exceptions import Conflict
    from core.services.accounts import nik_verify

    body = {"birth_date": "1995-08-15", "sex": "F", "nik": ALICE_NIK}
    auth_client(bob).patch("/api/v1/me", body, format="json")
    auth_client(alice).patch("/api/v1/me", body, format="json")

    nik_verify(actor=nurse, patient=alice)  # the puskesmas saw her KTP
    with pytest.raises(Conflict) as exc:
        nik_verify(actor=nurse, patient=bob)

    assert exc.value.code == "nik_verified_elsewhere"
    verified = ResidentProfile.objects.get(nik_verified_at__isnull=False)
    assert verified.user == alice
    # Declaring another NIK drops the verification.
    auth_client(alice).patch("/api/v1/me", {"nik": None}, format="json")
    assert not ResidentProfile.objects.filter(nik_verified_at__isnull=False).exists()


def test_it_rejects_unknown_fields_and_wrong_types(alice, auth_client):
    client = auth_client(alice)
    r = client.patch("/api/v1/me", {"favourite_colour": "red"}, format="json")
    assert r.json()["error"]["fields"] == {"favourite_colour": "Kolom tidak dikenal."}
    r = client.patch("/api/v1/me", {"birth_date": 12}, format="json")
    assert r.status_code == 400
    assert "birth_date" in r.json()["error"]["fields"]
    r = client.patch("/api/v1/me", {"home_village": "99.99.99.9999"}, format="json")
    assert r.json()["error"]["code"] == "unknown_region"


@pytest.mark.parametrize(
    ("birth_date", "accepted"),
    [
        ("2099-01-01", False),
        ("2026-03-11", False),  # tomorrow in Semarang (WIB)
        ("2026-03-10", True),  # today in Semarang, still the 9th in UTC
        ("1900-01-01", True),
        ("1899-12-31", False),
        ("0001-01-01", False),
    ],
)
def test_a_birth_date_is_not_in_the_future_nor_before_1900(
    alice, auth_client, time_machine, birth_date, accepted
):
    time_machine.move_to(dt.datetime(2026, 3, 9, 20, 0, tzinfo=dt.UTC))  # 03:00 WIB

    r = auth_client(alice).patch(
        "/api/v1/me", {"birth_date": birth_date}, format="json"
    )

    alice.profile.refresh_from_db()
    if accepted:
        assert r.status_code == 200, r.content
        assert str(alice.profile.birth_date) == birth_date
    else:
        assert r.status_code == 400
        error = r.json()["error"]
        assert error["code"] == "invalid_birth_date"
        assert set(error["fields"]) == {"birth_date"}
        assert str(alice.profile.birth_date) == "1991-04-12"


def test_it_records_consent_with_purpose_and_time(bob, auth_client):
    client = auth_client(bob)
    client.delete("/api/v1/me/consent")
    assert ResidentProfile.objects.get(user=bob).consent_given_at is None
    r = client.post("/api/v1/me/consent", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 201
    profile = ResidentProfile.objects.get(user=bob)
    assert profile.consent_given_at is not None
    assert "Law 27/2022" in profile.consent_purpose


def test_it_exports_the_residents_data(alice, auth_client):
    r = auth_client(alice).get("/api/v1/me/export")
    assert r.status_code == 200
    assert r.json()["account"]["phone"] == alice.phone
    assert r["Cache-Control"] == "no-store"


def test_it_erases_a_resident_on_request(alice, auth_client):
    client = auth_client(alice)
    assert client.delete("/api/v1/me").status_code == 204
    alice.refresh_from_db()
    assert not alice.is_active
    assert alice.full_name == ""
    assert not ResidentProfile.objects.filter(user=alice).exists()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("body", [{"x": 1}, {"keep_data": True}])
def test_it_refuses_an_erasure_with_fields_it_does_not_know(alice, auth_client, body):
    client = auth_client(alice)
    response = client.delete("/api/v1/me", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_field" and set(error["fields"]) == set(body)
    alice.refresh_from_db()
    assert alice.is_active and alice.full_name == "Alice Wulandari"
    assert client.delete("/api/v1/me", {}, format="json").status_code == 204


def test_it_remembers_the_users_language(alice, auth_client):
    alice.language = "en"
    alice.save()
    r = auth_client(alice).post(
        "/api/v1/auth/otp/request", {"phone": "1"}, format="json"
    )
    assert r["Content-Language"] == "en"
    r = auth_client(alice).get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="id")
    assert r["Content-Language"] == "id"


def test_it_keeps_the_audit_log_append_only(alice, nurse):
    entry = audit_record(
        actor=nurse, action="profile.view", target=alice.profile, patient=alice
    )
    assert entry.actor_role == "health_worker"
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "profile.view"


def test_it_requires_a_facility_for_health_workers(regions_semarang):
    with pytest.raises(DatabaseError), transaction.atomic():
        User.objects.create(phone="+6281299990000", role=User.Role.HEALTH_WORKER)


def test_it_lists_regions_and_facilities(facilities, api_client):
    r = api_client.get("/api/v1/regions", {"parent": "33.74"})
    assert [x["name"] for x in r.json()][:2] == ["Semarang Tengah", "Semarang Utara"]
    r = api_client.get("/api/v1/facilities", {"district": "33.74", "referral": "true"})
    names = {f["name"] for f in r.json()}
    assert names == {"RSUP Dr. Kariadi", "RSUD K.R.M.T. Wongsonegoro"}
    r = api_client.get("/api/v1/regions", {"level": 9})
    assert r.status_code == 400 and "level" in r.json()["error"]["fields"]


def test_the_answer_to_a_new_home_village_has_its_time_zone(alice, auth_client):
    """A Denpasar village is WITA at once, not on the next request."""
    from core.services.regions import regions_load

    regions_load(root="51.71")
    client = auth_client(alice)
    r = client.patch("/api/v1/me", {"home_village": "51.71.01.1002"}, format="json")

    assert r.status_code == 200, r.content
    assert r.json()["profile"]["timezone"] == "Asia/Makassar"
    assert client.get("/api/v1/me").json()["profile"]["timezone"] == "Asia/Makassar"


def test_answers_about_a_person_are_never_cached(alice, auth_client, api_client):
    mine = auth_client(alice).get("/api/v1/me")
    assert mine["Cache-Control"] == "private, no-store"
    public = api_client.get("/api/v1/regions", {"level": 1})
    assert "no-store" not in public.get("Cache-Control", "")
