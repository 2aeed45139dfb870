from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditLog, Facility
from isolation import services
from isolation.models import Alert, CheckIn, Isolation
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db

API = "/api/v1/isolation"


def post_checkin(client, **body):
    body.setdefault("client_id", new_client_id())
    return client.post(f"{API}/checkins", body, format="json")


# --- residents ----------------------------------------------------------------------


def test_it_accepts_a_checkin_and_replays_it_idempotently(
    alice, alice_isolating, auth_client
):
    client = auth_client(alice)
    body = {
        "client_id": "offline-0001",
        "temperature": "37.8",
        "spo2": 96,
        "breathing_rate": 20,
        "symptoms": ["cough"],
        "note": "batuk",
    }
    first = client.post(f"{API}/checkins", body, format="json")
    retry = client.post(f"{API}/checkins", body, format="json")

    assert first.status_code == 201, first.json()
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert first.json()["unwell"] is True and first.json()["danger"] is False
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spo2": 101}, "spo2"),
        ({"spo2": 30}, "spo2"),
        ({"temperature": "47"}, "temperature"),
        ({"breathing_rate": 2}, "breathing_rate"),
        ({"symptoms": ["headache-ish"]}, "symptoms.0"),
        ({"danger_signs": ["dizzy"]}, "danger_signs.0"),
        ({"client_id": "x"}, "client_id"),
        ({"mood": "good"}, "mood"),
    ],
)
def test_it_rejects_malformed_checkins(
    alice, alice_isolating, auth_client, body, field
):
    response = post_checkin(auth_client(alice), **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_needs_a_signed_in_resident(api_client, nurse, auth_client):
    assert post_checkin(api_client, spo2=97).status_code == 401
    assert post_checkin(auth_client(nurse), spo2=97).status_code == 403
    assert api_client.get(f"{API}/me").status_code == 401


def test_it_says_409_without_an_active_isolation(bob, auth_client):
    response = post_checkin(auth_client(bob), spo2=97)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_active_isolation"


def test_it_shows_the_resident_their_isolation(alice, alice_isolating, auth_client):
    client = auth_client(alice)
    post_checkin(client, spo2=97)

    body = client.get(f"{API}/me").json()

    assert body["status"] == "active"
    assert body["day"] == 3 and body["days"] == 10
    assert body["estimated_end"] == alice_isolating.estimated_end.isoformat()
    assert body["facility"]["name"] == "Puskesmas Rowosari"
    assert len(body["recent_checkins"]) == 1
    # Enrolled two days ago at 07:00, no reports before today: 4 closed slots missed.
    assert len(body["missed_slots"]) >= 4
    assert AuditLog.objects.filter(action="isolation.view", actor=alice).exists()


def test_it_says_404_when_the_resident_is_not_isolating(bob, auth_client):
    response = auth_client(bob).get(f"{API}/me")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_isolation"


def test_it_lists_only_my_checkins(
    alice, alice_isolating, bob, bob_isolating, auth_client
):
    post_checkin(auth_client(alice), spo2=97)
    post_checkin(auth_client(bob), spo2=98)
    body = auth_client(alice).get(f"{API}/me/checkins").json()
    assert [c["spo2"] for c in body["results"]] == [97]


def test_it_takes_a_residents_request(alice, nurse, auth_client):
    client = auth_client(alice)
    response = client.post(
        f"{API}/requests",
        {
            "test_date": timezone.now().date().isoformat(),
            "facility_id": nurse.facility_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"

    again = client.post(
        f"{API}/requests",
        {"test_date": timezone.now().date().isoformat()},
        format="json",
    )
    assert again.status_code == 409
    mine = client.get(f"{API}/me/requests").json()
    assert len(mine) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "test_date"),
        ({"reason": "high_selfcheck"}, "assessment_id"),
        ({"assessment_id": "not-a-uuid"}, "assessment_id"),
        ({"test_date": "2999-01-01"}, "test_date"),
        ({"facility_id": 999999}, "facility_id"),
        ({"test_date": "2020-01-01"}, "test_date"),
    ],
)
def test_it_rejects_bad_requests(alice, auth_client, body, field):
    response = auth_client(alice).post(f"{API}/requests", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


# --- health workers ----------------------------------------------------------------


def test_it_lists_the_facilitys_patients_most_urgent_first(
    alice, alice_isolating, nurse, auth_client
):
    charlie = services.isolation_enroll(
        actor=nurse,
        phone="081234567891",
        full_name="Charlie",
        consent_at_puskesmas=True,
        reason="close_contact",
    ).patient
    post_checkin(auth_client(charlie), spo2=98)
    post_checkin(auth_client(alice), spo2=92)

    body = auth_client(nurse).get(f"{API}/patients").json()["results"]

    assert [r["isolation"]["patient"]["full_name"] for r in body] == [
        alice.full_name,
        "Charlie",
    ]
    top = body[0]
    assert top["today_status"] == "seen_not_ok"
    assert top["last_checkin"]["spo2"] == 92
    assert top["open_alerts"][0]["kind"] == "danger"
    assert top["open_alerts"][0]["reason_labels"] == ["SpO2 di bawah 95%"]
    audit = AuditLog.objects.get(action="isolation.list", actor=nurse)
    assert alice_isolating.pk in audit.detail["patients"]


def test_it_keeps_other_facilities_patients_out_of_the_list(
    bob_isolating, nurse, auth_client
):
    page = auth_client(nurse).get(f"{API}/patients").json()
    assert page == {"next": None, "previous": None, "results": []}


def test_it_shows_a_patient_with_the_timeline(
    alice, alice_isolating, nurse, auth_client
):
    post_checkin(auth_client(alice), spo2=92)
    response = auth_client(nurse).get(f"{API}/patients/{alice_isolating.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["isolation"]["patient"]["phone"] == alice.phone
    assert len(body["checkins"]) == 1 and len(body["alerts"]) == 1
    assert body["notes"][0]["kind"] == "enrolment"
    assert AuditLog.objects.filter(
        action="isolation.view", actor=nurse, patient=alice
    ).exists()


def test_it_says_404_for_another_facilitys_patient(
    alice, alice_isolating, nurse2, auth_client
):
    post_checkin(auth_client(alice), spo2=92)
    alert = Alert.objects.get()
    client = auth_client(nurse2)
    pk = alice_isolating.pk
    assert client.get(f"{API}/patients/{pk}").status_code == 404
    assert (
        client.post(
            f"{API}/patients/{pk}/notes", {"text": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/patients/{pk}/status", {"status": "released"}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/patients/{pk}/extend", {"days": 2}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/alerts/{alert.pk}/acknowledge", {}, format="json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/alerts").json()["results"] == []
    assert not AuditLog.objects.filter(actor=nurse2, patient=alice).exists()


def test_it_lists_open_alerts_danger_first_newest_first(
    alice, alice_isolating, bob, nurse, auth_client
):
    other = enrol(nurse, bob)
    now = timezone.now()
    today = alice_isolating.local_today()

    def alert(isolation, kind, minutes_ago, slot="am", days_ago=0):
        checkin = None
        if kind == "danger":
            checkin, _ = services.checkin_submit(
                patient=isolation.patient, client_id=new_client_id(), spo2=90
            )
            Alert.objects.filter(checkin=checkin).delete()
        return Alert.objects.create(
            isolation=isolation,
            kind=kind,
            checkin=checkin,
            reasons=["spo2_low"] if checkin else [],
            slot_date=today - dt.timedelta(days=days_ago),
            slot=slot,
            created_at=now - dt.timedelta(minutes=minutes_ago),
        )

    old_missed = alert(alice_isolating, "missed", 300, days_ago=1)
    old_danger = alert(alice_isolating, "danger", 200)
    new_missed = alert(other, "missed", 100)
    new_danger = alert(other, "danger", 10, slot="pm")
    acknowledged = alert(alice_isolating, "danger", 5, slot="pm")
    Alert.objects.filter(pk=acknowledged.pk).update(
        acknowledged_at=now, acknowledged_by=nurse
    )

    response = auth_client(nurse).get(f"{API}/alerts")

    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [
        new_danger.pk,
        old_danger.pk,
        new_missed.pk,
        old_missed.pk,
    ]


def test_it_keeps_residents_out_of_health_worker_endpoints(
    alice, alice_isolating, auth_client, api_client
):
    assert auth_client(alice).get(f"{API}/patients").status_code == 403
    assert auth_client(alice).get(f"{API}/alerts").status_code == 403
    assert api_client.get(f"{API}/patients").status_code == 401


def test_it_acknowledges_an_alert_with_a_note(
    alice, alice_isolating, nurse, auth_client
):
    post_checkin(auth_client(alice), spo2=92)
    alert = Alert.objects.get()
    client = auth_client(nurse)

    response = client.post(
        f"{API}/alerts/{alert.pk}/acknowledge",
        {"note": "Sudah ditelepon"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["acknowledged_by"]["id"] == nurse.pk
    assert response.json()["note"] == "Sudah ditelepon"
    assert client.get(f"{API}/alerts").json()["results"] == []
    again = client.post(f"{API}/alerts/{alert.pk}/acknowledge", {}, format="json")
    assert again.status_code == 409
    assert (
        client.post(f"{API}/alerts/999999/acknowledge", {}, format="json").status_code
        == 404
    )


def test_it_enrols_a_patient_by_phone(nurse, auth_client):
    client = auth_client(nurse)
    response = client.post(
        f"{API}/patients",
        {
            "phone": "0812-3456-7892",
            "full_name": "Dewi",
            "consent_at_puskesmas": True,
            "reason": "close_contact",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["patient"]["phone"] == "+6281234567892"

    again = client.post(
        f"{API}/patients",
        {
            "phone": "081234567892",
            "full_name": "Dewi",
            "consent_at_puskesmas": True,
            "reason": "close_contact",
        },
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_isolating"  # her own patient
    bad = client.post(f"{API}/patients", {"phone": "12", "reason": "x"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"reason"}


def test_it_changes_the_final_status(alice, alice_isolating, nurse, auth_client):
    client = auth_client(nurse)
    url = f"{API}/patients/{alice_isolating.pk}/status"

    missing = client.post(url, {"status": "referred"}, format="json")
    assert missing.status_code == 400
    assert "referral_facility_id" in missing.json()["error"]["fields"]

    hospital = Facility.objects.get(code="R3374060001")
    ok = client.post(
        url,
        {"status": "referred", "referral_facility_id": hospital.pk, "note": "IGD"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["referral_facility"]["name"] == hospital.name
    assert client.post(url, {"status": "released"}, format="json").status_code == 409


def test_it_refuses_a_release_with_open_danger_alerts_unless_confirmed(
    alice, alice_isolating, nurse, auth_client
):
    services.checkin_submit(patient=alice, client_id=new_client_id(), spo2=90)
    client = auth_client(nurse)
    url = f"{API}/patients/{alice_isolating.pk}/status"

    refused = client.post(url, {"status": "released"}, format="json")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "open_danger_alerts"
    assert "confirm_open_danger" in error["fields"]
    alice_isolating.refresh_from_db()
    assert alice_isolating.status == Isolation.Status.ACTIVE
    assert Alert.objects.filter(acknowledged_at__isnull=True).count() == 1

    ok = client.post(
        url, {"status": "released", "confirm_open_danger": True}, format="json"
    )
    assert ok.status_code == 200
    alice_isolating.refresh_from_db()
    assert alice_isolating.status == Isolation.Status.RELEASED
    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()


def test_it_refers_a_patient_with_open_danger_alerts_without_asking(
    alice, alice_isolating, nurse, auth_client
):
    services.checkin_submit(patient=alice, client_id=new_client_id(), spo2=90)
    hospital = Facility.objects.get(code="R3374060001")
    response = auth_client(nurse).post(
        f"{API}/patients/{alice_isolating.pk}/status",
        {"status": "referred", "referral_facility_id": hospital.pk},
        format="json",
    )
    assert response.status_code == 200


def test_it_extends_and_notes(alice, nurse, auth_client):
    isolation = enrol(nurse, alice, days_ago=3)
    client = auth_client(nurse)
    ext = client.post(
        f"{API}/patients/{isolation.pk}/extend",
        {"days": 3, "note": "gejala"},
        format="json",
    )
    assert ext.status_code == 200
    assert (
        ext.json()["estimated_end"]
        == (isolation.estimated_end + dt.timedelta(days=3)).isoformat()
    )
    assert (
        client.post(
            f"{API}/patients/{isolation.pk}/extend", {}, format="json"
        ).status_code
        == 400
    )
    note = client.post(
        f"{API}/patients/{isolation.pk}/notes", {"text": "Kontrol besok"}, format="json"
    )
    assert note.status_code == 201
    assert (
        client.post(
            f"{API}/patients/{isolation.pk}/notes", {}, format="json"
        ).status_code
        == 400
    )


def test_it_confirms_and_declines_requests(alice, bob, nurse, nurse2, auth_client):
    today = timezone.now().date().isoformat()
    req = (
        auth_client(alice)
        .post(
            f"{API}/requests",
            {"test_date": today, "facility_id": nurse.facility_id},
            format="json",
        )
        .json()
    )
    client = auth_client(nurse)
    pending = client.get(f"{API}/requests/pending").json()["results"]
    assert [r["id"] for r in pending] == [req["id"]]
    assert auth_client(nurse2).get(f"{API}/requests/pending").json()["results"] == []
    assert (
        auth_client(nurse2)
        .post(f"{API}/requests/{req['id']}/confirm", {}, format="json")
        .status_code
        == 404
    )

    confirmed = client.post(f"{API}/requests/{req['id']}/confirm", {}, format="json")
    assert confirmed.status_code == 201
    assert Isolation.objects.get(patient=alice).status == "active"
    assert (
        client.post(
            f"{API}/requests/{req['id']}/decline", {}, format="json"
        ).status_code
        == 409
    )


def test_it_replays_events_over_http(
    alice, alice_isolating, nurse, nurse2, auth_client
):
    post_checkin(auth_client(alice), spo2=92)
    body = auth_client(nurse).get(f"{API}/events", {"after": 0}).json()
    kinds = [e["kind"] for e in body["events"]]
    assert kinds == ["patient", "checkin", "alert"]
    assert (body["last_seq"], body["more"]) == (3, False)
    later = auth_client(nurse).get(f"{API}/events", {"after": 2}).json()
    assert [e["seq"] for e in later["events"]] == [3]
    assert auth_client(nurse2).get(f"{API}/events").json()["events"] == []
    assert auth_client(nurse).get(f"{API}/events", {"after": -1}).status_code == 400


def test_it_says_when_more_events_follow_a_replay(
    alice, alice_isolating, nurse, auth_client, monkeypatch
):
    from isolation import selectors

    post_checkin(auth_client(alice), spo2=92)
    monkeypatch.setattr(selectors, "REPLAY_LIMIT", 2)
    client = auth_client(nurse)

    first = client.get(f"{API}/events", {"after": 0}).json()
    rest = client.get(f"{API}/events", {"after": first["last_seq"]}).json()

    assert [e["seq"] for e in first["events"]] == [1, 2]
    assert (first["last_seq"], first["more"]) == (2, True)
    assert [e["seq"] for e in rest["events"]] == [3]
    assert (rest["last_seq"], rest["more"]) == (3, False)


def test_it_shows_the_nurse_the_selfcheck_a_request_came_from(
    alice, bob, nurse, nurse2, auth_client
):
    from tests.selfcheck.helpers import URL as SELFCHECK
    from tests.selfcheck.helpers import body

    resident = auth_client(alice)
    checked = resident.post(
        SELFCHECK,
        body(danger_signs=["chest_pain"], spo2=92, symptoms=["cough"]),
        format="json",
    )
    assert checked.status_code in (200, 201), checked.json()
    assessment = checked.json()
    assert assessment["risk_level"] == "critical"
    asked = resident.post(
        f"{API}/requests",
        {"assessment_id": assessment["id"], "facility_id": nurse.facility_id},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    # Bob's own self-check, named by nobody's request, stays his.
    auth_client(bob).post(SELFCHECK, body(), format="json")

    listed = auth_client(nurse).get(f"{API}/requests/pending")
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert row["reason_label"] == "Cek mandiri: gawat darurat"
    summary = row["assessment"]
    assert summary["id"] == assessment["id"]
    assert summary["risk_level"] == "critical"
    assert summary["symptoms"] == ["Batuk"]
    assert summary["danger_signs"] == ["Nyeri dada"]
    assert summary["spo2"] == 92
    assert any("nyeri dada" in r.lower() for r in summary["reasons"])
    audit = AuditLog.objects.filter(action="isolation.requests.list").latest("pk")
    assert audit.detail["assessments"] == [assessment["id"]]
    # The self-check itself stays the resident's: the nurse has only the summary.
    own = auth_client(nurse).get(f"/api/v1/selfcheck/assessments/{assessment['id']}")
    assert own.status_code == 404
    # Another puskesmas sees neither the request nor the self-check.
    assert auth_client(nurse2).get(f"{API}/requests/pending").json()["results"] == []

    from django.test import Client

    page = Client()
    page.force_login(nurse)
    html = page.get("/dashboard/requests/").text
    assert "Cek mandiri: gawat darurat" in html
    assert "Cek mandiri risiko tinggi" not in html
    assert "Nyeri dada" in html and "SpO2 92%" in html


def test_it_shows_no_selfcheck_of_another_resident_on_a_request(
    alice, bob, nurse, auth_client
):
    from isolation.models import IsolationRequest
    from tests.selfcheck.helpers import URL as SELFCHECK
    from tests.selfcheck.helpers import body

    bobs = auth_client(bob).post(
        SELFCHECK, body(danger_signs=["chest_pain"]), format="json"
    )
    IsolationRequest.objects.create(
        patient=alice,
        facility_id=nurse.facility_id,
        reason=Isolation.Reason.HIGH_SELFCHECK,
        assessment_id=bobs.json()["id"],
    )
    (row,) = auth_client(nurse).get(f"{API}/requests/pending").json()["results"]
    assert row["assessment"] is None
    assert row["reason_label"] == "Cek mandiri risiko tinggi"
